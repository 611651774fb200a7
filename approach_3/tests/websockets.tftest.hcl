# WebSockets (the apps' GET /<app>/ws) cross the ALB on the plain HTTP listener, through the same
# /<app>/* rules: nothing to turn on. What can end one is the ALB's idle timeout, which counts
# silence in both directions; the apps send a tick every STREAM_INTERVAL_MS (1000 unless the task
# sets it), so the ALB must allow a few ticks of silence, or it cuts live sockets.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "alb_idle_timeout_outlasts_the_websocket_tick" {
  command = plan

  assert {
    condition = alltrue([
      for td in aws_ecs_task_definition.app :
      lookup({ for e in jsondecode(td.container_definitions)[0].environment : e.name => tonumber(e.value) }, "STREAM_INTERVAL_MS", 1000) * 3 <= aws_lb.this.idle_timeout * 1000
    ])
    error_message = "The ALB idle timeout (${aws_lb.this.idle_timeout} s) must allow at least 3 of the apps' ticks (STREAM_INTERVAL_MS, default 1000 ms), or a late tick lets the ALB cut a live WebSocket."
  }
}
