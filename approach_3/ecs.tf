################################################################################
# Cluster
################################################################################

data "aws_partition" "current" {}

locals {
  is_ec2            = var.launch_type == "EC2"
  capacity_provider = local.is_ec2 ? aws_ecs_capacity_provider.ec2[0].name : "FARGATE"
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }
}

# On-demand Fargate only: Spot tasks can be interrupted with two minutes' notice at any time.
resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = [local.capacity_provider]

  default_capacity_provider_strategy {
    capacity_provider = local.capacity_provider
    weight            = 1
  }
}

################################################################################
# IAM: the execution role lets ECS pull from ECR and write logs; the apps need no AWS access
################################################################################

resource "aws_iam_role" "task_execution" {
  name = "${var.name}-task-execution"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  role       = aws_iam_role.task_execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

################################################################################
# Task definitions
################################################################################

resource "aws_cloudwatch_log_group" "app" {
  for_each = local.apps

  name              = "/ecs/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days

  tags = { App = each.key }
}

locals {
  container_definitions = {
    for app, _ in local.apps : app => [{
      name      = app
      image     = "${aws_ecr_repository.app[app].repository_url}:${var.initial_version}"
      essential = true

      portMappings = [{ name = "http", containerPort = var.container_port, protocol = "tcp" }]

      environment = [
        { name = "PORT", value = tostring(var.container_port) },
        # Default 5000 is shorter than the ALB's detection time (interval × unhealthy threshold):
        # the app would stop accepting while the ALB still sends.
        { name = "DRAIN_DELAY_MS", value = tostring(var.drain_delay_ms) },
        # Longer than the longest request, so in-flight requests finish before the app exits.
        { name = "DRAIN_TIMEOUT_MS", value = tostring(var.drain_timeout_ms) },
        # Longer than the ALB idle timeout, so the ALB, not the app, closes idle connections (no 502 race).
        { name = "KEEPALIVE_TIMEOUT_MS", value = tostring(local.app_keepalive_timeout_ms) },
      ]

      # Default 30 s SIGKILLs the app mid-drain; ours covers DRAIN_DELAY_MS + DRAIN_TIMEOUT_MS (Fargate max 120).
      stopTimeout = var.stop_timeout

      # No health check by default: a task that is up but not ready would count as healthy.
      # bash's /dev/tcp needs neither curl nor wget in the image (debian:bookworm-slim has bash, head, grep).
      healthCheck = {
        command     = ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${var.container_port} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
        interval    = 10
        timeout     = 3
        retries     = 3
        startPeriod = 10
      }

      # tini as PID 1 hands SIGTERM to the app and reaps the health check's child processes.
      linuxParameters = { initProcessEnabled = true }

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app[app].name
          awslogs-region        = var.region
          awslogs-stream-prefix = "ecs"
        }
      }
    }]
  }
}

resource "aws_ecs_task_definition" "app" {
  for_each = local.apps

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = [var.launch_type]
  network_mode             = "awsvpc" # One ENI per task: the ALB targets task IPs and the tasks' security group applies.
  cpu                      = tostring(var.task_cpu)
  memory                   = tostring(var.task_memory)
  execution_role_arn       = aws_iam_role.task_execution.arn
  container_definitions    = jsonencode(local.container_definitions[each.key])

  dynamic "runtime_platform" {
    for_each = local.is_ec2 ? [] : [1]

    content {
      operating_system_family = "LINUX"
      cpu_architecture        = var.cpu_architecture
    }
  }

  # Keep old revisions ACTIVE when Terraform replaces this one: they are the circuit breaker's rollback targets.
  skip_destroy = true

  tags = { App = each.key }

  lifecycle {
    precondition {
      condition     = var.drain_delay_ms >= local.alb_unhealthy_detection_ms
      error_message = "drain_delay_ms must be at least health_check_interval × health_check_unhealthy_threshold × 1000 (${local.alb_unhealthy_detection_ms} ms): the app must keep serving until the ALB has seen its 503."
    }
    precondition {
      condition     = var.drain_timeout_ms >= var.longest_request_seconds * 1000
      error_message = "drain_timeout_ms must be at least longest_request_seconds × 1000, or the app exits before its longest requests finish."
    }
    precondition {
      condition     = var.stop_timeout * 1000 > local.app_shutdown_ms
      error_message = "stop_timeout must exceed (drain_delay_ms + drain_timeout_ms) / 1000 = ${local.app_shutdown_ms / 1000} s, or ECS SIGKILLs the app while it drains."
    }
  }
}

################################################################################
# Services
################################################################################

resource "aws_ecs_service" "app" {
  for_each = local.apps

  name            = each.key
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.app[each.key].arn
  desired_count   = var.desired_count # ≥ 2: one task is an outage on every replacement.

  # Rolling update that never dips below full capacity: start new tasks first (up to 200 %), stop old ones once new are healthy.
  deployment_controller {
    type = "ECS"
  }
  deployment_minimum_healthy_percent = var.deployment_minimum_healthy_percent # Module default 66 stops a third of the old tasks up front.
  deployment_maximum_percent         = var.deployment_maximum_percent         # Room to run every new task next to the old ones.

  # Off by default: a release that never turns healthy loops forever. On: ECS stops it and rolls back to the last good revision.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Default 0: a task still starting can be killed for failing checks; must cover start-up plus healthy_threshold × interval.
  health_check_grace_period_seconds = var.health_check_grace_period_seconds

  capacity_provider_strategy {
    capacity_provider = local.capacity_provider
    weight            = 1
  }

  network_configuration {
    subnets          = local.task_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = var.tasks_in_public_subnets
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app[each.key].arn
    container_name   = each.key
    container_port   = var.container_port
  }

  # Fargate spreads tasks over the AZs by itself; on EC2 we ask for it, so one AZ or host never holds every task.
  dynamic "ordered_placement_strategy" {
    for_each = local.is_ec2 ? ["attribute:ecs.availability-zone", "instanceId"] : []

    content {
      type  = "spread"
      field = ordered_placement_strategy.value
    }
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"

  # ./up returns only once the tasks are running and healthy.
  wait_for_steady_state = true

  tags = { App = each.key }

  lifecycle {
    # ./deploy owns the running revision, autoscaling owns the count: Terraform must not roll either back.
    ignore_changes = [task_definition, desired_count]

    precondition {
      condition     = floor(var.desired_count * var.deployment_maximum_percent / 100) > var.desired_count
      error_message = "deployment_maximum_percent leaves no room for a new task next to the ${var.desired_count} old ones: raise it (200 recommended)."
    }
    precondition {
      condition     = var.health_check_grace_period_seconds >= var.health_check_healthy_threshold * var.health_check_interval
      error_message = "health_check_grace_period_seconds must cover the ALB's healthy_threshold × interval (${var.health_check_healthy_threshold * var.health_check_interval} s), or ECS kills new tasks before the ALB can admit them."
    }
    precondition {
      condition     = var.autoscaling_max_capacity >= var.autoscaling_min_capacity && var.desired_count >= var.autoscaling_min_capacity && var.desired_count <= var.autoscaling_max_capacity
      error_message = "Need autoscaling_min_capacity <= desired_count <= autoscaling_max_capacity."
    }
    precondition {
      condition     = !(var.tasks_in_public_subnets && local.is_ec2)
      error_message = "tasks_in_public_subnets needs launch_type = FARGATE: awsvpc tasks on EC2 cannot get public IPs, so they could not pull images."
    }
  }

  # The target group must be attached to the listener before a service may register targets in it.
  depends_on = [
    aws_lb_listener_rule.app,
    aws_iam_role_policy_attachment.task_execution,
    aws_ecs_cluster_capacity_providers.this,
    aws_route.private_nat,
    aws_route.public_internet,
  ]
}
