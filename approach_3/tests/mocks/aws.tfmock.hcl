# Values the mocked AWS provider returns during `terraform test` (no AWS account involved).
# Data sources are read during plan; computed resource attributes stay unknown at plan time
# unless given here with override_during = plan.

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}

mock_data "aws_availability_zones" {
  defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
}

mock_data "aws_ssm_parameter" {
  defaults = { insecure_value = "ami-0123456789abcdef0", value = "ami-0123456789abcdef0" }
}

# Known image URLs make the container definitions JSON known at plan time.
mock_resource "aws_ecr_repository" {
  override_during = plan
  defaults        = { repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/zerodrop/app" }
}

# Distinct target group ARNs let the tests prove each listener rule forwards to its own app.
override_resource {
  override_during = plan
  target          = aws_lb_target_group.app["go-app"]
  values          = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/zerodrop-go-app/1111111111111111" }
}

override_resource {
  override_during = plan
  target          = aws_lb_target_group.app["node-app"]
  values          = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/zerodrop-node-app/2222222222222222" }
}
