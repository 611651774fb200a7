output "region" {
  description = "AWS region everything lives in (the commands pass it to the aws CLI)."
  value       = var.region
}

output "alb_dns_name" {
  description = "Public DNS name of the ALB: the harness's target in the live run."
  value       = aws_lb.this.dns_name
}

output "app_urls" {
  description = "Base URL of each app behind the ALB."
  value       = { for app, _ in local.apps : app => "http://${aws_lb.this.dns_name}/${app}/" }
}

output "go_app_url" {
  description = "Base URL of go-app behind the ALB."
  value       = "http://${aws_lb.this.dns_name}/go-app/"
}

output "node_app_url" {
  description = "Base URL of node-app behind the ALB."
  value       = "http://${aws_lb.this.dns_name}/node-app/"
}

output "ecr_repository_urls" {
  description = "ECR repository URL of each app (./deploy pushes <url>:<version>)."
  value       = { for app, repo in aws_ecr_repository.app : app => repo.repository_url }
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_names" {
  description = "ECS service name of each app."
  value       = { for app, svc in aws_ecs_service.app : app => svc.name }
}

output "task_definition_families" {
  description = "Task definition family of each app (./deploy registers new revisions in it)."
  value       = { for app, td in aws_ecs_task_definition.app : app => td.family }
}

output "cpu_architecture" {
  description = "CPU architecture the task definitions expect of the images."
  value       = var.cpu_architecture
}

output "log_group_names" {
  description = "CloudWatch log group of each app."
  value       = { for app, lg in aws_cloudwatch_log_group.app : app => lg.name }
}
