terraform {
  # 1.6 brings `terraform test`; the mocked plan tests in tests/ need 1.11 (see README).
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.60 has every attribute used here (managed_draining, skip_destroy); 6.x changes the schema.
      version = ">= 5.60, < 6.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = var.name, ManagedBy = "terraform" }, var.tags)
  }
}
