import { randomBytes } from 'node:crypto';
import {
  ALNUM,
  B64,
  B64URL,
  BASE32_UPPER,
  BECH32_UPPER,
  DIGITS,
  HEX,
  LOWER,
  b64,
  b64url,
  pick,
} from './random.js';
import type { PositiveSpec } from './spec.js';

function sasQuery(): string {
  const sig = encodeURIComponent(randomBytes(32).toString('base64'));
  return `sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-03-01T00:00:00Z&st=2024-03-01T00:00:00Z&spr=https&sig=${sig}`;
}

/** Cloud and infrastructure platforms. */
export const cloud: Record<string, PositiveSpec> = {
  'aws-akid': {
    kind: 'aws-access-key-id',
    title: 'AWS access key ID (long-term)',
    make: () => `AKIA${pick(BASE32_UPPER, 16)}`,
  },
  'aws-asia': {
    kind: 'aws-access-key-id',
    title: 'AWS access key ID (temporary)',
    make: () => `ASIA${pick(BASE32_UPPER, 16)}`,
  },
  'aws-secret': { kind: 'aws-secret-access-key', title: 'AWS secret access key', make: () => pick(B64, 40) },
  'aws-session': {
    kind: 'aws-session-token',
    title: 'AWS STS session token',
    make: () => `IQoJb3JpZ2luX2Vj${pick(B64, 340)}`,
  },
  'gcp-api-key': {
    kind: 'google-api-key',
    title: 'Google API key',
    make: () => `AIza${pick(B64URL, 35)}`,
  },
  'google-oauth-secret': {
    kind: 'google-oauth-client-secret',
    title: 'Google OAuth client secret',
    make: () => `GOCSPX-${pick(B64URL, 28)}`,
  },
  'google-refresh': {
    kind: 'google-oauth-refresh-token',
    title: 'Google OAuth refresh token',
    make: () => `1//0${pick('ceg', 1)}${pick(B64URL, 98)}`,
  },
  'google-access': {
    kind: 'google-oauth-access-token',
    title: 'Google OAuth access token',
    make: () => `ya29.a0A${pick(B64URL, 160)}`,
  },
  'azure-storage-key': {
    kind: 'azure-storage-account-key',
    title: 'Azure storage account key',
    make: () => b64(64),
  },
  'azure-ad-secret': {
    kind: 'azure-ad-client-secret',
    title: 'Microsoft Entra ID (Azure AD) client secret',
    make: () => `${pick(ALNUM, 3)}${pick(DIGITS, 1)}Q~${pick(ALNUM + '_~.-', 34)}`,
  },
  'azure-sas': { kind: 'azure-sas-token', title: 'Azure shared access signature', make: sasQuery },
  'azure-sb-key': {
    kind: 'azure-shared-access-key',
    title: 'Azure Service Bus / Event Hubs shared access key',
    make: () => b64(32),
  },
  'azure-cosmos-key': {
    kind: 'azure-cosmosdb-key',
    title: 'Azure Cosmos DB account key',
    make: () => b64(64),
  },
  'alibaba-akid': {
    kind: 'alibaba-access-key-id',
    title: 'Alibaba Cloud AccessKey ID',
    make: () => `LTAI5t${pick(ALNUM, 18)}`,
  },
  'alibaba-secret': {
    kind: 'alibaba-access-key-secret',
    title: 'Alibaba Cloud AccessKey secret',
    make: () => pick(ALNUM, 30),
  },
  'do-pat': {
    kind: 'digitalocean-token',
    title: 'DigitalOcean personal access token',
    make: () => `dop_v1_${pick(HEX, 64)}`,
  },
  'do-oauth': {
    kind: 'digitalocean-token',
    title: 'DigitalOcean OAuth token',
    make: () => `doo_v1_${pick(HEX, 64)}`,
  },
  'heroku-key': {
    kind: 'heroku-api-key',
    title: 'Heroku API key (HRKU format)',
    make: () => `HRKU-AA${pick(B64URL, 58)}`,
  },
  'cloudflare-token': {
    kind: 'cloudflare-api-token',
    title: 'Cloudflare API token',
    make: () => pick(B64URL, 40),
  },
  'cloudflare-global': {
    kind: 'cloudflare-global-api-key',
    title: 'Cloudflare global API key',
    make: () => pick(HEX, 37),
  },
  'vercel-token': { kind: 'vercel-token', title: 'Vercel access token', make: () => pick(ALNUM, 24) },
  'netlify-pat': {
    kind: 'netlify-token',
    title: 'Netlify personal access token',
    make: () => `nfp_${pick(ALNUM, 36)}`,
  },
  'hetzner-token': { kind: 'hetzner-token', title: 'Hetzner Cloud API token', make: () => pick(ALNUM, 64) },
  'fastly-token': { kind: 'fastly-api-token', title: 'Fastly API token', make: () => pick(B64URL, 32) },
  'tfc-token': {
    kind: 'terraform-cloud-token',
    title: 'Terraform Cloud / HCP Terraform API token',
    make: () => `${pick(ALNUM, 14)}.atlasv1.${pick(ALNUM, 67)}`,
  },
  'vault-token': {
    kind: 'vault-token',
    title: 'HashiCorp Vault service token',
    make: () => `hvs.CAESI${pick(B64URL, 86)}`,
  },
  'vault-batch': {
    kind: 'vault-token',
    title: 'HashiCorp Vault batch token',
    make: () => `hvb.AAAAAQ${pick(B64URL, 130)}`,
  },
  'doppler-token': {
    kind: 'doppler-token',
    title: 'Doppler service token',
    make: () => `dp.st.prd.${pick(ALNUM, 43)}`,
  },
  'doppler-pat': {
    kind: 'doppler-token',
    title: 'Doppler personal token',
    make: () => `dp.pt.${pick(ALNUM, 43)}`,
  },
  'pulumi-token': { kind: 'pulumi-token', title: 'Pulumi access token', make: () => `pul-${pick(HEX, 40)}` },
  'tailscale-key': {
    kind: 'tailscale-auth-key',
    title: 'Tailscale auth key',
    make: () => `tskey-auth-${pick(ALNUM, 11)}CNTRL-${pick(ALNUM, 33)}`,
  },
  'databricks-token': {
    kind: 'databricks-token',
    title: 'Databricks personal access token',
    make: () => `dapi${pick(HEX, 32)}`,
  },
  'planetscale-token': {
    kind: 'planetscale-token',
    title: 'PlanetScale service token',
    make: () => `pscale_tkn_${pick(B64URL, 43)}`,
  },
  'planetscale-password': {
    kind: 'planetscale-password',
    title: 'PlanetScale database password',
    make: () => `pscale_pw_${pick(B64URL, 43)}`,
  },
  'supabase-pat': {
    kind: 'supabase-access-token',
    title: 'Supabase personal access token',
    make: () => `sbp_${pick(HEX, 40)}`,
  },
  'age-key': {
    kind: 'age-secret-key',
    title: 'age encryption secret key',
    make: () => `AGE-SECRET-KEY-1${pick(BECH32_UPPER, 58)}`,
  },
  'op-service-account': {
    kind: '1password-service-account-token',
    title: '1Password service account token',
    make: () =>
      `ops_${Buffer.from(
        JSON.stringify({
          signInAddress: 'acme-corp.1password.com',
          userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: b64url(16) },
          email: `${pick(LOWER, 12)}@1passwordserviceaccounts.com`,
          srpX: pick(HEX, 64),
          muk: {
            alg: 'A256GCM',
            ext: true,
            k: b64url(32),
            key_ops: ['encrypt', 'decrypt'],
            kty: 'oct',
            kid: 'mp',
          },
          secretKey: `A3-${pick(ALNUM.toUpperCase(), 6)}-${pick(ALNUM.toUpperCase(), 6)}`,
          deviceUuid: pick(LOWER + '0123456789', 26),
        }),
      ).toString('base64url')}`,
  },
  'mongodb-atlas-private-key': {
    kind: 'mongodb-atlas-api-key',
    title: 'MongoDB Atlas programmatic API private key',
    make: () => {
      const h = pick(HEX, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  },
};
