import { describe, it, expect } from '@jest/globals';

import { compileRules, detect } from '../../../scanners/engine/detect.js';
import type { Finding, Rule } from '../../../scanners/engine/types.js';
import { crc32, withCrc32Suffix } from '../../../scanners/engine/validators.js';
import { builtinRules } from '../../../scanners/rules/index.js';
import { rules as aws } from '../../../scanners/rules/aws.js';
import { rules as gcp } from '../../../scanners/rules/gcp.js';
import { rules as azure } from '../../../scanners/rules/azure.js';
import { rules as github } from '../../../scanners/rules/github.js';
import { rules as gitlab } from '../../../scanners/rules/gitlab.js';
import { rules as bitbucket } from '../../../scanners/rules/bitbucket.js';
import { rules as packageRegistries } from '../../../scanners/rules/package-registries.js';
import { rules as infrastructure } from '../../../scanners/rules/infrastructure.js';
import { rules as cloudPlatforms } from '../../../scanners/rules/cloud-platforms.js';

const families: Record<string, Rule[]> = {
  aws,
  gcp,
  azure,
  github,
  gitlab,
  bitbucket,
  'package-registries': packageRegistries,
  infrastructure,
  'cloud-platforms': cloudPlatforms,
};
const ours = Object.values(families).flat();
const full = compileRules(builtinRules);

function scan(text: string, compiled = full): Finding[] {
  return detect({ text, path: 'fixture.txt' }, compiled);
}

function secretsOf(text: string, ruleId: string): string[] {
  return scan(text)
    .filter((f) => f.ruleId === ruleId)
    .map((f) => f.secret);
}

describe('cloud and VCS rule families', () => {
  it('hold at least 60 rules with unique provider-first ids', () => {
    expect(ours.length).toBeGreaterThanOrEqual(60);
    const ids = ours.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ours) {
      expect(rule.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)+$/);
      expect(rule.examples.positive.length).toBeGreaterThanOrEqual(2);
      expect(rule.examples.negative.length).toBeGreaterThanOrEqual(2);
      for (const keyword of rule.keywords) expect(keyword).toBe(keyword.toLowerCase());
    }
  });

  describe.each(ours.map((rule) => [rule.id, rule] as const))('%s', (_id, rule) => {
    const alone = compileRules([rule]);
    it.each(rule.examples.positive.map((p) => [p]))('reports positive %#', (snippet) => {
      expect(scan(snippet, alone).some((f) => f.ruleId === rule.id)).toBe(true);
      expect(scan(snippet).some((f) => f.ruleId === rule.id)).toBe(true);
    });
    it.each(rule.examples.negative.map((n) => [n]))('ignores negative %#', (snippet) => {
      expect(scan(snippet).filter((f) => f.ruleId === rule.id)).toEqual([]);
    });
  });
});

describe('exact secrets', () => {
  it('extracts the AWS key id and the secret that follows its assignment', () => {
    const text = [
      'export AWS_ACCESS_KEY_ID=AKIAG567QWTYX4X5UUHL',
      'export AWS_SECRET_ACCESS_KEY=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',
    ].join('\n');
    expect(secretsOf(text, 'aws-access-key-id')).toEqual(['AKIAG567QWTYX4X5UUHL']);
    expect(secretsOf(text, 'aws-secret-access-key')).toEqual(['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']);
  });

  it('extracts only the PEM string of a service account key file', () => {
    const [keyFile] = gcp.find((r) => r.id === 'gcp-service-account-key')?.examples.positive ?? [];
    const secrets = secretsOf(keyFile ?? '', 'gcp-service-account-key');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toMatch(/^-----BEGIN PRIVATE KEY-----\\n[\s\S]+-----END PRIVATE KEY-----\\n$/);
  });

  it.each([
    [
      'azure-storage-account-key',
      'AccountName=stlogs;AccountKey=',
      'C7HsnLl2H1zTVm7jtMEgHmFa5WEryR6ZmIVjQCdF7Tnenfl4uaGU297lThg8eulVs0LqrZsNn7pEqKa1lRKZYQ==',
      ';EndpointSuffix=core.windows.net',
    ],
    [
      'gitlab-pat',
      'PRIVATE-TOKEN: ',
      'glpat-SsBbuQ3kIarGu7UBMkw9uG86OHhhZ3UxCnU6NWxvNnoM.01.1808dnyag',
      '\n',
    ],
    [
      'doppler-service-token',
      'DOPPLER_TOKEN="',
      'dp.st.prd.A4lvMHg1d5ExLrLKnSNjhkdFKAXIAyC6mwXN3X8OVhH',
      '"',
    ],
    [
      'terraform-cloud-api-token',
      'token = "',
      'OQFYc1UYYmJO1U.atlasv1.1rwAI2fxzloN4TrbuQBgHXYEIdDS8YCxxd0M6WePLdhJI-bMZTSCjfd6jAHsQ93pW9Z',
      '"',
    ],
    [
      'azure-devops-pat',
      'https://ci:',
      'vxxrjdttmmw63ui2rnkishbqiz5c3sbivvi33avfvaijnzsdd26n',
      '@dev.azure.com/acme/_git/api',
    ],
    ['github-token-legacy', 'GITHUB_TOKEN=', '16069ec5ccc07a6d2c8d4cedba576db8a390bf81', ''],
  ])('%s reports exactly the value', (ruleId, before, secret, after) => {
    expect(secretsOf(`${before}${secret}${after}`, ruleId)).toEqual([secret]);
  });

  it('checks both the CRC32 and the payload length of routable GitLab tokens', () => {
    const payload = 'SsBbuQ3kIarGu7UBMkw9uG86OHhhZ3UxCnU6NWxvNnoM';
    const sign = (body: string): string => body + crc32(body).toString(36).padStart(7, '0');
    const good = sign(`glpat-${payload}.01.${payload.length.toString(36).padStart(2, '0')}`);
    const wrongLength = sign(`glpat-${payload}.01.${(payload.length + 1).toString(36).padStart(2, '0')}`);
    expect(secretsOf(`PRIVATE-TOKEN: ${good}`, 'gitlab-pat')).toEqual([good]);
    expect(secretsOf(`PRIVATE-TOKEN: ${wrongLength}`, 'gitlab-pat')).toEqual([]);
  });

  it('does not report the documented AWS example key pair', () => {
    const text = [
      '[default]',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ].join('\n');
    expect(scan(text).filter((f) => f.provider === 'AWS')).toEqual([]);
  });
});

describe('checksummed tokens', () => {
  const random30 = 'q8Rk2WnZt5LmVb3Xc7YpJd4Hs9Gf6T';

  it.each(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])(
    'accepts a %s token only with its CRC32 suffix',
    (prefix) => {
      const valid = withCrc32Suffix(prefix, random30);
      const last = valid.at(-1) === 'A' ? 'B' : 'A';
      const broken = valid.slice(0, -1) + last;
      expect(scan(`token: ${valid}`).map((f) => f.secret)).toContain(valid);
      expect(scan(`token: ${broken}`).filter((f) => f.provider === 'GitHub')).toEqual([]);
    },
  );

  it('accepts an npm token only with its CRC32 suffix', () => {
    const valid = withCrc32Suffix('npm_', random30);
    const broken = valid.slice(0, 10) + (valid[10] === 'z' ? 'y' : 'z') + valid.slice(11);
    expect(secretsOf(`//registry.npmjs.org/:_authToken=${valid}`, 'npm-access-token')).toEqual([valid]);
    expect(secretsOf(`//registry.npmjs.org/:_authToken=${broken}`, 'npm-access-token')).toEqual([]);
  });
});
