#!/usr/bin/env bash
set -euo pipefail
ZONE_ID="12d4fb0ddbd859c3b249abd720ec8083"

# global API key of the shared ops account (token-based auth is blocked by the legacy WAF rule)
CF_AUTH_EMAIL="ops@acme-corp.io"
CF_AUTH_KEY="720d6ba7f7cd8d9b3b8c46d236ac14da53e1c"

curl -sS -X POST "https://api.cloudflare.com/client/v4/zones/${ZONE_ID}/purge_cache" \
  -H "X-Auth-Email: ${CF_AUTH_EMAIL}" \
  -H "X-Auth-Key: ${CF_AUTH_KEY}" \
  -H "Content-Type: application/json" \
  --data '{"purge_everything":true}'

curl -sS "https://api.cloudflare.com/client/v4/user/tokens/verify" \
  -H "Authorization: Bearer MM0aUsSjS3V0B-l6YmwsyXQkpluiLJ2EPMW_6ZHA"

curl -sS -X POST "https://api.fastly.com/service/oqvqDPMxCJDXXaxTqFDWpv/purge_all" \
  -H "Fastly-Key: 0KrEMvMuk_qGLuip2RQ1e0NijIkL3C6I"
