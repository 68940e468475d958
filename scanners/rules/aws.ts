import { defineRules } from './define.js';

const IAM_DOCS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html';
const ROTATE_IAM =
  'Deactivate and delete the access key in IAM (Users > Security credentials), then issue a new one or move the workload to a role.';

/** Everything before the 40 characters of a secret access key: assignments in env, INI, JSON, YAML and code. */
const SECRET_KEY_NAME = String.raw`(?:aws_?secret_?(?:access_?)?key|secret_?access_?key|aws_?secret)["']?\s*(?::=|=>|[:=])\s*["']?`;

function decodesToBedrockKey(secret: string): boolean {
  const decoded = Buffer.from(secret.slice(4), 'base64').toString('latin1');
  return decoded.startsWith('BedrockAPIKey-') && decoded.includes(':');
}

export const rules = defineRules([
  {
    id: 'aws-access-key-id',
    title: 'AWS access key ID',
    provider: 'AWS',
    severity: 'high',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    // IAM key ids are a 4-letter type prefix and 16 base32 characters; ASIA ids are temporary (STS).
    pattern: /(?<![A-Za-z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/,
    remediation: ROTATE_IAM,
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids',
    examples: {
      positive: [
        'export AWS_ACCESS_KEY_ID=AKIAG567QWTYX4X5UUHL',
        'aws_access_key_id: "ASIATKZQEZ2OXS4PRBMR"',
        '{"AccessKeyId": "ABIAJJGRVAHJFOFCBAIG"}',
      ],
      negative: [
        'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
        // lower case and digits 0/1/8/9 are outside the base32 alphabet of key ids
        'id = "AKIAg567qwtyx4x5uuhl"',
        'ref = AKIAG567QWTYX4X5UUH1',
        // embedded in a longer identifier
        'hash=XAKIAG567QWTYX4X5UUHLQ2',
      ],
    },
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    provider: 'AWS',
    severity: 'critical',
    keywords: ['secret_access_key', 'secretaccesskey', 'aws_secret', 'awssecret'],
    pattern: new RegExp(
      // `gs_secret_access_key` is the same INI name for Google Cloud Storage HMAC keys.
      String.raw`(?<![A-Za-z0-9])(?<!gs_)${SECRET_KEY_NAME}(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'i',
    ),
    window: { before: 60, after: 120 },
    minEntropy: 3.5,
    remediation: ROTATE_IAM,
    docs: IAM_DOCS,
    examples: {
      positive: [
        'AWS_SECRET_ACCESS_KEY=qF3I6mSUO7WOQToVdMcFm8ikN/GnfJjPkdSEjuR+',
        'aws_secret_access_key = dlYPi7fCgbuhv3F+o29eWlyHAfjcBCAC5vRf7+Ic',
        '  secretAccessKey: "6PtEcpNNBjvvAwNgcEzvB14Ka1KOz++IsK1nJZyE",',
        '"SecretAccessKey": "wRAG+p3RCeVXMsrlckhkKPUhOEHnVAO2FLqXUnr3"',
      ],
      negative: [
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}',
        // 41 characters: not a secret access key
        'aws_secret_access_key = dlYPi7fCgbuhv3F+o29eWlyHAfjcBCAC5vRf7+IcQ',
        'secret_key_length = 40',
      ],
    },
  },
  {
    id: 'aws-credentials-file-profile',
    title: 'AWS shared credentials file profile with a static key',
    provider: 'AWS',
    severity: 'critical',
    keywords: ['aws_access_key_id'],
    // The INI block from ~/.aws/credentials: key id line followed by its secret on the next line.
    pattern:
      /aws_access_key_id[ \t]*=[ \t]*(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}[ \t]*\r?\n[ \t]*aws_secret_access_key[ \t]*=[ \t]*(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/,
    window: { before: 0, after: 200, multiline: true },
    minEntropy: 3.5,
    remediation: ROTATE_IAM,
    docs: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html',
    examples: {
      positive: [
        '[default]\naws_access_key_id = AKIAS6H32WCUMIIHQC54\naws_secret_access_key = xkQuYenaziOhEQI9xxp3rA51RZt8IHjpKKAbGqNQ\n',
        '[deploy]\r\naws_access_key_id=AKIAG567QWTYX4X5UUHL\r\naws_secret_access_key=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\r\n',
      ],
      negative: [
        '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
        '[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci\nsource_profile = default\n',
      ],
    },
  },
  {
    id: 'aws-secret-access-key-paired',
    title: 'AWS secret access key next to its access key ID',
    provider: 'AWS',
    severity: 'critical',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    // Key pairs passed positionally (`new Credentials('AKIA…', '…')`) or in the console's CSV export.
    pattern:
      /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}["'`]?[ \t]{0,3}[,;|:][ \t]{0,3}["'`]?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/,
    window: { before: 0, after: 120 },
    minEntropy: 3.5,
    remediation: ROTATE_IAM,
    docs: IAM_DOCS,
    examples: {
      positive: [
        "const creds = new AWS.Credentials('AKIAS6H32WCUMIIHQC54', 'sec3+6PtEcpNNBjvvAwNgcEzvB14Ka1KOz++IsK1');",
        'ci-deployer,AKIAG567QWTYX4X5UUHL,xkQuYenaziOhEQI9xxp3rA51RZt8IHjpKKAbGqNQ',
      ],
      negative: [
        "new AWS.Credentials('AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')",
        // a 40-hex commit id after a key id is a different shape (no upper case, no base64 symbols)
        'AKIAG567QWTYX4X5UUHL, 0123',
      ],
    },
  },
  {
    id: 'aws-session-token',
    title: 'AWS session token',
    provider: 'AWS',
    severity: 'high',
    keywords: [
      'aws_session_token',
      'awssessiontoken',
      'aws_security_token',
      '"sessiontoken"',
      'x-amz-security-token',
    ],
    // Named for AWS (env, INI, SDK options), STS JSON output, or the SigV4 header.
    pattern:
      /(?<![A-Za-z0-9])(?:aws_?session_?token|aws_?security_?token|"SessionToken"|x-amz-security-token)["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>[A-Za-z0-9/+]{100,1500}={0,2})(?![A-Za-z0-9/+=])/i,
    window: { before: 20, after: 1600 },
    minEntropy: 4.5,
    remediation:
      'Session tokens expire on their own; revoke active sessions of the role (IAM > Roles > Revoke sessions) and rotate the key that minted them.',
    docs: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html',
    examples: {
      positive: [
        'export AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE5wYSjNN28cVXQFF7jozLe+OoFPrcp42dTVgkXxko009cXmq1Jez9Kna1ji9Kw4iqt+xxw1rzFInmuhVJxIHpo7yHVSa1PTourk3zT8ZxJUj4Vg5UV9vaifsrV4/pZ+6hSLstCOT+q+iQOZLDKdR4++KERMt6tHbUTuM9yzpbgzzXD6ABR9ywOiHlM/BMj1q9zUm1PlFY4VzScqxbhm9hnw96bLv6c/7Ggw6u39+SbdgQ8Ra082PeoFPOU2UVwj3ATh4FU95w8A8mA9MGrjd8TcV//vKOo1nTJoX58TNIAnC9VjjcMBKhJ6uUysDvx+AqAoryKU/3u+S/u0JQd7Ne',
        '"SessionToken": "FwoGZXIvYXdzEVMlnizQPSEmskIgU7nQS8EEDBzJ+5EmH+GIK83tkMgQmlJfF2mMP/ZHhP3Hpy4p8S1fSvL8XPFMrep6Fo3okP0vd+BMnd3ld8JtCOg6wGFQ+ln+nLeQvKcGANGEwh69ejFTi1hMNY0VL3hgNVvZGusXHo4AOT9KkO/WQkIkHexBRh817wUmGRXRIZGtK2CMjJjjG+3eYooW2Ps4u9yFi1/xGo4uP3AsWPz1ENEk1OlOeAn6pSwDHDt9gsCGfPD+CjfLcZc0qorv3+E14Sz++mCkNBGcigz2t3dVgJoPvSyAD"',
      ],
      negative: [
        'aws_session_token = ${AWS_SESSION_TOKEN}',
        'session_token: IQoJb3JpZ2luX2VjEO',
        'aws_session_token = "<session-token-from-sts>"',
      ],
    },
  },
  {
    id: 'aws-bedrock-api-key',
    title: 'Amazon Bedrock long-term API key',
    provider: 'AWS',
    severity: 'high',
    keywords: ['absk'],
    // `ABSK` + base64("BedrockAPIKey-<id>-at-<account>:<secret>")
    pattern: /(?<![A-Za-z0-9+/])(?<secret>ABSK[A-Za-z0-9+/]{100,300}={0,2})(?![A-Za-z0-9+/=])/,
    validate: decodesToBedrockKey,
    remediation:
      'Delete the service-specific credential of the IAM user (IAM > Users > Security credentials > API keys for Amazon Bedrock).',
    docs: 'https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html',
    examples: {
      positive: [
        'AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS0wZXJ3LWF0LTEwMjc5NDg1MTM3MDpXRG1kamtBZGRxZzJCaUhTS21tODhEU1dVWDZOUXlpcDMvaXB5aHRVaDVDTG4vUUhyMWVJM2tHSDg2Qnk=',
        'bedrock_api_key: "ABSKQmVkcm9ja0FQSUtleS1idnpjLWF0LTI4NTczMTA0NTc2MTo0U05LRzVNM1BRdFBqZktUbkpaZEFTMnd0VFJjanc0WTk5MVNPeDNIVmdtMXpyNWJYSzdvVjJoVmlUVUc="',
      ],
      negative: [
        // base64 that does not decode to a Bedrock key
        'blob = ABSKdGhpcyBpcyBqdXN0IGEgbG9uZyBiYXNlNjQgYmxvYiB0aGF0IGhhcHBlbnMgdG8gc3RhcnQgd2l0aCB0aGUgbGV0dGVycyBBQlNLIGFuZCBub3RoaW5nIGVsc2U=',
        'AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS0',
      ],
    },
  },
  {
    id: 'aws-bedrock-short-term-api-key',
    title: 'Amazon Bedrock short-term API key',
    provider: 'AWS',
    severity: 'medium',
    keywords: ['bedrock-api-key-'],
    // base64 of a presigned `bedrock.amazonaws.com/?Action=CallWithBearerToken…` URL, valid up to 12 hours.
    pattern:
      /(?<![A-Za-z0-9-])(?<secret>bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{100,3000}={0,2})(?![A-Za-z0-9+/=])/,
    window: { before: 0, after: 3200 },
    remediation:
      'Short-term keys expire with the session that signed them; revoke the sessions of the signing role if the key may still be valid.',
    docs: 'https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys-how.html',
    examples: {
      positive: [
        'AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbiZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFTSUFSRlNINVlRRVJSNVFXM1dHJTJGMjAyNTA3MTQlMkZ1cy1lYXN0LTElMkZiZWRyb2NrJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNTA3MTRUMTAxNTAwWiZYLUFtei1FeHBpcmVzPTQzMjAwJlgtQW16LVNlY3VyaXR5LVRva2VuPWJBTWZHOWhaeUd0V1VPQlBlUTMybHVURFFXNVoxWDBJdkMyTHJtTVpyRnAwT0JKeXF1dTZwUWM3TmtOOXNsX0w3Zl9qd3NjcVlKT1ZzWk50bGtWOEsybkFLYUJ5SmU2U04zRnZSaHVmaG14Y0NuUVBSRV9KeXVtQiZYLUFtei1TaWduYXR1cmU9YTRlYjQxMWVjZGNmNDhjZGUwZGUyOGQ0MWEyZGFlOGM2YzM1Y2FlYjQzZWZhOTdhOGNhNDFmNjVhYmMxMjZkYyZWZXJzaW9uPTE=',
        'Authorization: Bearer bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbiZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFTSUFSRlNINVlRRVJSNVFXM1dHJTJGMjAyNTA3MTQlMkZ1cy1lYXN0LTElMkZiZWRyb2NrJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNTA3MTRUMTAxNTAwWiZYLUFtei1FeHBpcmVzPTQzMjAwJlgtQW16LVNlY3VyaXR5LVRva2VuPWJBTWZHOWhaeUd0V1VPQlBlUTMybHVURFFXNVoxWDBJdkMyTHJtTVpyRnAwT0JKeXF1dTZwUWM3TmtOOXNsX0w3Zl9qd3NjcVlKT1ZzWk50bGtWOEsybkFLYUJ5SmU2U04zRnZSaHVmaG14Y0NuUVBSRV9KeXVtQiZYLUFtei1TaWduYXR1cmU9YTRlYjQxMWVjZGNmNDhjZGUwZGUyOGQ0MWEyZGFlOGM2YzM1Y2FlYjQzZWZhOTdhOGNhNDFmNjVhYmMxMjZkYyZWZXJzaW9uPTE=',
      ],
      negative: [
        'The prefix of a short-term key is bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t followed by the signed URL.',
        'key = "bedrock-api-key-${TOKEN}"',
      ],
    },
  },
  {
    id: 'aws-appsync-api-key',
    title: 'AWS AppSync API key',
    provider: 'AWS',
    severity: 'medium',
    keywords: ['da2-'],
    pattern: /(?<![A-Za-z0-9_-])(?<secret>da2-[a-z0-9]{26})(?![A-Za-z0-9_-])/,
    minEntropy: 3.2,
    remediation: 'Delete the key in the AppSync console (Settings > API keys) and create a new one.',
    docs: 'https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#api-key-authorization',
    examples: {
      positive: [
        'aws_appsync_apiKey: "da2-odm8lz67l2vqsjtxd7459cxmcx",',
        'headers: { "x-api-key": "da2-90uoh49j4j02xfn621utdsjjb4" }',
      ],
      negative: [
        'aws_appsync_apiKey: "da2-odm8lz67l2vqsjtxd7459cx"',
        'model = "da2-ODM8LZ67L2VQSJTXD7459CXMCX"',
      ],
    },
  },
  {
    id: 'aws-mws-auth-token',
    title: 'Amazon MWS auth token',
    provider: 'AWS',
    severity: 'high',
    keywords: ['amzn.mws.'],
    pattern: /(?<secret>amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f])/,
    remediation: 'Revoke the developer authorization in Seller Central (Apps & Services > Manage Your Apps).',
    docs: 'https://developer-docs.amazon.com/sp-api/docs/migrating-from-mws-to-sp-api',
    examples: {
      positive: [
        'MWS_AUTH_TOKEN=amzn.mws.70dfb5fe-4121-7400-519c-e0e903783df0',
        "mws_token: 'amzn.mws.70dfb5fe-4121-7400-519c-e0e903783df0'",
      ],
      negative: ['MWS_AUTH_TOKEN=amzn.mws.70dfb5fe-4121-7400', 'see https://docs.amzn.mws.com/auth'],
    },
  },
]);
