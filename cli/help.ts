export const HELP = `keyless — find secrets before they leak; replace them with CI identity

Usage:
  keyless scan dir [PATH] [options]     scan a directory (default: .)
  keyless scan git [PATH] [options]     scan every commit reachable from any ref, each blob once
      --range BASE..HEAD                only what the range adds (merges and renames handled)
      --deepen                          with --range: fetch missing or shallow history, then retry
      --staged                          only what the index adds (pre-commit)
      --cache DIR                       skip blobs already found clean with the same rules
  keyless scan image REF|--archive PATH [options]
                                        scan every layer and the config of an image (see README)
  keyless baseline create [PATH] [options] [--reason TEXT]
                                        accept the current findings into a baseline file
  keyless rules [--format text|json]    list the built-in rules
  keyless install-hook [PATH] [--force] [--uninstall]
                                        git pre-commit hook running \`keyless scan git --staged\`: blocks
                                        commits whose staged changes add a secret (--force replaces
                                        another hook, kept as .bak; --uninstall restores it)
  keyless gitlab check [--report FILE] [--fail-on LEVEL]
                                        GitLab: exit 1 on findings at or above LEVEL in a published
                                        secret-detection report (default gl-secret-detection-report.json)
  keyless gitlab mr-note [--report FILE] [--fail-on LEVEL]
                                        GitLab: create or update the one Keyless note on the merge request
                                        (token in KEYLESS_GITLAB_TOKEN or GITLAB_TOKEN; CI_JOB_TOKEN cannot)
  keyless credentials explain (--token-file FILE | --token-env NAME) [--provider P]... [--lint POLICY.json]
        [--lint-kind K] [--aws-account-id ID] [--verify] [--audience AUD] [--issuer ISS]... [--expect CLAIM=VALUE]...
        [--format text|json]
                                        print a CI job token's claims (never the token) and the trust
                                        configuration each provider needs for exactly this job
                                        (P: aws, gcp, azure, vault, github = octo-sts; default all);
                                        --lint checks a trust configuration (JSON/YAML: AWS trust policy,
                                        GCP WIF provider, Vault JWT role, octo-sts policy; detected, or
                                        --lint-kind aws|gcp|vault|octo-sts; exit 1 on high/critical);
                                        --verify checks the signature against the issuer's JWKS, with
                                        --audience/--issuer/--expect a claim-by-claim report (exit 1 if
                                        any check fails or the signature cannot be verified)
  keyless credentials exec [REQUEST OPTIONS] -- CMD [ARGS...]
                                        check the CI job token's claims, exchange it for short-lived
                                        credentials, run CMD with them in ITS environment only (never
                                        printed), revoke them when it ends; exits with CMD's code
  keyless credentials env [REQUEST OPTIONS]
                                        print \`export NAME='value'\` lines for eval "$(keyless credentials env)"
                                        (stderr says when they expire; env does not revoke)
        token: --token-env NAME (default KEYLESS_ID_TOKEN) | --token-file FILE; --audit FILE (JSON lines)
        request: --aws-role ARN --aws-region R, --vault-url URL --vault-role R --vault-secrets 'PATH FIELD | NAME',
        --gcp-workload-identity-provider, --azure-tenant-id/--azure-client-id, --github-sts/-scope/-identity,
        --token-exchange-url, --audience AUD, --expect-<claim> GLOB ... (each also as KEYLESS_<NAME>)
        secret managers (repeatable): --aws-secrets 'ID[:JSON_KEY] | NAME', --gcp-secrets 'SECRET | NAME',
        --azure-keyvault-secrets 'VAULT/SECRET | NAME'
  keyless rotate [PATH] [--dry-run] [--format text|json] [--ledger FILE] [--max-age 90d]
        [--generate NAME[@SCOPE]]... [--labels A,B] [--platform github|gitlab] [--repository O/R]
        [--default-branch B] [--credentials-action REF]
                                        plan one pull/merge request per static secret: hard-coded values
                                        to remove, workflows to move to OIDC, generated secrets to rotate,
                                        stale secrets (ledger .keyless/rotation.yml); --dry-run prints the
                                        plan (never a value), otherwise publishes it (token in
                                        KEYLESS_GITHUB_TOKEN/GITHUB_TOKEN or KEYLESS_GITLAB_TOKEN); exit 1
                                        when an item could not be published
  keyless rotate promote [--sha SHA] [--dry-run]
                                        GitLab: promote NAME_NEXT -> NAME for the merged rotation requests
                                        that brought SHA (default CI_COMMIT_SHA)
  keyless --version | --help

Scan options:
  -f, --format FORMAT        text|json|sarif|gitlab|markdown|codequality (default text)
  -o, --output FILE          write the report to FILE instead of stdout
      --report FORMAT=FILE   also write a report in FORMAT to FILE (repeatable; one scan, many reports)
  -c, --config FILE          configuration (default: .keyless.yml in PATH, if present)
  -b, --baseline FILE        baseline of accepted findings (default: .keyless-baseline.json in PATH, if present)
      --fail-on LEVEL        critical|high|medium|low|none: exit 1 on findings at or above LEVEL (default low)
      --max-file-size SIZE   skip (and report) larger files (default 10MB)
      --no-ignore            do not apply .gitignore rules
      --workers N            worker threads (default: one per core; 0 scans on the main thread)
      --no-progress          no progress line on stderr

Exit codes:
  0  the scan completed and found nothing at or above --fail-on
  1  the scan completed and found secrets at or above --fail-on
  2  the scan could not complete: bad usage, invalid configuration or baseline, a missing path,
     or files that could not be read (each is named on stderr and in the report)
`;
