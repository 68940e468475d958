import { defineRules } from './define.js';

/** Infrastructure clouds beyond AWS, Google Cloud and Azure. Included by cloud-platforms.ts. */

const ASSIGN = String.raw`["']?\s*(?::=|=>|[:=])\s*["']?`;
const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
const ALIBABA_ROTATE =
  'Disable and delete the AccessKey pair in the RAM console (Users > AccessKey) and move workloads to RAM roles or STS.';

export const rules = defineRules([
  {
    id: 'linode-api-token',
    title: 'Linode (Akamai Cloud) personal access token',
    provider: 'Linode',
    severity: 'critical',
    keywords: ['linode'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])linode[\w.-]{0,20}?(?:token|api[_-]?key|pat)${ASSIGN}(?<secret>[a-f0-9]{64})(?![A-Za-z0-9])`,
      'i',
    ),
    window: { before: 5, after: 110 },
    minEntropy: 3,
    remediation: 'Revoke the token in Cloud Manager (My Profile > API Tokens).',
    docs: 'https://techdocs.akamai.com/linode-api/reference/get-started',
    examples: {
      positive: [
        'export LINODE_TOKEN=eb5f01d5b162e248522339b0ac1d98a1edc5840e933e80b1b9f6675c3d8ecff8',
        'linode_cli_token = "eb5f01d5b162e248522339b0ac1d98a1edc5840e933e80b1b9f6675c3d8ecff8"',
      ],
      negative: [
        'LINODE_TOKEN=${{ secrets.LINODE_TOKEN }}',
        'linode_image_sha = "eb5f01d5b162e248522339b0ac1d98a1edc5840e933e80b1b9f6675c3d8ecff8"',
      ],
    },
  },
  {
    id: 'alibaba-access-key-id',
    title: 'Alibaba Cloud AccessKey ID',
    provider: 'Alibaba Cloud',
    severity: 'high',
    keywords: ['ltai'],
    pattern: /(?<![A-Za-z0-9])(?<secret>LTAI[A-Za-z0-9]{12,20})(?![A-Za-z0-9])/,
    window: { before: 1, after: 30 },
    minEntropy: 3.5,
    remediation: ALIBABA_ROTATE,
    docs: 'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair',
    examples: {
      positive: [
        'ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI2qtBSeriyoZsnBB4o097',
        'access_key: "LTAI5tYvCbfdiTQ8DlaEgunt"',
      ],
      negative: ['ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI2qtB', 'ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIXXXXXXXXXXXXXXXX'],
    },
  },
  {
    id: 'alibaba-access-key-secret',
    title: 'Alibaba Cloud AccessKey secret',
    provider: 'Alibaba Cloud',
    severity: 'critical',
    keywords: ['alibaba', 'aliyun', 'alicloud', 'access_key_secret', 'accesskeysecret'],
    pattern: new RegExp(
      String.raw`(?:(?<![a-z0-9])(?:alibaba[_-]?cloud|alibaba|aliyun|alicloud)[\w.-]{0,25}?secret[\w-]{0,10}?|access_?key_?secret)${ASSIGN}(?<secret>[A-Za-z0-9]{30})(?![A-Za-z0-9])`,
      'i',
    ),
    window: { before: 5, after: 100 },
    minEntropy: 3.8,
    remediation: ALIBABA_ROTATE,
    docs: 'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair',
    examples: {
      positive: [
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET=8CEKZ2Utji2BUkmjUsCfHG3cmRfLN5',
        '"AccessKeySecret": "8CEKZ2Utji2BUkmjUsCfHG3cmRfLN5"',
      ],
      negative: [
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET=${ALIYUN_SECRET}',
        'ALIBABA_CLOUD_ACCESS_KEY_SECRET=8CEKZ2Utji2BUkmj',
      ],
    },
  },
  {
    id: 'tencent-cloud-secret-id',
    title: 'Tencent Cloud SecretId',
    provider: 'Tencent Cloud',
    severity: 'high',
    keywords: ['akid'],
    pattern: /(?<![A-Za-z0-9])(?<secret>AKID[A-Za-z0-9]{32})(?![A-Za-z0-9])/,
    window: { before: 1, after: 40 },
    minEntropy: 3.8,
    remediation:
      'Disable and delete the API key in the CAM console (Access Key > API Keys) and move workloads to CAM roles.',
    docs: 'https://www.tencentcloud.com/document/product/598/34228',
    examples: {
      positive: [
        'TENCENTCLOUD_SECRET_ID=AKIDvf3C6Z5zkDMdmpHVBo3EG6CEDydwUpqe',
        'secret_id = "AKIDvf3C6Z5zkDMdmpHVBo3EG6CEDydwUpqe"',
      ],
      negative: [
        'TENCENTCLOUD_SECRET_ID=AKIDvf3C6Z5zkDMdmp',
        'export AWS_ACCESS_KEY_ID=AKIDXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      ],
    },
  },
  {
    id: 'tencent-cloud-secret-key',
    title: 'Tencent Cloud SecretKey',
    provider: 'Tencent Cloud',
    severity: 'critical',
    keywords: ['tencent', 'qcloud'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])(?:tencent[_-]?cloud|tencent|qcloud)[\w.-]{0,20}?secret[_-]?key${ASSIGN}(?<secret>[A-Za-z0-9]{32})(?![A-Za-z0-9])`,
      'i',
    ),
    window: { before: 5, after: 90 },
    minEntropy: 3.8,
    remediation:
      'Disable and delete the API key in the CAM console (Access Key > API Keys) and move workloads to CAM roles.',
    docs: 'https://www.tencentcloud.com/document/product/598/34228',
    examples: {
      positive: [
        'TENCENTCLOUD_SECRET_KEY=fJBqvr3CBzAeMAKnSrRtIBytiwOLDBCw',
        'qcloud_secret_key: "fJBqvr3CBzAeMAKnSrRtIBytiwOLDBCw"',
      ],
      negative: [
        'TENCENTCLOUD_SECRET_KEY=${TENCENT_KEY}',
        'TENCENTCLOUD_SECRET_ID=AKIDvf3C6Z5zkDMdmpHVBo3EG6CEDydwUpqe',
      ],
    },
  },
  {
    id: 'scaleway-access-key',
    title: 'Scaleway access key',
    provider: 'Scaleway',
    severity: 'medium',
    keywords: ['scw'],
    pattern: /(?<![A-Za-z0-9])(?<secret>SCW[A-Z0-9]{17})(?![A-Za-z0-9])/,
    window: { before: 1, after: 25 },
    minEntropy: 3.3,
    remediation: 'Delete the API key in the Scaleway console (IAM > API keys).',
    docs: 'https://www.scaleway.com/en/docs/iam/concepts/#api-key',
    examples: {
      positive: ['SCW_ACCESS_KEY=SCWX68SFBA3RE4H7RRW0', 'access_key: "SCWX68SFBA3RE4H7RRW0"'],
      negative: ['SCW_ACCESS_KEY=SCWX68SFBA3', 'SCW_DEFAULT_REGION=fr-par'],
    },
  },
  {
    id: 'scaleway-secret-key',
    title: 'Scaleway secret key',
    provider: 'Scaleway',
    severity: 'critical',
    keywords: ['scw_secret_key', 'scaleway'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])(?:scw_?secret_?key|scaleway[\w.-]{0,20}?secret[_-]?key)${ASSIGN}(?<secret>${UUID})(?![0-9a-f-])`,
      'i',
    ),
    window: { before: 5, after: 80 },
    minEntropy: 3,
    remediation: 'Delete the API key in the Scaleway console (IAM > API keys) and create a new one.',
    docs: 'https://www.scaleway.com/en/docs/iam/concepts/#api-key',
    examples: {
      positive: [
        'SCW_SECRET_KEY=ad7249fd-9604-44a3-a8f0-a045d0608389',
        'scaleway_secret_key = "ad7249fd-9604-44a3-a8f0-a045d0608389"',
      ],
      negative: [
        'SCW_DEFAULT_PROJECT_ID=ad7249fd-9604-44a3-a8f0-a045d0608389',
        'SCW_SECRET_KEY=${SCW_SECRET_KEY}',
      ],
    },
  },
  {
    id: 'ibm-cloud-api-key',
    title: 'IBM Cloud API key',
    provider: 'IBM Cloud',
    severity: 'critical',
    keywords: ['ibmcloud_api_key', 'ibm_cloud_api_key', 'ic_api_key', 'ibm_api_key', 'ibmcloudapikey'],
    pattern: new RegExp(
      String.raw`(?<![a-z0-9])(?:ibm[_-]?cloud[_-]?api[_-]?key|ic[_-]?api[_-]?key|ibm[_-]?api[_-]?key)${ASSIGN}(?<secret>[A-Za-z0-9_-]{44})(?![A-Za-z0-9_-])`,
      'i',
    ),
    window: { before: 5, after: 80 },
    minEntropy: 4,
    remediation: 'Delete the API key in the IBM Cloud console (Manage > Access (IAM) > API keys).',
    docs: 'https://cloud.ibm.com/docs/account?topic=account-userapikey',
    examples: {
      positive: [
        'IBMCLOUD_API_KEY=VyMOlt3AwX5MBCTh3r14jHfHUTqTNA9oyQJDP2cO3YCy',
        'ibmcloud_api_key = "VyMOlt3AwX5MBCTh3r14jHfHUTqTNA9oyQJDP2cO3YCy"',
      ],
      negative: ['IBMCLOUD_API_KEY=${IBMCLOUD_API_KEY}', 'IC_API_KEY=VyMOlt3AwX5MBCTh3r14'],
    },
  },
  {
    id: 'hetzner-cloud-token',
    title: 'Hetzner Cloud API token',
    provider: 'Hetzner',
    severity: 'high',
    keywords: ['hcloud_token', 'hcloud-token', 'hcloudtoken'],
    pattern:
      /(?<![a-z0-9])hcloud[_-]?token["']?\s*(?::=|=>|[:=])\s*["']?(?<secret>[A-Za-z0-9]{64})(?![A-Za-z0-9])/i,
    window: { before: 5, after: 90 },
    minEntropy: 4,
    remediation: 'Delete the token in the Hetzner Cloud console (project > Security > API tokens).',
    docs: 'https://docs.hetzner.cloud/#authentication',
    examples: {
      positive: [
        'export HCLOUD_TOKEN=Ku1kCEMOdQj6XhD0BXfrFIImy3oINxfdpaJF9gvgBzF8uLKD6Q0Y1ZQQMnrqM02j',
        'hcloud_token = "Ku1kCEMOdQj6XhD0BXfrFIImy3oINxfdpaJF9gvgBzF8uLKD6Q0Y1ZQQMnrqM02j"',
      ],
      negative: ['HCLOUD_TOKEN=${{ secrets.HCLOUD_TOKEN }}', 'HCLOUD_TOKEN=Ku1kCEMOdQj6XhD0BXfr'],
    },
  },
]);
