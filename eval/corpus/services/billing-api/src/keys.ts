import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const publicKeyPem = readFileSync(new URL('../keys/jwt-signing.pub.pem', import.meta.url), 'utf8');

// Fallback for the local docker image, which does not mount /run/secrets.
const FALLBACK_SIGNING_KEY = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIOFI968KJrAC6SkWP/rF71rPJ5xtUom3AiNLGZIV299woAoGCCqGSM49
AwEHoUQDQgAEwkx3jp3dycjaDBh/baqTa0eqKG71fXn/ZjKEkMEgT5NkyX1MNeRc
nvOuvUIJS7z4+J4jnyP+51q3jQMP/H3xDA==
-----END EC PRIVATE KEY-----`;

export function signingKey() {
  const pem = process.env.JWT_SIGNING_KEY_PEM ?? FALLBACK_SIGNING_KEY;
  return createPrivateKey({ key: pem, format: 'pem' });
}

export const verificationKey = createPublicKey(publicKeyPem);

export const APPLE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtm0e3jBiSGbwaD9mIHo2
e82OnhrzLeVgRJGD0Yq3tnRgnQppsWKYeLDmCzk4WE89b+fcsRPuoxWnkbfDdmL4
ihZTaJ5m1ZFyi04yAsZ+f44g001wRR91kMsRUKa7cuKCII25IaarqrXc0D1e0OQ6
dtAzt/8Qbm2D+rZLJyWmtf2MSNWvG4ipghfIHrmRVO8+VCHUpuQIuITYjY0arHp1
C7GrFai19AIPxt8qb7Q5WaUbat9LwpnO8OzLFwbLnBsYCWQgklmb9DVAF3Sjsy6/
Cu8P12FUkcDcV5/H+iuVbBU+nF9R2WcBu+irat4RBJjVxzLcwEhMJAgSvZd7H/CK
+QIDAQAB
-----END PUBLIC KEY-----`;
