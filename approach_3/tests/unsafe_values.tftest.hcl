# Values that would drop requests are rejected at plan time, by a variable validation or a
# resource precondition. Each run changes one setting from the safe defaults.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "rejects_minimum_healthy_below_100" {
  command = plan
  variables { deployment_minimum_healthy_percent = 50 }
  expect_failures = [var.deployment_minimum_healthy_percent]
}

run "rejects_maximum_percent_without_room_for_a_new_task" {
  command = plan
  variables { deployment_maximum_percent = 140 } # 2 tasks × 140 % = 2.8: no room for a third.
  expect_failures = [aws_ecs_service.app]
}

run "rejects_stop_timeout_above_fargate_maximum" {
  command = plan
  variables { stop_timeout = 200 }
  expect_failures = [var.stop_timeout]
}

run "rejects_deregistration_delay_not_below_stop_timeout" {
  command = plan
  variables { deregistration_delay = 60 } # stop_timeout is 60.
  expect_failures = [aws_lb_target_group.app]
}

run "rejects_deregistration_delay_shorter_than_longest_request" {
  command = plan
  variables { deregistration_delay = 10 }
  expect_failures = [aws_lb_target_group.app]
}

run "rejects_stop_timeout_shorter_than_the_app_drain" {
  command = plan
  variables { stop_timeout = 40 } # DRAIN_DELAY_MS 15000 + DRAIN_TIMEOUT_MS 30000 = 45 s.
  expect_failures = [aws_ecs_task_definition.app]
}

run "rejects_desired_count_of_one" {
  command = plan
  variables { desired_count = 1 }
  expect_failures = [var.desired_count]
}

run "rejects_autoscaling_down_to_one_task" {
  command = plan
  variables { autoscaling_min_capacity = 1 }
  expect_failures = [var.autoscaling_min_capacity]
}

run "rejects_app_default_drain_delay_shorter_than_alb_detection" {
  command = plan
  variables { drain_delay_ms = 5000 } # The apps' default; the ALB needs 5 s × 2 = 10 s to notice.
  expect_failures = [aws_ecs_task_definition.app]
}

run "rejects_slower_health_checks_without_longer_drain_delay" {
  command = plan
  variables {
    health_check_interval            = 10
    health_check_unhealthy_threshold = 3 # 30 s to notice, drain delay still 15 s.
  }
  expect_failures = [aws_ecs_task_definition.app]
}

run "rejects_drain_timeout_shorter_than_longest_request" {
  command = plan
  variables { drain_timeout_ms = 10000 }
  expect_failures = [aws_ecs_task_definition.app]
}

run "rejects_grace_period_shorter_than_alb_admission" {
  command = plan
  variables { health_check_grace_period_seconds = 5 } # The ALB needs 2 × 5 s to admit a new task.
  expect_failures = [aws_ecs_service.app]
}

run "rejects_zero_health_check_grace_period" {
  command = plan
  variables { health_check_grace_period_seconds = 0 }
  expect_failures = [var.health_check_grace_period_seconds]
}

run "rejects_alb_idle_timeout_shorter_than_longest_request" {
  command = plan
  variables { alb_idle_timeout = 15 }
  expect_failures = [aws_lb.this]
}

run "rejects_public_tasks_on_ec2" {
  command = plan
  variables {
    launch_type             = "EC2"
    tasks_in_public_subnets = true
  }
  expect_failures = [aws_ecs_service.app]
}

run "rejects_health_check_timeout_not_below_interval" {
  command = plan
  variables { health_check_timeout = 5 } # interval is 5.
  expect_failures = [aws_lb_target_group.app]
}

run "rejects_desired_count_outside_autoscaling_bounds" {
  command = plan
  variables { desired_count = 8 } # autoscaling_max_capacity is 6.
  expect_failures = [aws_ecs_service.app]
}
