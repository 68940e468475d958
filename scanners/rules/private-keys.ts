import type { Rule } from '../engine/types.js';
import { defineRules } from './define.js';
import { hasKeyStructure, isPgpSecretKey, opensshCipher, puttyKey, type PemKind } from './pem-body.js';

// An RSA-4096 PEM is ~3.3 KB, an armoured RSA-4096 OpenPGP secret key ~7 KB; escaping adds a little.
const KEY_WINDOW = { before: 0, after: 12000, multiline: true } as const;

/** The block up to the matching END line; the body cannot run past another armour line. */
function armour(label: string): RegExp {
  return new RegExp(`-----BEGIN ${label}-----(?:[^-]|-(?!----)){40,11500}-----END ${label}-----`);
}

// Fabricated keys, generated for these examples only and never used anywhere.
const RSA_1024 = [
  'MIICXAIBAAKBgQDbvcPAudT+E4xcj5Yqamm7T5XcIFItdowAJKv/wctDoU+SztJk',
  'YuRV5ZchicHnj3SYDJsc4kjn11QoI2Fm+vXQ23GLHsb398KfJoKyI844AD+CpJVR',
  'hmq+qtivymGUWGXpCKEThFORFAHHJ8CD/hfXbGEHrk7D6khre0KueEF2dwIDAQAB',
  'AoGBAM0z9Cb5Izc16CDUEeaAQ0ahdo//Ot6r0uebV2fagMgiTt4I+B643wR8B9tQ',
  '+twUckw/kWayxmSDCFsHV0FE4OGzplRtvo9c74WnwJGJqLDsGPiPrn1a6iPs0Pg0',
  't0jViMEyPHluQBqgZBMmt0ucNgcGC5+4u3zXkrUWynAI5TKJAkEA9O1FKdOryF/Z',
  'JOu84OnHtNhMjm2Oh3zZsZNb19p5Oa1w7e3stotvucRs8T2Sxur03fQuCvb9br8b',
  '6x2/r+9b2wJBAOWtAJDWAyyM30yePDLkQrJ86e3izkm+RKZ2LRoLzZxk/cuTpJTt',
  '4KyAqGSWwFPRQswNzEwT2bHNsvXLu3kjAJUCQAbkNjH7FrZInB+B0oqxiUD5ZQ4M',
  '3xnI1Yc9kjP8nbSVwLuxGhv4yGf9suMGzH50Vfd4y2LbmD3peque5qnYnkkCQH+M',
  '8H9/Gwwmv+whBHWO5quRS6jdCItTq3R2tN1+KJXuUDQ6rnA3G0sxuFMElZL26A3C',
  'q+6kJ4XjIrv2hQrlMXECQGcGPKKlz3dEfME6EKHNEzv8+tQXFOROucYjgK22Wawf',
  'NwI/mDSoT1oIWg+yuIhIi6KFh7SfWTumEqfBVkFxYaI=',
];
const EC_P256 = [
  'MHcCAQEEII9IAUUYwbk/xetNmGHr6c2C5iLQsh/uXy5aEvHmPxyeoAoGCCqGSM49',
  'AwEHoUQDQgAESMe0q+VfA7/4qYBpvij64jDiiN/Z+GZ1e3jwdz2RyXtDHIgm1dvI',
  '17AwM199/jqlYEuzBABiJYRnBe/TMqMiPw==',
];
const DSA_1024 = [
  'MIIBzAIBAAKBgQC9y5GBA+XS7MqF4RhyemXam1i657kO1kzb77keMQ5xr4Zwt2ON',
  'SI7G/69GNtQprXiahm6IMLe40GqkCbd5tUHb0CQNuG6yGHMR39e9aogs3dC29lKJ',
  'vAt3wmoYZaKOQC51XRbh+ynp749elt5xSBnrcxeky50enA9e76lM59/NNwIdAN5Q',
  '9oJ0nBoYey/OLA8gtvQOjq1Q8IIEVww74jECgYB41BCTMHe2UiqwSGM/CZ0okH/8',
  'R2lqW0g9GfOgjw845NjeVkrSOjxRemYyoggIsnxPpUOD2gah/kJZ9TK1FBukXC3y',
  'vnbk+dBfanxxBHFcgFdVe5kwi5SbZIDK2PhwJwNwQfHqTXFVmlc4CMwb/0vsJLXc',
  'hbl8IQxXTag/Izw3MgKBgQCfSZ1j7V52wonqTiojeNkV08UjWc5Szz7mcQjJZwIo',
  '0v7t/gEJ+vu4kwHYvaC0b/mtNSi8ewMRioMX11Y3JOr/cgLlwFcZBvkCpNJN+S6p',
  'IbUNAE9gODY8ZSTfQ0p4UdTv1XStd2qxQtLgraRFjz5D5BLwGHb/r0p5pmxfK6Ie',
  'AgIdAKl5FzTdB6hy6L3bYK5+dR8dtuUCkuhfLoBw6hw=',
];
const PKCS8_ED25519 = ['MC4CAQAwBQYDK2VwBCIEIMa+dBFQWyYNG6Ub922HQ0Bie0LyIubO/0hXs6QtHkLO'];
const PKCS8_EC = [
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+Yb5ImwanQ7WP1hQ',
  'JWzbVGQqZoB+Xn8e2252jAp1f3ehRANCAAQMsr1BSX8OqcKiHlGG0rwkZCFeORsO',
  '8TkvWTZmMIUwO5aHsQfVHcVIyEdRgEySjeFW792issFd1TTO820DWG/n',
];
const PKCS8_ENCRYPTED = [
  'MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiQGrT3AaHbUAICCAAw',
  'DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEENhIOxMVpHcGr9xe6Fw49SsEQCf3',
  'B313ro7jCk6rCR4dmUNETL8h2goOXz0hu5fplHO920Mo+OFelzOE/3hExwWwr+ca',
  '2eAqz0hOCL4+GMkI05g=',
];
const EC_LEGACY_ENCRYPTED = [
  'Proc-Type: 4,ENCRYPTED',
  'DEK-Info: AES-128-CBC,8269A500DB04DEBD3AFEC7FD2F6288A4',
  '',
  'aC2mt3sPtLjMJQ+vatNsSBXx4Ef1cFSvQl8rSaEGlEDoH0nbN9/aFoh293tsG8v/',
  'tu8Mce4iy6nYwkO/bj1IUetpQKW4VfBlyW86WfAHIla5y7zWuNRsEakMntxNCCsX',
  'GIpkplQuwqLpklHqJbBfox9qa8uIgynGpCbBNeJfj54=',
];
const OPENSSH_ED25519 = [
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACAf2+aA9Lpixm9f4ylsIaF9suxbSX/XI2oSJ+xSCS2sbQAAAIiycgYqsnIG',
  'KgAAAAtzc2gtZWQyNTUxOQAAACAf2+aA9Lpixm9f4ylsIaF9suxbSX/XI2oSJ+xSCS2sbQ',
  'AAAEBwK4xzyixXKMu/UJMJ2jMmtDrjnAiwhh0N2zjStfM8MB/b5oD0umLGb1/jKWwhoX2y',
  '7FtJf9cjahIn7FIJLaxtAAAAAAECAwQF',
];
const OPENSSH_ED25519_ENCRYPTED = [
  'b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABA6AT3Leu',
  'hVQilevBsTehZHAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAINzMYIPlqRcomkcQ',
  'cg7oR34ujuLMPXzzGDAH3vBGqHAIAAAAkGYFTjhcwACHq6hae2Sx86BmX/zMrM7sjWYrD/',
  'Gn3PUrGmD4Y6qAETKSrQDIMoUn+Vc+JHvBe86S4Q1ujK09ANAFMkAK/oi6p6d8ZkDoe9FU',
  'mrI5lWLUB78RRPM82ybjpnQevNCIw7m2wuSdziCWyIi4ZgBGTwq5SXLW5wIGfgofVVoSMp',
  'e99Q/ZVKLExiCnFQ==',
];
const PGP_ED25519 = [
  '',
  'lFgEawND6xYJKwYBBAHaRw8BAQdAfHwJ8RF++DcANywBQsIH7Zz8mPsUx4iyd6CR',
  'A/40dKcAAP9jkVBTGBCJRqIBZ3KFPIVbnFbYt52YZEsAG/T/gdDCBQ81tCVGaXh0',
  'dXJlIEtleSA8Zml4dHVyZUBrZXlsZXNzLmludmFsaWQ+iJAEExYIADgWIQQ2gE/E',
  '63wWuzyvTTv9maR9y3N0uAUCawND6wIbAwULCQgHAgYVCgkICwIEFgIDAQIeAQIX',
  'gAAKCRD9maR9y3N0uLjBAPsGAuca0J6IF50d42GWx733gIqTVDoOKeRFrBB4DDQG',
  'ewD+P0IoF3as8PV6jgLMAaL6WM3xwg94T006vfWkgYBJCwI=',
  '=/nec',
];
const PUTTY_ED25519 = [
  'PuTTY-User-Key-File-2: ssh-ed25519',
  'Encryption: none',
  'Comment: eddsa-key-20250311',
  'Public-Lines: 2',
  'AAAAC3NzaC1lZDI1NTE5AAAAIGJUGn4h2hT9sRAvbtaEnyCHezedq4v7U4hCdE28',
  'z2ok',
  'Private-Lines: 1',
  'AAAAIGyzEpwEeX2EsStaIAcIJnOx6tmSU0Eo8znIfAnVmyWX',
  'Private-MAC: 4668f66d1bc19c77f25baf37d43840cdf86fbcb8',
];
const PUTTY_ED25519_ENCRYPTED = [
  'PuTTY-User-Key-File-2: ssh-ed25519',
  'Encryption: aes256-cbc',
  'Comment: deploy-key',
  'Public-Lines: 2',
  'AAAAC3NzaC1lZDI1NTE5AAAAIEHMx4L6V/P4gjBSkeKSdKopJCog07cSLeJuoPbh',
  'qJlO',
  'Private-Lines: 1',
  'YY3TVbVBpV6p5e+dVUp2LZv3FRPidl6cpMz5NEMjRZ1HtzH519tbH+3OWWds1cVu',
  'Private-MAC: a3f8b291817ea0fe594c9fcfcaad7f58a01d1c6f',
];
const EC_PUBLIC = [
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESMe0q+VfA7/4qYBpvij64jDiiN/Z',
  '+GZ1e3jwdz2RyXtDHIgm1dvI17AwM199/jqlYEuzBABiJYRnBe/TMqMiPw==',
];

const pem = (label: string, body: string[]): string =>
  [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join('\n');
/** The block as a JSON string value (`"private_key": "-----BEGIN ...\n...\n"`). */
const inJson = (field: string, block: string): string =>
  `{\n  "type": "service_account",\n  "${field}": ${JSON.stringify(block + '\n')}\n}`;
const inYaml = (field: string, block: string): string =>
  `tls:\n  ${field}: |\n${block
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;
/** A copy of the block whose body lost its middle, as in documentation. */
const elided = (label: string, body: string[]): string =>
  pem(label, [body[0] ?? '', '...', body[body.length - 1] ?? '']);

const REMEDIATION =
  'Treat the key as compromised: remove it from every authorized_keys file, certificate or account that trusts it, issue a new key pair and keep the private half in a secret store.';

interface PemRuleSpec {
  id: string;
  title: string;
  label: string;
  kind: PemKind;
  severity: Rule['severity'];
  body: string[];
  positive?: string[];
  negative: string[];
  check?: (secret: string) => boolean;
}

function pemRule(spec: PemRuleSpec): Rule {
  const block = pem(spec.label, spec.body);
  return {
    id: spec.id,
    title: spec.title,
    provider: 'Private key',
    severity: spec.severity,
    keywords: [`-----begin ${spec.label.toLowerCase()}-----`],
    pattern: armour(spec.label),
    window: KEY_WINDOW,
    // The body is validated structurally; the generic placeholder heuristics would misfire on
    // runs such as `AAAAAA` that real DER and OpenSSH bodies contain.
    suppress: 'none',
    validate: spec.check ?? ((secret) => hasKeyStructure(secret, spec.kind)),
    remediation: REMEDIATION,
    docs: 'https://www.rfc-editor.org/rfc/rfc7468',
    examples: {
      positive: [block, inJson('private_key', block), inYaml('key', block), ...(spec.positive ?? [])],
      negative: [elided(spec.label, spec.body), ...spec.negative],
    },
  };
}

function opensshRule(encrypted: boolean): Rule {
  const body = encrypted ? OPENSSH_ED25519_ENCRYPTED : OPENSSH_ED25519;
  const block = pem('OPENSSH PRIVATE KEY', body);
  return {
    id: encrypted ? 'private-key-openssh-encrypted' : 'private-key-openssh',
    title: encrypted ? 'Passphrase-protected OpenSSH private key' : 'OpenSSH private key',
    provider: 'Private key',
    severity: encrypted ? 'high' : 'critical',
    keywords: ['-----begin openssh private key-----'],
    pattern: armour('OPENSSH PRIVATE KEY'),
    window: KEY_WINDOW,
    suppress: 'none',
    validate: (secret) => {
      const cipher = opensshCipher(secret);
      return cipher !== undefined && (cipher !== 'none') === encrypted;
    },
    remediation: REMEDIATION,
    docs: 'https://cvsweb.openbsd.org/src/usr.bin/ssh/PROTOCOL.key?annotate=HEAD',
    examples: {
      positive: [block, inYaml('ssh_key', block), `deploy_key = """\n${block}\n"""`],
      negative: [
        pem('OPENSSH PRIVATE KEY', ['<paste the private key here>']),
        elided('OPENSSH PRIVATE KEY', body),
        pem('OPENSSH PRIVATE KEY', encrypted ? OPENSSH_ED25519 : OPENSSH_ED25519_ENCRYPTED),
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB/b5oD0umLGb1/jKWwhoX2y7FtJf9cjahIn7FIJLaxt ci@runner',
      ],
    },
  };
}

function puttyRule(encrypted: boolean): Rule {
  const lines = encrypted ? PUTTY_ED25519_ENCRYPTED : PUTTY_ED25519;
  const other = encrypted ? PUTTY_ED25519 : PUTTY_ED25519_ENCRYPTED;
  return {
    id: encrypted ? 'private-key-putty-encrypted' : 'private-key-putty',
    title: encrypted ? 'Passphrase-protected PuTTY private key' : 'PuTTY private key',
    provider: 'Private key',
    severity: encrypted ? 'high' : 'critical',
    keywords: ['putty-user-key-file-'],
    pattern:
      /PuTTY-User-Key-File-[23]: [\w@.-]{3,64}(?:\r?\n[^\r\n]{1,128}){3,150}?\r?\nPrivate-MAC: [0-9a-f]{40,64}/,
    window: { before: 0, after: 12000, multiline: true },
    suppress: 'none',
    validate: (secret) => puttyKey(secret)?.encrypted === encrypted,
    remediation: REMEDIATION,
    docs: 'https://the.earth.li/~sgtatham/putty/0.80/htmldoc/AppendixC.html',
    examples: {
      positive: [lines.join('\n'), lines.join('\r\n')],
      negative: [
        other.join('\n'),
        [...lines.slice(0, 7), '...', lines[8] ?? ''].join('\n'),
        'PuTTY-User-Key-File-3: ssh-ed25519 is the first line of a .ppk file',
      ],
    },
  };
}

const LEGACY_BLOCK = pem('EC PRIVATE KEY', EC_LEGACY_ENCRYPTED);

export const rules = defineRules([
  pemRule({
    id: 'private-key-rsa',
    title: 'RSA private key (PKCS#1)',
    label: 'RSA PRIVATE KEY',
    kind: 'pkcs1',
    severity: 'critical',
    body: RSA_1024,
    negative: [
      pem('RSA PRIVATE KEY', ['MIIEpAIBAAKCAQEA<base64-encoded key material>']),
      pem('RSA PRIVATE KEY', RSA_1024.slice(0, 9)),
      pem('RSA PUBLIC KEY', RSA_1024),
    ],
  }),
  pemRule({
    id: 'private-key-ec',
    title: 'EC private key (SEC 1)',
    label: 'EC PRIVATE KEY',
    kind: 'sec1',
    severity: 'critical',
    body: EC_P256,
    negative: [LEGACY_BLOCK, pem('PUBLIC KEY', EC_PUBLIC), pem('EC PARAMETERS', ['BggqhkjOPQMBBw=='])],
  }),
  pemRule({
    id: 'private-key-dsa',
    title: 'DSA private key',
    label: 'DSA PRIVATE KEY',
    kind: 'dsa',
    severity: 'critical',
    body: DSA_1024,
    negative: [
      pem('DSA PRIVATE KEY', ['MIIBuwIBAAKBgQD/your/key/goes/here']),
      pem('DSA PRIVATE KEY', EC_P256),
    ],
  }),
  pemRule({
    id: 'private-key-pkcs8',
    title: 'Private key (PKCS#8)',
    label: 'PRIVATE KEY',
    kind: 'pkcs8',
    severity: 'critical',
    body: PKCS8_EC,
    positive: [`SIGNING_KEY="${pem('PRIVATE KEY', PKCS8_ED25519).replace(/\n/g, '\\n')}"`],
    negative: [
      pem('PUBLIC KEY', EC_PUBLIC),
      pem('PRIVATE KEY', PKCS8_ENCRYPTED),
      pem('PRIVATE KEY', ['REPLACE WITH YOUR KEY']),
    ],
  }),
  pemRule({
    id: 'private-key-pkcs8-encrypted',
    title: 'Passphrase-protected private key (encrypted PKCS#8)',
    label: 'ENCRYPTED PRIVATE KEY',
    kind: 'pkcs8-encrypted',
    severity: 'high',
    body: PKCS8_ENCRYPTED,
    negative: [pem('ENCRYPTED PRIVATE KEY', ['MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI...'])],
  }),
  {
    ...pemRule({
      id: 'private-key-pem-encrypted',
      title: 'Passphrase-protected PEM private key (Proc-Type: 4,ENCRYPTED)',
      label: 'EC PRIVATE KEY',
      kind: 'legacy-encrypted',
      severity: 'high',
      body: EC_LEGACY_ENCRYPTED,
      negative: [
        pem('EC PRIVATE KEY', EC_P256),
        pem('RSA PRIVATE KEY', [
          'Proc-Type: 4,ENCRYPTED',
          'DEK-Info: AES-128-CBC,<iv>',
          '',
          '<encrypted body>',
        ]),
      ],
    }),
    keywords: [
      '-----begin rsa private key-----',
      '-----begin ec private key-----',
      '-----begin dsa private key-----',
    ],
    pattern:
      /-----BEGIN (?<label>RSA|EC|DSA) PRIVATE KEY-----(?:[^-]|-(?!----)){40,11500}-----END \k<label> PRIVATE KEY-----/,
  },
  opensshRule(false),
  opensshRule(true),
  pemRule({
    id: 'private-key-pgp',
    title: 'OpenPGP private key block',
    label: 'PGP PRIVATE KEY BLOCK',
    kind: 'pkcs8',
    severity: 'critical',
    body: PGP_ED25519,
    check: isPgpSecretKey,
    negative: [
      pem('PGP PUBLIC KEY BLOCK', PGP_ED25519),
      pem('PGP PRIVATE KEY BLOCK', ['', 'lQdGBF...', '=abcd']),
    ],
  }),
  puttyRule(false),
  puttyRule(true),
]);
