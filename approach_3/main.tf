# ZeroDrop Lab, approach 3: go-app and node-app on ECS behind one ALB that routes by path.
# Files: network.tf (VPC), alb.tf (ALB, target groups, security groups), ecr.tf, ecs.tf
# (cluster, task definitions, services), autoscaling.tf, ec2_capacity.tf (optional EC2 capacity).
#
# Who owns what: Terraform builds the infrastructure and the first task definition revision;
# ./deploy registers later revisions (new image) and rolls them out, so the services ignore
# task_definition changes made outside Terraform (see ecs.tf).

locals {
  # Every app serves its routes under /<app>/ too, so the ALB routes by path without rewriting.
  apps = {
    "go-app"   = { listener_rule_priority = 10 }
    "node-app" = { listener_rule_priority = 20 }
  }

  # Worst-case time for the ALB to take a target that answers 503 out of rotation.
  alb_unhealthy_detection_ms = var.health_check_interval * var.health_check_unhealthy_threshold * 1000

  # Worst-case time the app needs after SIGTERM: serve through the drain delay, then finish in-flight requests.
  app_shutdown_ms = var.drain_delay_ms + var.drain_timeout_ms

  # The ALB reuses idle connections to a target for up to idle_timeout: the app must keep them open
  # longer, or a request sent just as the app closes one gets a 502.
  app_keepalive_timeout_ms = (var.alb_idle_timeout + 5) * 1000
}
