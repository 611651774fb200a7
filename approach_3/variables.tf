################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of every resource name (cluster, ALB, ECR repositories, log groups)."
  type        = string
  default     = "zerodrop"

  validation {
    # The ALB and target group names are limited to 32 characters: "<name>-node-app" must fit.
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}$", var.name))
    error_message = "name must be 2-23 characters of lower-case letters, digits and '-', starting with a letter."
  }
}

variable "region" {
  description = "AWS region to build in."
  type        = string
  default     = "eu-west-1"
}

variable "tags" {
  description = "Extra tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "initial_version" {
  description = "App version the task definitions start with; ./up pushes this image to ECR before the services are created. Later versions are rolled out by ./deploy."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.initial_version))
    error_message = "initial_version must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ (it is a Docker tag)."
  }
}

################################################################################
# Network
################################################################################

variable "vpc_cidr" {
  description = "CIDR block of the VPC; public and private /24 subnets are carved out of it."
  type        = string
  default     = "10.30.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR block of /20 or larger."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets, the ALB and tasks over."
  type        = number
  default     = 2

  validation {
    # An ALB needs two AZs, and one AZ is a single point of failure for the tasks.
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 2 to 6."
  }
}

variable "tasks_in_public_subnets" {
  description = "Run tasks in the public subnets with public IPs and build no NAT gateway (cheaper, less safe: tasks get public addresses; the security group still only admits the ALB). Fargate only."
  type        = bool
  default     = false
}

variable "one_nat_gateway_per_az" {
  description = "One NAT gateway per AZ (survives an AZ outage) instead of a single shared one (cheaper). Ignored when tasks_in_public_subnets is true."
  type        = bool
  default     = false
}

variable "allowed_ingress_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach the ALB on port 80."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.allowed_ingress_cidrs) > 0 && alltrue([for c in var.allowed_ingress_cidrs : can(cidrnetmask(c))])
    error_message = "allowed_ingress_cidrs must be a non-empty list of IPv4 CIDR blocks."
  }
}

################################################################################
# Load balancer
################################################################################

variable "alb_idle_timeout" {
  description = "Seconds the ALB keeps an idle connection open. Must exceed the longest request (a request that sends no byte for longer is cut with a 504); the apps get KEEPALIVE_TIMEOUT_MS 5 s longer."
  type        = number
  default     = 60

  validation {
    condition     = var.alb_idle_timeout >= 1 && var.alb_idle_timeout <= 4000
    error_message = "alb_idle_timeout must be between 1 and 4000 seconds."
  }
}

variable "deregistration_delay" {
  description = "Seconds the ALB keeps a deregistering target for its in-flight requests before ECS stops the task. Must exceed longest_request_seconds and stay below stop_timeout."
  type        = number
  default     = 30

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "deregistration_delay must be between 0 and 3600 seconds."
  }
}

variable "health_check_interval" {
  description = "Seconds between two ALB health checks of one target."
  type        = number
  default     = 5

  validation {
    condition     = var.health_check_interval >= 5 && var.health_check_interval <= 300
    error_message = "health_check_interval must be between 5 and 300 seconds."
  }
}

variable "health_check_timeout" {
  description = "Seconds the ALB waits for a health check answer; must be below health_check_interval."
  type        = number
  default     = 3

  validation {
    condition     = var.health_check_timeout >= 2 && var.health_check_timeout <= 120
    error_message = "health_check_timeout must be between 2 and 120 seconds."
  }
}

variable "health_check_healthy_threshold" {
  description = "Consecutive passing ALB health checks before a new target gets traffic."
  type        = number
  default     = 2

  validation {
    condition     = var.health_check_healthy_threshold >= 2 && var.health_check_healthy_threshold <= 10
    error_message = "health_check_healthy_threshold must be between 2 and 10."
  }
}

variable "health_check_unhealthy_threshold" {
  description = "Consecutive failing ALB health checks before a target stops getting traffic."
  type        = number
  default     = 2

  validation {
    condition     = var.health_check_unhealthy_threshold >= 2 && var.health_check_unhealthy_threshold <= 10
    error_message = "health_check_unhealthy_threshold must be between 2 and 10."
  }
}

################################################################################
# Tasks and their shutdown
################################################################################

variable "container_port" {
  description = "Port the apps listen on inside the task (the apps' PORT)."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be an unprivileged port (1024-65535)."
  }
}

variable "task_cpu" {
  description = "CPU units per task (1024 = 1 vCPU); must be a valid Fargate size together with task_memory."
  type        = number
  default     = 256
}

variable "task_memory" {
  description = "Memory per task in MiB; must be a valid Fargate size together with task_cpu."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "CPU architecture of the images (X86_64 or ARM64): the one ../apps/build produces on the machine that runs ./deploy."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "longest_request_seconds" {
  description = "Longest request the apps serve (the harness's longest test request). Draining must outlast it."
  type        = number
  default     = 20

  validation {
    condition     = var.longest_request_seconds >= 1
    error_message = "longest_request_seconds must be at least 1."
  }
}

variable "stop_timeout" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL (container stopTimeout). Must cover drain_delay_ms + drain_timeout_ms; Fargate allows at most 120."
  type        = number
  default     = 60

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be between 2 and 120 seconds (120 is the Fargate maximum)."
  }
}

variable "drain_delay_ms" {
  description = "App DRAIN_DELAY_MS: after SIGTERM the app answers 503 on /healthz but keeps serving this long, so the ALB sees it fail (interval x unhealthy threshold) before it stops accepting."
  type        = number
  default     = 15000

  validation {
    condition     = var.drain_delay_ms >= 0
    error_message = "drain_delay_ms must not be negative."
  }
}

variable "drain_timeout_ms" {
  description = "App DRAIN_TIMEOUT_MS: after the drain delay the app waits this long for in-flight requests. Must exceed longest_request_seconds."
  type        = number
  default     = 30000

  validation {
    condition     = var.drain_timeout_ms >= 0
    error_message = "drain_timeout_ms must not be negative."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the apps' logs."
  type        = number
  default     = 7

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...)."
  }
}

################################################################################
# Services and deployments
################################################################################

variable "desired_count" {
  description = "Tasks per service when it is created (autoscaling owns the count afterwards)."
  type        = number
  default     = 2

  validation {
    # One task means every replacement, crash or AZ loss is an outage.
    condition     = var.desired_count >= 2
    error_message = "desired_count must be at least 2: a single task cannot be replaced without an outage."
  }
}

variable "deployment_minimum_healthy_percent" {
  description = "Share of desired tasks that must stay running and healthy during a deployment."
  type        = number
  default     = 100

  validation {
    # Below 100 ECS may stop old tasks before new ones are healthy: capacity drops mid-deploy.
    condition     = var.deployment_minimum_healthy_percent >= 100 && var.deployment_minimum_healthy_percent <= 200
    error_message = "deployment_minimum_healthy_percent must be at least 100 (and at most 200): lower lets ECS stop old tasks before new ones are healthy."
  }
}

variable "deployment_maximum_percent" {
  description = "Upper limit of running tasks during a deployment, as a share of desired: room for new tasks next to the old ones."
  type        = number
  default     = 200

  validation {
    condition     = var.deployment_maximum_percent > 100 && var.deployment_maximum_percent <= 200
    error_message = "deployment_maximum_percent must be above 100 (room for new tasks before old ones stop) and at most 200."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores failing ALB and container health checks of a new task while it starts."
  type        = number
  default     = 30

  validation {
    condition     = var.health_check_grace_period_seconds >= 1 && var.health_check_grace_period_seconds <= 300
    error_message = "health_check_grace_period_seconds must be between 1 and 300 (0 lets ECS kill tasks that are still starting)."
  }
}

variable "autoscaling_min_capacity" {
  description = "Fewest tasks per service autoscaling may scale in to."
  type        = number
  default     = 2

  validation {
    condition     = var.autoscaling_min_capacity >= 2
    error_message = "autoscaling_min_capacity must be at least 2: scaling in to one task brings back the single point of failure."
  }
}

variable "autoscaling_max_capacity" {
  description = "Most tasks per service autoscaling may scale out to."
  type        = number
  default     = 6
}

variable "autoscaling_cpu_target" {
  description = "Average CPU utilization (percent) the CPU target-tracking policy holds."
  type        = number
  default     = 60

  validation {
    condition     = var.autoscaling_cpu_target > 0 && var.autoscaling_cpu_target < 100
    error_message = "autoscaling_cpu_target must be between 0 and 100 (exclusive)."
  }
}

variable "autoscaling_requests_per_target" {
  description = "ALB requests per task per minute the request-count target-tracking policy holds."
  type        = number
  default     = 1000

  validation {
    condition     = var.autoscaling_requests_per_target > 0
    error_message = "autoscaling_requests_per_target must be positive."
  }
}

################################################################################
# Capacity
################################################################################

variable "launch_type" {
  description = "Where tasks run: FARGATE (default) or EC2 (an Auto Scaling group behind a capacity provider with managed draining)."
  type        = string
  default     = "FARGATE"

  validation {
    condition     = contains(["FARGATE", "EC2"], var.launch_type)
    error_message = "launch_type must be FARGATE or EC2."
  }
}

variable "ec2_instance_type" {
  description = "Instance type of the EC2 capacity (launch_type = EC2)."
  type        = string
  default     = "t3.small"
}

variable "ec2_min_size" {
  description = "Fewest EC2 container instances (launch_type = EC2)."
  type        = number
  default     = 2

  validation {
    condition     = var.ec2_min_size >= 0
    error_message = "ec2_min_size must not be negative."
  }
}

variable "ec2_max_size" {
  description = "Most EC2 container instances (launch_type = EC2); leave room for a deployment's extra tasks."
  type        = number
  default     = 6

  validation {
    condition     = var.ec2_max_size >= 1
    error_message = "ec2_max_size must be at least 1."
  }
}

variable "ecs_optimized_ami_parameter" {
  description = "SSM parameter holding the ECS-optimized AMI ID for the EC2 capacity."
  type        = string
  default     = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

variable "container_insights" {
  description = "Turn on CloudWatch Container Insights for the cluster (extra CloudWatch cost)."
  type        = bool
  default     = false
}

variable "ecr_force_delete" {
  description = "Let ./down delete the ECR repositories even when they still hold images."
  type        = bool
  default     = true
}
