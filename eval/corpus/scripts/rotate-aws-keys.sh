#!/usr/bin/env bash
# Rotates the access key of an IAM user and stores the new one in Secrets Manager.
set -euo pipefail

USER_NAME="${1:?iam user}"
SECRET_ID="ci/${USER_NAME}/aws"

OLD_KEY_ID=$(aws iam list-access-keys --user-name "$USER_NAME" --query 'AccessKeyMetadata[0].AccessKeyId' --output text)
NEW=$(aws iam create-access-key --user-name "$USER_NAME")
NEW_KEY_ID=$(jq -r .AccessKey.AccessKeyId <<<"$NEW")
NEW_SECRET=$(jq -r .AccessKey.SecretAccessKey <<<"$NEW")

aws secretsmanager put-secret-value --secret-id "$SECRET_ID" \
  --secret-string "{\"aws_access_key_id\":\"${NEW_KEY_ID}\",\"aws_secret_access_key\":\"${NEW_SECRET}\"}"

aws iam update-access-key --user-name "$USER_NAME" --access-key-id "$OLD_KEY_ID" --status Inactive
echo "rotated ${OLD_KEY_ID:0:8}… -> ${NEW_KEY_ID:0:8}…"
unset NEW NEW_SECRET
