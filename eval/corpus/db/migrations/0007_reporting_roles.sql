-- Roles for the reporting stack. Applied by hand on 2023-06-12 (before we had sqitch).
BEGIN;

CREATE ROLE reporting_rw LOGIN PASSWORD 'hjftvDwhzwP36Itb';
CREATE ROLE reporting_ro LOGIN PASSWORD 'G7W0VfLUiJLaLKfPB8' VALID UNTIL '2025-01-01';
CREATE ROLE metabase LOGIN;

-- psql -v metabase_password=... -f 0007_reporting_roles.sql
ALTER ROLE metabase PASSWORD :'metabase_password';

GRANT CONNECT ON DATABASE reporting TO reporting_ro, metabase;
GRANT USAGE ON SCHEMA public TO reporting_ro, metabase;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting_ro, metabase;

-- Store the hash only; the plaintext goes to the vault.
INSERT INTO service_accounts (name, password_hash, created_at)
VALUES ('etl', 'pbkdf2_sha256$600000$lnCrp0zK8CtkgocWYa0hmw$JRcLZFyptWhlSX0MRASM3kq6TmHcl5VzJxlc9W2+arU=', now());

COMMIT;
