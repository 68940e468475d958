pid_file = "/var/run/vault-agent.pid"

vault {
  address = "https://vault.acme-corp.io:8200"
}

auto_auth {
  method "kubernetes" {
    mount_path = "auth/kubernetes"
    config = {
      role = "billing-api"
    }
  }
  sink "file" {
    config = {
      path = "/vault/secrets/.vault-token"
    }
  }
}

template {
  destination = "/vault/secrets/db.env"
  contents    = <<EOT
{{ with secret "database/creds/billing-api" }}
DB_USERNAME={{ .Data.username }}
DB_PASSWORD={{ .Data.password }}
{{ end }}
EOT
}
