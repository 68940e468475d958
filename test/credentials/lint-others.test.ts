import { describe, expect, it } from '@jest/globals';

import { explain } from '../../credentials/policy/explain/index.js';
import { detectPolicyKind, lintPolicy, parsePolicyText } from '../../credentials/policy/lint.js';
import { lintGcpProvider } from '../../credentials/policy/lint-gcp.js';
import { lintOctoStsPolicy } from '../../credentials/policy/lint-octo-sts.js';
import { lintVaultRole } from '../../credentials/policy/lint-vault.js';
import { githubClaims, gitlabClaims } from '../fakes/oidc-issuer.js';

const codes = (findings: { severity: string; code: string }[]) => findings.map((f) => [f.severity, f.code]);
const ISSUER = 'https://token.actions.githubusercontent.com';

describe('lintGcpProvider', () => {
  const provider = (attributeCondition: string | undefined, mapping: Record<string, string> = {}) => ({
    name: 'projects/204918375561/locations/global/workloadIdentityPools/ci/providers/github',
    oidc: { issuerUri: ISSUER },
    attributeMapping: { 'google.subject': 'assertion.sub', ...mapping },
    ...(attributeCondition !== undefined ? { attributeCondition } : {}),
  });

  it('an id-pinned condition is clean', () => {
    expect(
      lintGcpProvider(
        provider("assertion.repository_owner_id == '140297361' && assertion.repository_id == '812934605'"),
      ),
    ).toEqual([]);
  });

  it('a missing or `true` condition is critical', () => {
    expect(codes(lintGcpProvider(provider(undefined)))).toEqual([['critical', 'condition-missing']]);
    expect(codes(lintGcpProvider(provider('true')))).toEqual([['critical', 'condition-missing']]);
  });

  it('a condition on the ref only pins nothing', () => {
    expect(codes(lintGcpProvider(provider("assertion.ref == 'refs/heads/main'")))).toEqual([
      ['critical', 'condition-unpinned'],
    ]);
  });

  it('name-based claims, also through an attribute mapping, and prefix/regex matches', () => {
    const findings = lintGcpProvider(
      provider("attribute.owner == 'northwind-labs' && assertion.repository.startsWith('northwind-labs/')", {
        'attribute.owner': 'assertion.repository_owner',
      }),
    );
    expect(codes(findings)).toEqual([
      ['medium', 'name-based-claim'],
      ['medium', 'name-based-claim'],
      ['medium', 'condition-wildcard'],
    ]);
    const messages = findings.map((f) => f.message).join('\n');
    expect(messages).toContain('repository_owner (a name) without repository_owner_id');
    expect(messages).toContain('repository (a name) without repository_id');
    expect(codes(lintGcpProvider(provider("assertion.repository_id.matches('.*')")))).toEqual([
      ['critical', 'condition-wildcard'],
    ]);
  });

  it('a missing google.subject mapping and a name-based subject', () => {
    const p = provider("assertion.repository_id == '812934605'");
    expect(codes(lintGcpProvider({ ...p, attributeMapping: {} }))).toEqual([
      ['high', 'subject-mapping-missing'],
    ]);
    expect(
      codes(lintGcpProvider({ ...p, attributeMapping: { 'google.subject': 'assertion.repository' } })),
    ).toEqual([['low', 'name-based-subject']]);
  });
});

describe('lintVaultRole', () => {
  const role = (extra: Record<string, unknown>) => ({
    data: {
      role_type: 'jwt',
      user_claim: 'repository_id',
      bound_audiences: ['https://vault.northwind-labs.dev'],
      ...extra,
    },
  });

  it('an id-bound role is clean; no binding at all is critical', () => {
    expect(
      lintVaultRole(role({ bound_claims: { repository_owner_id: '140297361', repository_id: '812934605' } })),
    ).toEqual([]);
    expect(codes(lintVaultRole(role({})))).toEqual([['critical', 'bound-claims-missing']]);
    expect(codes(lintVaultRole(role({ bound_claims: { ref: 'refs/heads/main' } })))).toEqual([
      ['critical', 'bound-claims-unpinned'],
    ]);
  });

  it('missing bound_audiences, glob wildcards and name-based claims', () => {
    const findings = lintVaultRole({
      role_type: 'jwt',
      bound_claims_type: 'glob',
      bound_claims: { repository: 'northwind-labs/*', environment: '*' },
    });
    expect(codes(findings)).toEqual([
      ['high', 'aud-missing'],
      ['medium', 'claim-wildcard'],
      ['critical', 'claim-wildcard'],
      ['medium', 'name-based-claim'],
    ]);
    expect(findings[2]!.where).toBe('role.bound_claims["environment"]');
    // The same `*` with string matching is a literal star, not a wildcard.
    expect(
      codes(lintVaultRole(role({ bound_claims: { repository_id: '812934605', environment: '*' } }))),
    ).toEqual([]);
  });

  it('a name-based bound_subject without id claims', () => {
    expect(
      codes(lintVaultRole(role({ bound_subject: 'repo:northwind-labs/ledger-api:ref:refs/heads/main' }))),
    ).toEqual([['medium', 'name-based-sub']]);
  });
});

describe('lintOctoStsPolicy', () => {
  const yaml = (body: string) => parsePolicyText(body);

  it('subject_pattern .* is critical, an owner-wide pattern high', () => {
    expect(
      codes(
        lintOctoStsPolicy(yaml(`issuer: ${ISSUER}\nsubject_pattern: '.*'\npermissions:\n  contents: read\n`)),
      ),
    ).toEqual([['critical', 'subject-wildcard']]);
    expect(
      codes(
        lintOctoStsPolicy(
          yaml(
            `issuer: ${ISSUER}\nsubject_pattern: 'repo:northwind-labs/.*'\nclaim_pattern:\n  repository_owner_id: '140297361'\n`,
          ),
        ),
      ),
    ).toEqual([['high', 'subject-wildcard']]);
  });

  it('no subject, a wide issuer pattern, a name-based subject and sensitive permissions', () => {
    expect(
      codes(lintOctoStsPolicy({ issuer_pattern: 'https://.*', permissions: { contents: 'read' } })),
    ).toEqual([
      ['critical', 'subject-missing'],
      ['high', 'issuer-wildcard'],
    ]);
    expect(
      codes(
        lintOctoStsPolicy({
          issuer: ISSUER,
          subject: 'repo:northwind-labs/ledger-api:ref:refs/heads/main',
          claim_pattern: { job_workflow_ref: 'northwind-labs/ledger-api/.github/workflows/release.yml@.*' },
          permissions: { contents: 'write', workflows: 'write' },
        }),
      ),
    ).toEqual([
      ['low', 'claim-wildcard'],
      ['medium', 'name-based-sub'],
      ['low', 'permission-sensitive'],
    ]);
  });
});

describe('lintPolicy', () => {
  it('detects the kind of each configuration', () => {
    expect(detectPolicyKind({ Version: '2012-10-17', Statement: [] })).toBe('aws');
    expect(detectPolicyKind({ attributeCondition: 'true' })).toBe('gcp');
    expect(detectPolicyKind({ data: { bound_audiences: ['x'] } })).toBe('vault');
    expect(detectPolicyKind(parsePolicyText(`issuer: ${ISSUER}\nsubject: x\npermissions: {}\n`))).toBe(
      'octo-sts',
    );
    expect(detectPolicyKind({ hello: 'world' })).toBeUndefined();
    expect(() => lintPolicy({ hello: 'world' })).toThrow('give --lint-kind');
    expect(lintPolicy({ hello: 'world' }, 'octo-sts').findings.map((f) => f.code)).toEqual([
      'subject-missing',
    ]);
  });

  it('what explain generates for a GitHub or GitLab job lints clean', () => {
    for (const claims of [githubClaims(ISSUER), gitlabClaims('https://gitlab.northwind-labs.dev')]) {
      const result = explain(claims, { aws: { accountId: '493817260514' } });
      for (const p of result.providers.filter((x) => x.provider !== 'azure')) {
        const linted = lintPolicy(p.config);
        expect([p.provider, linted.kind]).toEqual([
          p.provider,
          p.provider === 'github' ? 'octo-sts' : p.provider,
        ]);
        // AWS trusts the token's own sub, which for older GitHub repositories is the name-based form.
        const allowed = p.provider === 'aws' ? ['name-based-sub'] : [];
        const unexpected = linted.findings.filter((f) => !allowed.includes(f.code));
        expect([p.provider, unexpected]).toEqual([p.provider, []]);
      }
    }
  });
});
