################################################################################
# Security groups: internet → ALB :80 → tasks :container_port, nothing else
################################################################################

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "ZeroDrop ALB: HTTP from allowed_ingress_cidrs, out to the tasks only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name}-alb" }
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  for_each = toset(var.allowed_ingress_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "HTTP from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Requests and health checks to the tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.tasks.id
}

resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "ZeroDrop tasks: app port from the ALB only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name}-tasks" }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "App port from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "tasks_out" {
  security_group_id = aws_security_group.tasks.id
  description       = "Image pulls (ECR) and logs (CloudWatch) over HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

################################################################################
# ALB: one listener, one target group per app, routed by path
################################################################################

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id

  # Must outlast the longest request (20 s): an idle connection past this is cut with a 504.
  # WebSockets (the apps' /ws) need no setting on an HTTP listener, but this also ends one silent
  # that long in both directions: the apps tick every STREAM_INTERVAL_MS (1 s), so only a dead
  # socket gets there (tests/websockets.tftest.hcl).
  idle_timeout = var.alb_idle_timeout

  drop_invalid_header_fields = true

  lifecycle {
    precondition {
      condition     = var.alb_idle_timeout > var.longest_request_seconds
      error_message = "alb_idle_timeout must exceed longest_request_seconds, or the ALB cuts the longest requests with a 504."
    }
  }
}

resource "aws_lb_target_group" "app" {
  for_each = local.apps

  name        = "${var.name}-${each.key}"
  port        = var.container_port
  protocol    = "HTTP"
  target_type = "ip" # awsvpc tasks register by their own IP, on Fargate and EC2 alike.
  vpc_id      = aws_vpc.this.id

  # Default 300 s makes every deploy wait 5 min per task; ours outlasts the longest request and stays below stop_timeout.
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled  = true
    protocol = "HTTP"
    port     = "traffic-port"
    # Default "/" never turns 503 on SIGTERM; /healthz does, so a draining task leaves rotation.
    path    = "/${each.key}/healthz"
    matcher = "200"
    # Defaults (30 s × 2 unhealthy, 5 healthy) take 60 s to notice a draining task and 150 s to admit a new one.
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.health_check_healthy_threshold
    unhealthy_threshold = var.health_check_unhealthy_threshold
  }

  tags = { App = each.key }

  lifecycle {
    precondition {
      condition     = var.deregistration_delay < var.stop_timeout
      error_message = "deregistration_delay must be shorter than stop_timeout: the ALB must finish draining a task before ECS may kill it."
    }
    precondition {
      condition     = var.deregistration_delay > var.longest_request_seconds
      error_message = "deregistration_delay must exceed longest_request_seconds, or the ALB cuts in-flight long requests of a deregistered task."
    }
    precondition {
      condition     = var.health_check_timeout < var.health_check_interval
      error_message = "health_check_timeout must be shorter than health_check_interval."
    }
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  # Paths that belong to no app get a plain 404 instead of reaching some app by accident.
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "no app at this path; try /go-app/ or /node-app/\n"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "app" {
  for_each = local.apps

  listener_arn = aws_lb_listener.http.arn
  priority     = each.value.listener_rule_priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app[each.key].arn
  }

  condition {
    path_pattern {
      values = ["/${each.key}", "/${each.key}/*"]
    }
  }

  tags = { App = each.key }
}
