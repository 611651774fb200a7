# The optional designs keep the zero-downtime properties: EC2 capacity with managed draining,
# tasks in public subnets (no NAT), one NAT gateway per AZ.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "ec2_capacity_drains_instances_before_they_go" {
  command = plan

  variables {
    launch_type = "EC2"
  }

  assert {
    condition     = one(aws_ecs_capacity_provider.ec2[0].auto_scaling_group_provider).managed_draining == "ENABLED"
    error_message = "The EC2 capacity provider must have managed draining on: an instance's tasks must be replaced and drained before it terminates."
  }

  assert {
    condition     = one(aws_ecs_capacity_provider.ec2[0].auto_scaling_group_provider).managed_termination_protection == "ENABLED" && aws_autoscaling_group.ec2[0].protect_from_scale_in
    error_message = "Scale-in must never pick an instance that still runs tasks (managed termination protection + protect_from_scale_in)."
  }

  assert {
    condition     = aws_launch_template.ec2[0].image_id == "ami-0123456789abcdef0"
    error_message = "The launch template must use the ECS-optimized AMI from the SSM parameter."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : one(s.capacity_provider_strategy).capacity_provider == "zerodrop-ec2"])
    error_message = "The services must run on the EC2 capacity provider."
  }

  assert {
    condition = alltrue([
      for s in aws_ecs_service.app :
      [for p in s.ordered_placement_strategy : "${p.type}:${p.field}"] == ["spread:attribute:ecs.availability-zone", "spread:instanceId"]
    ])
    error_message = "On EC2 the services must spread tasks over AZs, then instances."
  }

  assert {
    condition = alltrue([
      for s in aws_ecs_service.app :
      s.deployment_minimum_healthy_percent == 100 && s.deployment_maximum_percent == 200 && s.deployment_circuit_breaker[0].rollback
    ])
    error_message = "The rolling-deployment settings must not depend on the capacity type."
  }

  assert {
    condition     = alltrue([for td in aws_ecs_task_definition.app : td.requires_compatibilities == toset(["EC2"]) && length(td.runtime_platform) == 0])
    error_message = "On EC2 the task definitions must require EC2 compatibility."
  }
}

run "fargate_is_the_default_capacity" {
  command = plan

  assert {
    condition     = length(aws_ecs_capacity_provider.ec2) == 0 && length(aws_autoscaling_group.ec2) == 0
    error_message = "No EC2 capacity unless launch_type = EC2."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : one(s.capacity_provider_strategy).capacity_provider == "FARGATE"])
    error_message = "The services must run on Fargate by default."
  }
}

run "public_subnets_option_drops_the_nat_gateway" {
  command = plan

  variables {
    tasks_in_public_subnets = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_subnet.private) == 0
    error_message = "With tasks in public subnets there must be no NAT gateway and no private subnet."
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.app : s.network_configuration[0].assign_public_ip])
    error_message = "Tasks in public subnets need public IPs to pull images."
  }
}

run "one_nat_gateway_per_az" {
  command = plan

  variables {
    one_nat_gateway_per_az = true
  }

  override_resource {
    target          = aws_nat_gateway.this[0]
    override_during = plan
    values          = { id = "nat-0000000000000000a" }
  }

  override_resource {
    target          = aws_nat_gateway.this[1]
    override_during = plan
    values          = { id = "nat-0000000000000000b" }
  }

  assert {
    condition     = [for r in aws_route.private_nat : r.nat_gateway_id] == ["nat-0000000000000000a", "nat-0000000000000000b"]
    error_message = "With one_nat_gateway_per_az each private subnet must route through the NAT gateway of its own AZ."
  }
}
