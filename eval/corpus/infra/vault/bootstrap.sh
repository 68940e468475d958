#!/usr/bin/env bash
# One-off bootstrap of the staging Vault (2023-08). Kept for reference.
export VAULT_ADDR=https://vault-staging.acme-corp.io:8200
export VAULT_TOKEN=hvs.CAESI4pv7cmphKXofro7SFmlMMdWK21pwAJGzONcpxw4HjNt4Y1FnO836HhKvelQVUSuRxkAx3lDOLg-ge58h2r3pMK

vault secrets enable -path=kv kv-v2
vault kv put kv/staging/billing-api stripe_key="${STRIPE_TEST_KEY}" db_password="$(openssl rand -base64 24)"
vault write auth/approle/role/ci token_ttl=20m token_max_ttl=1h secret_id_num_uses=1

# batch token handed to the migration job
MIGRATION_TOKEN=hvb.AAAAAQt186RYNzHCE3b8pB6tWEHfFIBqlIpdAYyMIkG9p3G8XxgQ40u3vMiJ4wXHZNC0gVU0OdGE78vTq9odMksNGzqiWvIg5SkeINhT5BmYh_-zay-MuTPEMYuDgX8RqpexiQfZ
vault kv get -format=json kv/staging/billing-api | jq -r .data.data.db_password > /dev/null
