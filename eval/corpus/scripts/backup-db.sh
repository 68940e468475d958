#!/usr/bin/env bash
set -euo pipefail

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
BUCKET=s3://acme-db-backups/billing

export PGPASSWORD='KEPnhDUN7WAbzXp78wmN'
pg_dump -h billing-db.internal.acme-corp.io -U backup_ro -d billing -Fc -f "/tmp/billing-${STAMP}.dump"

# reporting replica uses the credentials file instead
mysqldump --defaults-extra-file=/etc/mysql/backup.cnf reporting | gzip > "/tmp/reporting-${STAMP}.sql.gz"
mysqldump -u root -p"${MYSQL_ROOT_PASSWORD}" legacy | gzip > "/tmp/legacy-${STAMP}.sql.gz"

AWS_ACCESS_KEY_ID=AKIAJTWBBH2LV62K3M4U \
AWS_SECRET_ACCESS_KEY=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 \
  aws s3 cp "/tmp/billing-${STAMP}.dump" "${BUCKET}/" --storage-class STANDARD_IA

sha256sum "/tmp/billing-${STAMP}.dump" | tee -a /var/log/backup-checksums.log
rm -f /tmp/*-"${STAMP}".*
