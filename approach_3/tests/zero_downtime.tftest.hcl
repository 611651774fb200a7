# The zero-downtime properties hold in the plan Terraform would apply with the default variables.
# Each assertion reads the planned resource attributes (not the variables), for both apps.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "defaults_plan_is_zero_downtime" {
  command = plan

  assert {
    condition     = sort(keys(aws_ecs_service.app)) == sort(["go-app", "node-app"])
    error_message = "Expected one ECS service per app, got ${jsonencode(keys(aws_ecs_service.app))}."
  }

  # --- Rolling deployment: new tasks start before old ones stop ---------------------------------

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : s.deployment_minimum_healthy_percent == 100])
    error_message = "Every service must keep 100 % of its tasks during a deployment: ${jsonencode({ for k, s in aws_ecs_service.app : k => s.deployment_minimum_healthy_percent })}."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : s.deployment_maximum_percent == 200])
    error_message = "Every service must allow 200 % tasks during a deployment: ${jsonencode({ for k, s in aws_ecs_service.app : k => s.deployment_maximum_percent })}."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : s.deployment_controller[0].type == "ECS"])
    error_message = "Every service must use the ECS rolling deployment controller."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : s.deployment_circuit_breaker[0].enable && s.deployment_circuit_breaker[0].rollback])
    error_message = "Every service must have the deployment circuit breaker on, with rollback."
  }

  assert {
    condition = alltrue([
      for k, s in aws_ecs_service.app :
      s.health_check_grace_period_seconds >= aws_lb_target_group.app[k].health_check[0].healthy_threshold * aws_lb_target_group.app[k].health_check[0].interval
    ])
    error_message = "Every service's health check grace period must cover the ALB's healthy_threshold × interval: ${jsonencode({ for k, s in aws_ecs_service.app : k => s.health_check_grace_period_seconds })}."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : s.desired_count >= 2])
    error_message = "Every service must run at least 2 tasks: ${jsonencode({ for k, s in aws_ecs_service.app : k => s.desired_count })}."
  }

  assert {
    condition     = alltrue([for t in aws_appautoscaling_target.app : t.min_capacity >= 2 && t.max_capacity >= t.min_capacity])
    error_message = "Autoscaling must never go below 2 tasks: ${jsonencode({ for k, t in aws_appautoscaling_target.app : k => t.min_capacity })}."
  }

  assert {
    condition = alltrue([
      for k, _ in aws_ecs_service.app :
      aws_appautoscaling_policy.cpu[k].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization" &&
      aws_appautoscaling_policy.requests[k].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget"
    ])
    error_message = "Every service must have CPU and request-count target-tracking policies."
  }

  # --- Draining: the ALB stops routing before the app stops serving, and ECS waits for both -----

  assert {
    condition = alltrue([
      for k, td in aws_ecs_task_definition.app :
      tonumber(aws_lb_target_group.app[k].deregistration_delay) < jsondecode(td.container_definitions)[0].stopTimeout
    ])
    error_message = "Every target group's deregistration delay must be shorter than its container's stopTimeout."
  }

  assert {
    condition     = alltrue([for td in aws_ecs_task_definition.app : jsondecode(td.container_definitions)[0].stopTimeout <= 120])
    error_message = "Every container's stopTimeout must be at most 120 s (the Fargate maximum)."
  }

  assert {
    condition     = alltrue([for tg in aws_lb_target_group.app : tonumber(tg.deregistration_delay) > 20])
    error_message = "Every target group's deregistration delay must outlast the longest request (20 s): ${jsonencode({ for k, tg in aws_lb_target_group.app : k => tg.deregistration_delay })}."
  }

  assert {
    condition = alltrue([
      for k, td in aws_ecs_task_definition.app :
      { for e in jsondecode(td.container_definitions)[0].environment : e.name => tonumber(e.value) }["DRAIN_DELAY_MS"] >=
      aws_lb_target_group.app[k].health_check[0].interval * aws_lb_target_group.app[k].health_check[0].unhealthy_threshold * 1000
    ])
    error_message = "Every container's DRAIN_DELAY_MS must be at least the ALB's health check interval × unhealthy threshold (in ms)."
  }

  assert {
    condition = alltrue([
      for td in aws_ecs_task_definition.app :
      { for e in jsondecode(td.container_definitions)[0].environment : e.name => tonumber(e.value) }["DRAIN_TIMEOUT_MS"] >= 20000
    ])
    error_message = "Every container's DRAIN_TIMEOUT_MS must outlast the longest request (20 s)."
  }

  assert {
    condition = alltrue([
      for td in aws_ecs_task_definition.app :
      jsondecode(td.container_definitions)[0].stopTimeout * 1000 > sum([
        for e in jsondecode(td.container_definitions)[0].environment : tonumber(e.value) if contains(["DRAIN_DELAY_MS", "DRAIN_TIMEOUT_MS"], e.name)
      ])
    ])
    error_message = "Every container's stopTimeout must exceed DRAIN_DELAY_MS + DRAIN_TIMEOUT_MS, or ECS kills the app mid-drain."
  }

  assert {
    condition = alltrue([
      for td in aws_ecs_task_definition.app :
      { for e in jsondecode(td.container_definitions)[0].environment : e.name => tonumber(e.value) }["KEEPALIVE_TIMEOUT_MS"] > aws_lb.this.idle_timeout * 1000
    ])
    error_message = "Every container's KEEPALIVE_TIMEOUT_MS must exceed the ALB idle timeout, or the ALB sends requests on connections the app is closing (502)."
  }

  assert {
    condition     = aws_lb.this.idle_timeout > 20
    error_message = "The ALB idle timeout must outlast the longest request (20 s): ${aws_lb.this.idle_timeout}."
  }

  # --- Health checks: the ALB and ECS ask /healthz, which turns 503 on SIGTERM --------------------

  assert {
    condition     = alltrue([for k, tg in aws_lb_target_group.app : tg.health_check[0].enabled && tg.health_check[0].path == "/${k}/healthz"])
    error_message = "Every target group must health-check /<app>/healthz: ${jsonencode({ for k, tg in aws_lb_target_group.app : k => tg.health_check[0].path })}."
  }

  assert {
    condition     = alltrue([for tg in aws_lb_target_group.app : tg.health_check[0].matcher == "200"])
    error_message = "Every target group's health check must accept only 200: ${jsonencode({ for k, tg in aws_lb_target_group.app : k => tg.health_check[0].matcher })}."
  }

  assert {
    condition = alltrue([
      for td in aws_ecs_task_definition.app :
      strcontains(join(" ", jsondecode(td.container_definitions)[0].healthCheck.command), "/healthz")
    ])
    error_message = "Every container must have a health check on /healthz."
  }

  # --- Routing: each app's path goes to its own target group, and its tasks register there ------

  assert {
    condition = alltrue([
      for k, r in aws_lb_listener_rule.app :
      contains(one(one(r.condition).path_pattern).values, "/${k}/*") &&
      r.action[0].type == "forward" &&
      r.action[0].target_group_arn == aws_lb_target_group.app[k].arn
    ])
    error_message = "Every listener rule must forward /<app>/* to that app's own target group."
  }

  assert {
    condition = alltrue([
      for k, s in aws_ecs_service.app :
      one(s.load_balancer).target_group_arn == aws_lb_target_group.app[k].arn && one(s.load_balancer).container_name == k
    ])
    error_message = "Every service must register its tasks in its own app's target group."
  }

  # --- Safe defaults around the rollout ---------------------------------------------------------

  assert {
    condition     = alltrue([for td in aws_ecs_task_definition.app : td.skip_destroy])
    error_message = "Task definition revisions must outlive replacement: they are the circuit breaker's rollback targets."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.app : r.image_tag_mutability == "IMMUTABLE"])
    error_message = "ECR tags must be immutable, so a version always means the same image."
  }

  assert {
    condition     = alltrue([for td in aws_ecs_task_definition.app : endswith(jsondecode(td.container_definitions)[0].image, ":v1")])
    error_message = "Task definitions must start on the initial_version image."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : !s.network_configuration[0].assign_public_ip]) && length(aws_subnet.private) == 2 && length(aws_nat_gateway.this) == 1
    error_message = "By default tasks must run in the 2 private subnets, without public IPs, behind a NAT gateway."
  }

  assert {
    condition     = length(aws_subnet.public) == 2 && length(distinct([for s in aws_subnet.public : s.availability_zone])) == 2
    error_message = "The ALB's public subnets must span 2 availability zones."
  }
}
