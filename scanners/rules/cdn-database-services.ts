import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

const ATLAS_KEYS = 'https://www.mongodb.com/docs/atlas/configure-api-access/';

/** Edge/CDN platforms and managed-database control planes (their admin APIs, not database users). */
export const rules = defineRules([
  {
    id: 'fastly-api-token',
    title: 'Fastly API token',
    provider: 'Fastly',
    severity: 'high',
    keywords: ['fastly'],
    // 32 URL-safe characters with no prefix: a Fastly name (FASTLY_API_TOKEN, the Fastly-Key header) must
    // introduce the value.
    pattern: assignment(String.raw`fastly${GAP}(?:api[_-]?)?(?:token|key)`, '[A-Za-z0-9_-]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation:
      'Delete the token under Account > API tokens in the Fastly control panel and create a new one.',
    docs: 'https://www.fastly.com/documentation/guides/account-info/account-management/using-api-tokens/',
    examples: {
      positive: [
        'FASTLY_API_TOKEN=MBxu4MPT6BJuEdUozh8KY2SjBT0J_LMH',
        'curl -X POST -H "Fastly-Key: YdwltRgMS5aRkuntOPk53bhNIFhl003k" https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY/purge_all',
        'fastly_api_key = "jLuwhhKvJReAJCIn7OrPHoe0RAZW-g71"',
      ],
      negative: [
        'FASTLY_SERVICE_ID=kEhX9lwMTZ3yD3LqITGHPEuDV6e5LAQv',
        'curl -H "Fastly-Key: YOUR_FASTLY_TOKEN" https://api.fastly.com/service',
        'FASTLY_API_TOKEN=${{ secrets.FASTLY_API_TOKEN }}',
        'FASTLY_API_TOKEN=MBxu4MPT6BJuEdUozh8KY2SjBT0J_LMHqq7',
      ],
    },
  },
  {
    id: 'mongodb-atlas-api-private-key',
    title: 'MongoDB Atlas Admin API private key',
    provider: 'MongoDB',
    severity: 'high',
    keywords: ['atlas', 'mcli'],
    // The private half of a programmatic API key is a UUID; the 8-letter public half is not secret. The
    // Atlas CLI reads MCLI_PRIVATE_API_KEY, Terraform MONGODB_ATLAS_PRIVATE_KEY.
    pattern: assignment(String.raw`(?:atlas|mcli)${GAP}private${GAP}key`, UUID),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation:
      'Delete the API key under Organization Access Manager > Applications > API Keys in Atlas and create a new one.',
    docs: ATLAS_KEYS,
    examples: {
      positive: [
        'export MONGODB_ATLAS_PRIVATE_KEY=2f9eb33a-099b-49ec-98cf-e46d7146e0e7',
        'MCLI_PRIVATE_API_KEY="75f92310-7c57-4c62-8fcb-26c78b57cbb7"',
        'atlas_private_key: 06cac398-f3d7-4447-9a4b-8c0e03fe85c1',
      ],
      negative: [
        'MONGODB_ATLAS_PUBLIC_KEY=ejbmggze',
        'MONGODB_ATLAS_PROJECT_ID=2f9eb33a-099b-49ec-98cf-e46d7146e0e7',
        'MONGODB_ATLAS_PRIVATE_KEY=${{ secrets.MONGODB_ATLAS_PRIVATE_KEY }}',
      ],
    },
  },
  {
    id: 'mongodb-atlas-terraform-private-key',
    title: 'MongoDB Atlas Admin API private key in a Terraform provider block',
    provider: 'MongoDB',
    severity: 'high',
    keywords: ['mongodbatlas'],
    // `provider "mongodbatlas" { public_key = … private_key = … }`: the block names the provider, the
    // attribute alone does not.
    pattern: new RegExp(
      String.raw`provider[ \t]+"mongodbatlas"[ \t]*\{[ \t]*\r?\n(?:[^\r\n]{0,200}\r?\n){0,8}?[ \t]*private_key[ \t]*=[ \t]*"(?<secret>${UUID})"`,
    ),
    window: { before: 20, after: 1200, multiline: true },
    minEntropy: 3,
    remediation:
      'Delete the API key under Organization Access Manager > Applications > API Keys in Atlas and create a new one.',
    docs: 'https://registry.terraform.io/providers/mongodb/mongodbatlas/latest/docs',
    examples: {
      positive: [
        'provider "mongodbatlas" {\n  public_key  = "ejbmggze"\n  private_key = "1549b9f8-e894-4d5c-8bdb-994cd8eafdee"\n}',
        'provider "mongodbatlas" {\n  # org-level key for the platform team\n  private_key = "e4d19dee-f1e5-43f9-ad05-b96098f5e6a3"\n  public_key  = "qhtrpwvx"\n}',
      ],
      negative: [
        'provider "mongodbatlas" {\n  public_key  = var.atlas_public_key\n  private_key = var.atlas_private_key\n}',
        'provider "vault" {\n  private_key = "1549b9f8-e894-4d5c-8bdb-994cd8eafdee"\n}',
      ],
    },
  },
  {
    id: 'mongodb-atlas-service-account-secret',
    title: 'MongoDB Atlas service account client secret',
    provider: 'MongoDB',
    severity: 'high',
    keywords: ['mdb_sa_sk_'],
    pattern: /(?<![A-Za-z0-9_])mdb_sa_sk_[A-Za-z0-9_-]{32,64}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    remediation:
      'Revoke the secret on the service account under Organization Access Manager > Applications in Atlas and generate a new one.',
    docs: ATLAS_KEYS,
    examples: {
      positive: [
        'ATLAS_CLIENT_SECRET=mdb_sa_sk_gFug2jkiByTvQCOrT2wFlEXAnklcZ8CnEyayOG9j',
        '"clientSecret": "mdb_sa_sk_ii5_iRSyhjUGT2QiwMMBTePdWKBlxoYSLUrAobrf"',
      ],
      negative: [
        // The client id is the public half.
        'ATLAS_CLIENT_ID=mdb_sa_id_6a5d80e8575ac46d09f118d9',
        'ATLAS_CLIENT_SECRET=mdb_sa_sk_…',
        'ATLAS_CLIENT_SECRET=mdb_sa_sk_2n9xoRBmBbBp2liQ',
      ],
    },
  },
]);
