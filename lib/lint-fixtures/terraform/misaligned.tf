# lib/lint fixture: terraform fmt must list this file (the "=" below is not aligned).
variable "fixture" {
  type    = string
  default   = "misaligned"
}
