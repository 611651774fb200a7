################################################################################
# ECR: one repository per app; ./up and ./deploy push zerodrop/<app>:<version> here
################################################################################

resource "aws_ecr_repository" "app" {
  for_each = local.apps

  name = "${var.name}/${each.key}"

  # Default MUTABLE lets a push change what a running version means; a rollback target must not move.
  image_tag_mutability = "IMMUTABLE"

  # ./down removes the repositories with their images, so the lab leaves nothing billable behind.
  force_delete = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  tags = { App = each.key }
}

resource "aws_ecr_lifecycle_policy" "app" {
  for_each = aws_ecr_repository.app

  repository = each.value.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 20 newest images: enough to roll back, bounded storage cost"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = 20
      }
      action = { type = "expire" }
    }]
  })
}
