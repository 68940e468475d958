#!/bin/sh
# Registers a shell runner for the infra group. Run once per VM.
set -eu

GITLAB_URL="https://gitlab.acme-corp.io/"

gitlab-runner register \
  --non-interactive \
  --url "$GITLAB_URL" \
  --registration-token "GR1348941LpZHo3-EtyScTsdt53ZT" \
  --executor shell \
  --description "infra-shell-$(hostname)" \
  --tag-list "infra,shell" \
  --run-untagged=false

# Newer runners use an authentication token created in the UI instead:
#   gitlab-runner register --url "$GITLAB_URL" --token "$RUNNER_TOKEN"
printf 'Runner token for this VM: '
read -r RUNNER_TOKEN
echo "stored runner token of length ${#RUNNER_TOKEN}"
