import { describe, expect, it } from '@jest/globals';
import {
  defaultSessionName,
  renderProfiles,
  roleAccount,
  sanitizeSessionName,
} from '../../../credentials/providers/aws-names.js';
import type { Credentials } from '../../../credentials/types.js';

function aws(key: string, secret: string, session: string, region?: string): Credentials {
  return {
    provider: 'aws',
    values: [
      { name: 'AWS_ACCESS_KEY_ID', value: key, secret: true },
      { name: 'AWS_SECRET_ACCESS_KEY', value: secret, secret: true },
      { name: 'AWS_SESSION_TOKEN', value: session, secret: true },
      ...(region ? [{ name: 'AWS_REGION', value: region, secret: false }] : []),
    ],
    grant: {},
  };
}

describe('session names', () => {
  it('derives a traceable default and sanitizes to what STS accepts', () => {
    expect(
      defaultSessionName({ repository: 'northwind-labs/ledger api', runId: '8812734091', runAttempt: '1' }),
    ).toBe('keyless-ledger-api-8812734091-1');
    expect(defaultSessionName()).toBe('keyless');
    expect(sanitizeSessionName('x')).toBe('keyless-x');
    const long = sanitizeSessionName(`deploy/${'q7Vt2mXc9R'.repeat(10)}`);
    expect(long).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(long).toHaveLength(64);
  });

  it('reads the account of a role ARN and rejects other ARNs', () => {
    expect(roleAccount('arn:aws:iam::418273605914:role/ci/gh-deploy')).toBe('418273605914');
    expect(roleAccount('arn:aws-us-gov:iam::418273605914:role/gh')).toBe('418273605914');
    expect(() => roleAccount('arn:aws:iam::418273605914:user/alice')).toThrow(/not an IAM role ARN/);
  });
});

describe('renderProfiles', () => {
  it('renders named profiles for several roles', () => {
    const files = renderProfiles([
      {
        profile: 'default',
        credentials: aws('ASIAK2PQ7XWZ4MNB3RTL', 'k8Zr2Qp5Vw', 'IQoJb3Jp1', 'eu-west-1'),
      },
      { profile: 'release', credentials: aws('ASIAM5TR8YVC2LKD7PQW', 'Hn4xT9bL2s', 'IQoJb3Jp2') },
    ]);
    expect(files.credentials).toBe(
      '[default]\naws_access_key_id = ASIAK2PQ7XWZ4MNB3RTL\naws_secret_access_key = k8Zr2Qp5Vw\naws_session_token = IQoJb3Jp1\n\n' +
        '[release]\naws_access_key_id = ASIAM5TR8YVC2LKD7PQW\naws_secret_access_key = Hn4xT9bL2s\naws_session_token = IQoJb3Jp2\n',
    );
    expect(files.config).toBe('[default]\nregion = eu-west-1\n\n[profile release]\n');
  });

  it('rejects bad and duplicate profile names and non-AWS credentials', () => {
    const creds = aws('ASIAK2PQ7XWZ4MNB3RTL', 'k8Zr2Qp5Vw', 'IQoJb3Jp1');
    expect(() => renderProfiles([{ profile: 'a b', credentials: creds }])).toThrow(/profile name/);
    expect(() =>
      renderProfiles([
        { profile: 'a', credentials: creds },
        { profile: 'a', credentials: creds },
      ]),
    ).toThrow(/twice/);
    expect(() => renderProfiles([{ profile: 'a', credentials: { ...creds, values: [] } }])).toThrow(
      /not AWS session/,
    );
  });
});
