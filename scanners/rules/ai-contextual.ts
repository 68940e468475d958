import { defineRules } from './define.js';
import { ASSIGNMENT_WINDOW, GAP, UUID, assignment } from './assignment.js';

/** AI providers whose keys have no prefix of their own (or share a generic one such as `sk-`). */
export const rules = defineRules([
  {
    id: 'cohere-api-key',
    title: 'Cohere API key',
    provider: 'Cohere',
    severity: 'high',
    keywords: ['cohere', 'co_api_key'],
    pattern: assignment(String.raw`cohere${GAP}(?:key|token)|(?<![A-Za-z0-9])co_api_key`, '[A-Za-z0-9]{40}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation: 'Delete the key on dashboard.cohere.com/api-keys and create a new one.',
    docs: 'https://docs.cohere.com/reference/about',
    examples: {
      positive: [
        'COHERE_API_KEY=BA6h3TGryhHbzKYFjCmCRFStzVp6gO4H9PltvIhm',
        'co = cohere.Client(api_key="Ty6XtEnB8dSo1j0TVOJyIOgWVDHgAbWmb5WGNdVn")',
      ],
      negative: ['COHERE_API_KEY=<your-api-key>', 'COHERE_MODEL=command-r-plus-08-2024-aug-release-model'],
    },
  },
  {
    id: 'mistral-api-key',
    title: 'Mistral AI API key',
    provider: 'Mistral AI',
    severity: 'high',
    keywords: ['mistral'],
    pattern: assignment(String.raw`mistral${GAP}(?:key|token)`, '[A-Za-z0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3.5,
    remediation: 'Revoke the key under API Keys in the Mistral console (La Plateforme) and create a new one.',
    docs: 'https://docs.mistral.ai/getting-started/quickstart/',
    examples: {
      positive: [
        'MISTRAL_API_KEY=hy9tjFBLNIzZT67bT5MuElWuds3AYVU8',
        'mistral_key: "FdmCnX1ej3BDLZ6FiLo2rYOQ9XARWj1f"',
      ],
      negative: ['MISTRAL_API_KEY=${MISTRAL_API_KEY}', 'MISTRAL_MODEL=mistral-large-latest'],
    },
  },
  {
    id: 'deepseek-api-key',
    title: 'DeepSeek API key',
    provider: 'DeepSeek',
    severity: 'high',
    keywords: ['deepseek'],
    pattern: assignment(String.raw`deepseek${GAP}(?:key|token)`, 'sk-[a-f0-9]{32}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Delete the key on platform.deepseek.com/api_keys and create a new one.',
    docs: 'https://api-docs.deepseek.com/',
    examples: {
      positive: [
        'DEEPSEEK_API_KEY=sk-4ec4ecce7253ecda669574c7b84612bf',
        '"deepseekApiKey": "sk-111721995f0efb7d53a8e4c58488337a"',
      ],
      negative: [
        'OTHER_API_KEY=sk-4ec4ecce7253ecda669574c7b84612bf',
        'DEEPSEEK_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ],
    },
  },
  {
    id: 'elevenlabs-api-key',
    title: 'ElevenLabs API key',
    provider: 'ElevenLabs',
    severity: 'high',
    keywords: ['elevenlabs', 'eleven_labs', 'xi-api-key', 'xi_api_key'],
    pattern: /(?<![A-Za-z0-9_])sk_[a-f0-9]{48}(?![A-Za-z0-9_])/,
    window: { before: 200, after: 256 },
    minEntropy: 3,
    remediation: 'Delete the key under Developers > API Keys in ElevenLabs and create a new one.',
    docs: 'https://elevenlabs.io/docs/api-reference/authentication',
    examples: {
      positive: [
        'ELEVENLABS_API_KEY=sk_2d773c617d93f96c6836043205b067ed1934b6b142effba8',
        "headers = {'xi-api-key': 'sk_ed8de3d59c11ad1b2ff1c8f71e6cd06c02d6c64645b2cda4'}",
      ],
      negative: ['ELEVENLABS_API_KEY=sk_...', 'SOME_KEY=sk_2d773c617d93f96c6836043205b067ed1934b6b142effba8'],
    },
  },
  {
    id: 'pinecone-legacy-api-key',
    title: 'Pinecone API key (legacy UUID format)',
    provider: 'Pinecone',
    severity: 'high',
    keywords: ['pinecone'],
    pattern: assignment(String.raw`pinecone${GAP}(?:key|token)`, UUID),
    window: ASSIGNMENT_WINDOW,
    remediation: 'Delete the key under API Keys in the Pinecone console and create a new one.',
    docs: 'https://docs.pinecone.io/guides/projects/manage-api-keys',
    examples: {
      positive: [
        'PINECONE_API_KEY=2ea13de0-8b1a-4de0-a893-a53df99b4d01',
        '"pineconeApiKey": "8db391dc-5b82-4540-909e-f5b6b9ef1519"',
      ],
      negative: [
        'PINECONE_PROJECT_ID=2ea13de0-8b1a-4de0-a893-a53df99b4d01',
        'PINECONE_API_KEY=00000000-0000-0000-0000-000000000000',
      ],
    },
  },
  {
    id: 'wandb-api-key',
    title: 'Weights & Biases API key (40 hex)',
    provider: 'Weights & Biases',
    severity: 'high',
    keywords: ['wandb'],
    // .netrc entries for api.wandb.ai are reported by the netrc rule.
    pattern: assignment(String.raw`wandb${GAP}(?:key|token)`, '[a-f0-9]{40}'),
    window: ASSIGNMENT_WINDOW,
    minEntropy: 3,
    remediation: 'Revoke the key under User settings > API keys on wandb.ai and create a new one.',
    docs: 'https://docs.wandb.ai/guides/track/environment-variables/',
    examples: {
      positive: [
        'export WANDB_API_KEY=c7770bbeade68523a3d823ab67f558548888529d',
        'wandb.login(key="e6c9a880f3483665fb5ae391bee4dea8739fc2eb")',
      ],
      negative: [
        'WANDB_RUN_ID=c7770bbeade68523a3d823ab67f558548888529d',
        'WANDB_API_KEY=$(cat ~/.wandb_key)',
      ],
    },
  },
]);
