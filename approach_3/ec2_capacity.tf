################################################################################
# Optional EC2 capacity (launch_type = "EC2"): an Auto Scaling group of ECS-optimized
# instances behind a capacity provider that drains tasks before an instance goes away
################################################################################

data "aws_ssm_parameter" "ecs_ami" {
  count = local.is_ec2 ? 1 : 0

  name = var.ecs_optimized_ami_parameter
}

resource "aws_iam_role" "ec2_instance" {
  count = local.is_ec2 ? 1 : 0

  name = "${var.name}-ecs-instance"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "ec2_instance" {
  count = local.is_ec2 ? 1 : 0

  role       = aws_iam_role.ec2_instance[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "ec2_instance" {
  count = local.is_ec2 ? 1 : 0

  name = "${var.name}-ecs-instance"
  role = aws_iam_role.ec2_instance[0].name
}

# The instances only talk out (ECS agent, ECR, logs); tasks have their own ENIs and security group.
resource "aws_security_group" "ec2_instances" {
  count = local.is_ec2 ? 1 : 0

  name        = "${var.name}-ecs-instances"
  description = "ZeroDrop ECS container instances: HTTPS out only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name}-ecs-instances" }
}

resource "aws_vpc_security_group_egress_rule" "ec2_instances_out" {
  count = local.is_ec2 ? 1 : 0

  security_group_id = aws_security_group.ec2_instances[0].id
  description       = "ECS agent, ECR and CloudWatch over HTTPS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_launch_template" "ec2" {
  count = local.is_ec2 ? 1 : 0

  name_prefix   = "${var.name}-ecs-"
  image_id      = data.aws_ssm_parameter.ecs_ami[0].insecure_value
  instance_type = var.ec2_instance_type

  iam_instance_profile {
    arn = aws_iam_instance_profile.ec2_instance[0].arn
  }

  vpc_security_group_ids = [aws_security_group.ec2_instances[0].id]

  user_data = base64encode(<<-EOT
    #!/bin/bash
    echo "ECS_CLUSTER=${aws_ecs_cluster.this.name}" >> /etc/ecs/ecs.config
  EOT
  )

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required" # IMDSv2 only.
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${var.name}-ecs" }
  }
}

resource "aws_autoscaling_group" "ec2" {
  count = local.is_ec2 ? 1 : 0

  name                = "${var.name}-ecs"
  vpc_zone_identifier = aws_subnet.private[*].id
  min_size            = var.ec2_min_size
  max_size            = var.ec2_max_size
  health_check_type   = "EC2"

  # Required by managed termination protection: the ASG may not pick an instance that still runs tasks.
  protect_from_scale_in = true

  launch_template {
    id      = aws_launch_template.ec2[0].id
    version = aws_launch_template.ec2[0].latest_version
  }

  # Marks the group as managed by the ECS capacity provider (required for managed scaling).
  tag {
    key                 = "AmazonECSManaged"
    value               = "true"
    propagate_at_launch = true
  }

  lifecycle {
    # The capacity provider's managed scaling sets the desired capacity.
    ignore_changes = [desired_capacity]

    precondition {
      condition     = var.ec2_max_size >= var.ec2_min_size
      error_message = "ec2_max_size must be at least ec2_min_size."
    }
  }
}

resource "aws_ecs_capacity_provider" "ec2" {
  count = local.is_ec2 ? 1 : 0

  name = "${var.name}-ec2"

  auto_scaling_group_provider {
    auto_scaling_group_arn = aws_autoscaling_group.ec2[0].arn

    # Scale-in only removes instances that run no tasks.
    managed_termination_protection = "ENABLED"
    # Before an instance is terminated (scale-in, instance refresh, Spot, maintenance) ECS drains it:
    # its tasks are replaced through the service, so they deregister from the ALB before SIGTERM.
    managed_draining = "ENABLED"

    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = 2
    }
  }
}
