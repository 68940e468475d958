terraform {
  required_version = ">= 1.6"
  required_providers {
    aws        = { source = "hashicorp/aws", version = "~> 5.31" }
    cloudflare = { source = "cloudflare/cloudflare", version = "~> 4.20" }
    datadog    = { source = "DataDog/datadog", version = "~> 3.34" }
  }
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "prod/core.tfstate"
    region = "eu-central-1"
  }
}

# Bootstrap credentials for the sandbox account (the CI role is not assumable from there yet).
provider "aws" {
  alias      = "sandbox"
  region     = "eu-central-1"
  access_key = "AKIAVVAFPWE5O2RPA3AT"
  secret_key = "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"
}

provider "aws" {
  region = "eu-central-1"
  assume_role {
    role_arn = "arn:aws:iam::216463713448:role/terraform-ci"
  }
}

provider "cloudflare" {
  api_token = var.cloudflare_api_token
}

provider "datadog" {
  api_key = "f8ec865b594ec2ff7131c202ff5fe07d"
  app_key = var.datadog_app_key
  api_url = "https://api.datadoghq.eu/"
}

resource "aws_db_instance" "billing" {
  identifier              = "billing-prod"
  engine                  = "postgres"
  engine_version          = "16.1"
  instance_class          = "db.r6g.large"
  username                = "billing_admin"
  password                = var.db_password
  backup_retention_period = 14
  deletion_protection     = true
}

resource "aws_iam_access_key" "ci_uploader" {
  user    = aws_iam_user.ci_uploader.name
  pgp_key = "keybase:acme_infra"
}

resource "random_password" "grafana_admin" {
  length  = 32
  special = true
}

output "ci_uploader_secret" {
  value     = aws_iam_access_key.ci_uploader.encrypted_secret
  sensitive = true
}
