variable "db_password" {
  description = "Master password of the billing database"
  type        = string
  sensitive   = true
}

variable "cloudflare_api_token" {
  description = "Cloudflare API token with Zone:DNS:Edit"
  type        = string
  sensitive   = true
  default     = ""
}

variable "datadog_app_key" {
  type      = string
  sensitive = true
}

variable "github_token" {
  type        = string
  description = "Token for the GitHub provider, e.g. ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  sensitive   = true
}
