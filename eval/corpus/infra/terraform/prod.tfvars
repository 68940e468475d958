environment          = "prod"
region               = "eu-central-1"
db_password          = "qDSYlrHxVMSwn7P5-"
cloudflare_api_token = "g5i2oHlrdU3X6OfavvkxKrGqfznfRguw6kFlyjo7"
datadog_app_key      = "930f8a16b423881b7e7b52cc524f1eeab27a8549"
github_token         = "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"
alert_emails         = ["oncall@acme-corp.io"]
