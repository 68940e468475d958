import type { Rule } from '../engine/types.js';
import { defineRules } from './define.js';
import { rules as contextual } from './ai-contextual.js';

/** A rule for a token that is recognised by its own prefix alone. */
function prefixed(
  fields: Omit<Rule, 'pattern' | 'minEntropy' | 'examples'>,
  pattern: RegExp,
  positive: string[],
  negative: string[],
): Rule {
  return { ...fields, pattern, minEntropy: 3.5, examples: { positive, negative } };
}

const OPENAI_KEYS = 'https://platform.openai.com/docs/api-reference/authentication';
const OPENAI_REVOKE = 'Revoke the key on the API keys page of the OpenAI platform and create a new one.';

/** Model providers, inference platforms, vector databases and ML experiment trackers. */
export const rules = defineRules([
  prefixed(
    {
      id: 'openai-project-key',
      title: 'OpenAI project API key',
      provider: 'OpenAI',
      severity: 'high',
      keywords: ['sk-proj-'],
      remediation: OPENAI_REVOKE,
      docs: OPENAI_KEYS,
    },
    /(?<![A-Za-z0-9_-])sk-proj-[A-Za-z0-9_-]{40,250}(?![A-Za-z0-9_-])/,
    [
      'OPENAI_API_KEY=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',
      'client = OpenAI(api_key="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")',
    ],
    ['OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'OPENAI_API_KEY=sk-proj-...'],
  ),
  prefixed(
    {
      id: 'openai-service-account-key',
      title: 'OpenAI service account API key',
      provider: 'OpenAI',
      severity: 'high',
      keywords: ['sk-svcacct-'],
      remediation: OPENAI_REVOKE,
      docs: OPENAI_KEYS,
    },
    /(?<![A-Za-z0-9_-])sk-svcacct-[A-Za-z0-9_-]{40,250}(?![A-Za-z0-9_-])/,
    [
      'OPENAI_API_KEY=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',
      'openai:\n  api_key: "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"',
    ],
    ['OPENAI_API_KEY=sk-svcacct-<key>', 'OPENAI_API_KEY=sk-svcacct-abc'],
  ),
  prefixed(
    {
      id: 'openai-admin-key',
      title: 'OpenAI admin API key',
      provider: 'OpenAI',
      severity: 'critical',
      keywords: ['sk-admin-'],
      remediation: 'Delete the admin key under Organization settings > Admin keys on the OpenAI platform.',
      docs: 'https://platform.openai.com/docs/api-reference/administration',
    },
    /(?<![A-Za-z0-9_-])sk-admin-[A-Za-z0-9_-]{40,250}(?![A-Za-z0-9_-])/,
    [
      'OPENAI_ADMIN_KEY=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',
      "headers = {'Authorization': 'Bearer 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'}",
    ],
    [
      'OPENAI_ADMIN_KEY=sk-admin-...',
      'OPENAI_ADMIN_KEY=sk-admin-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    ],
  ),
  prefixed(
    {
      id: 'openai-api-key',
      title: 'OpenAI API key (user or legacy format)',
      provider: 'OpenAI',
      severity: 'high',
      // Every OpenAI secret key embeds "OpenAI" in base64.
      keywords: ['t3blbkfj'],
      remediation: OPENAI_REVOKE,
      docs: OPENAI_KEYS,
    },
    /(?<![A-Za-z0-9_-])sk-(?!proj-|svcacct-|admin-)[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160}(?![A-Za-z0-9_-])/,
    [
      'OPENAI_API_KEY=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',
      'openai.api_key = "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"',
    ],
    [
      'OPENAI_API_KEY=sk-RWVhOsjYmJM2ijBuI9R7SGjax0QQjm6DohoJ3StMab',
      'OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx',
    ],
  ),
  prefixed(
    {
      id: 'anthropic-api-key',
      title: 'Anthropic API key',
      provider: 'Anthropic',
      severity: 'high',
      keywords: ['sk-ant-api', 'sk-ant-oat'],
      remediation: 'Disable and delete the key in the Claude Console (Settings > API keys).',
      docs: 'https://docs.anthropic.com/en/api/getting-started',
    },
    /(?<![A-Za-z0-9_-])sk-ant-(?:api|oat)[0-9]{2}-[A-Za-z0-9_-]{80,100}AA(?![A-Za-z0-9_-])/,
    [
      'ANTHROPIC_API_KEY=sk-ant-api03-4JWjLtcvLqMVKxsOCpfM7TW8TDZcc2NkMVVk74vSCPEvP22rgPTdkB3WycUjk4GUHgtbornzRit02dEDFHMZl85ZMw7YiAA',
      'client = anthropic.Anthropic(api_key="sk-ant-api03-31xzbNynb2_wR8yJ3EvnQqCMbD0c4IL6dKYuqR2eiEVlZRH8snr_2gQ2pkADw49Q6moTJxNFiBiRqdpmMvgVnZCH_8AGDAA")',
    ],
    [
      'ANTHROPIC_API_KEY=sk-ant-api03-...',
      'ANTHROPIC_API_KEY=sk-ant-api03-4JWjLtcvLqMVKxsOCpfM7TW8TDZcc2NkMVVk74vSCPEvP22rgPTdkB3WycUjk4GUHgtbornzRit02dEDFHMZl85ZMw7YiBB',
    ],
  ),
  prefixed(
    {
      id: 'anthropic-admin-key',
      title: 'Anthropic Admin API key',
      provider: 'Anthropic',
      severity: 'critical',
      keywords: ['sk-ant-admin'],
      remediation: 'Delete the admin key in the Claude Console (Settings > Admin keys).',
      docs: 'https://docs.anthropic.com/en/api/administration-api',
    },
    /(?<![A-Za-z0-9_-])sk-ant-admin[0-9]{2}-[A-Za-z0-9_-]{80,100}AA(?![A-Za-z0-9_-])/,
    [
      'ANTHROPIC_ADMIN_KEY=sk-ant-admin01-I40dOywauf0-9a2XfbSrrrFLSRizt3isr8kIV7V2d1y7iyw0YJmTjzpWDTP5sgdSpOmLEuVowebYA9kk8EA8-si9A5fPcAA',
      '-H "x-api-key: sk-ant-admin01-I40dOywauf0-9a2XfbSrrrFLSRizt3isr8kIV7V2d1y7iyw0YJmTjzpWDTP5sgdSpOmLEuVowebYA9kk8EA8-si9A5fPcAA"',
    ],
    ['ANTHROPIC_ADMIN_KEY=sk-ant-admin01-test', 'SecureField("Admin API key (sk-ant-admin01-...)")'],
  ),
  prefixed(
    {
      id: 'huggingface-access-token',
      title: 'Hugging Face user access token',
      provider: 'Hugging Face',
      severity: 'high',
      keywords: ['hf_'],
      remediation:
        'Invalidate the token under Settings > Access Tokens on huggingface.co and create a new one.',
      docs: 'https://huggingface.co/docs/hub/security-tokens',
    },
    /(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9_])/,
    [
      'HF_TOKEN=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',
      'login(token="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")',
    ],
    ['HF_TOKEN=hf_...', 'def hf_load_pretrained_model_weights_from_hub_cache(): pass'],
  ),
  prefixed(
    {
      id: 'huggingface-org-token',
      title: 'Hugging Face organization API token',
      provider: 'Hugging Face',
      severity: 'high',
      keywords: ['api_org_'],
      remediation: 'Regenerate the organization API token in the organization settings on huggingface.co.',
      docs: 'https://huggingface.co/docs/hub/security-tokens',
    },
    /(?<![A-Za-z0-9_])api_org_[A-Za-z]{34}(?![A-Za-z0-9_])/,
    [
      'HF_ORG_TOKEN=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',
      '"token": "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"',
    ],
    [
      'HF_ORG_TOKEN=api_org_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'api_org_members_list_endpoint_handler = None',
    ],
  ),
  prefixed(
    {
      id: 'replicate-api-token',
      title: 'Replicate API token',
      provider: 'Replicate',
      severity: 'high',
      keywords: ['r8_'],
      remediation: 'Revoke the token on replicate.com/account/api-tokens and create a new one.',
      docs: 'https://replicate.com/docs/topics/security/api-tokens',
    },
    /(?<![A-Za-z0-9_])r8_[A-Za-z0-9]{37}(?![A-Za-z0-9_])/,
    [
      'REPLICATE_API_TOKEN=r8_QIGMPL7DH6kQEY4gieodV6MbIEByNeEijskGI',
      "replicate.Client(api_token='r8_ye8fMZlbHYBwAPGgzRHWcMaimkD2SjUdxMReJ')",
    ],
    ['REPLICATE_API_TOKEN=r8_...', 'REPLICATE_API_TOKEN=r8_QIGMPL7DH6kQEY4gie'],
  ),
  prefixed(
    {
      id: 'groq-api-key',
      title: 'Groq API key',
      provider: 'Groq',
      severity: 'high',
      keywords: ['gsk_'],
      remediation: 'Delete the key on console.groq.com/keys and create a new one.',
      docs: 'https://console.groq.com/docs/quickstart',
    },
    /(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9_])/,
    [
      'GROQ_API_KEY=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',
      'client = Groq(api_key="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")',
    ],
    ['GROQ_API_KEY=gsk_...', 'GROQ_API_KEY=gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  ),
  prefixed(
    {
      id: 'perplexity-api-key',
      title: 'Perplexity API key',
      provider: 'Perplexity',
      severity: 'high',
      keywords: ['pplx-'],
      remediation: 'Delete the key under API settings on perplexity.ai and generate a new one.',
      docs: 'https://docs.perplexity.ai/guides/getting-started',
    },
    /(?<![A-Za-z0-9_-])pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9_-])/,
    [
      'PERPLEXITY_API_KEY=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',
      '"apiKey": "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"',
    ],
    ['PERPLEXITY_API_KEY=pplx-...', 'model: pplx-70b-online'],
  ),
  prefixed(
    {
      id: 'xai-api-key',
      title: 'xAI API key',
      provider: 'xAI',
      severity: 'high',
      keywords: ['xai-'],
      remediation: 'Delete the key in the xAI console (API Keys) and create a new one.',
      docs: 'https://docs.x.ai/docs/overview',
    },
    /(?<![A-Za-z0-9_-])xai-[A-Za-z0-9]{80}(?![A-Za-z0-9_-])/,
    [
      'XAI_API_KEY=xai-hP22Jm3gjhg6ED1FFCl6HHUV9XGnX8ilXk5ViGQDjZY5Gx9xqHctw6WmNQ73mAbPfu9JxzcVP4f4dfFk',
      'client = Client(api_key="xai-zWw71nMwRI0xMs2hwlkg1uE19M6O73igrfUzoo8JucyeOi9C1ybGQTMSjT0rWzRVNDsh1ErNjA6StKFK")',
    ],
    [
      'XAI_API_KEY=xai-...',
      'import xai-sdk-python-client-library-for-grok-models-and-more-things-to-come-soon',
    ],
  ),
  prefixed(
    {
      id: 'openrouter-api-key',
      title: 'OpenRouter API key',
      provider: 'OpenRouter',
      severity: 'high',
      keywords: ['sk-or-v1-'],
      remediation: 'Delete the key on openrouter.ai/settings/keys and create a new one.',
      docs: 'https://openrouter.ai/docs/api-reference/authentication',
    },
    /(?<![A-Za-z0-9_-])sk-or-v1-[a-f0-9]{64}(?![A-Za-z0-9_-])/,
    [
      'OPENROUTER_API_KEY=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',
      'Authorization: Bearer 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',
    ],
    ['OPENROUTER_API_KEY=sk-or-v1-...', 'OPENROUTER_API_KEY=sk-or-v1-5be451bb78e62248c3b08d7f07b2b7c3'],
  ),
  prefixed(
    {
      id: 'pinecone-api-key',
      title: 'Pinecone API key',
      provider: 'Pinecone',
      severity: 'high',
      keywords: ['pcsk_'],
      remediation: 'Delete the key under API Keys in the Pinecone console and create a new one.',
      docs: 'https://docs.pinecone.io/guides/projects/manage-api-keys',
    },
    /(?<![A-Za-z0-9_])pcsk_[A-Za-z0-9]{5,7}_[A-Za-z0-9]{60,66}(?![A-Za-z0-9_])/,
    [
      'PINECONE_API_KEY=pcsk_aVgRou_m9hIhsbMT0dqEX56EaRZVJrZ70T0YZG3IrHMiTR8l9S7Tx0Hhnz570M7KbmvyuU',
      "pc = Pinecone(api_key='pcsk_Dv8wyM_NNojFHo0uePdCseveYqPRtEE42lfq8n7Z5UELiI4gsrC2s3KA8BwDFyXEELShID')",
    ],
    ['PINECONE_API_KEY=pcsk_...', 'placeholder: "pcsk_xxxxxx_xxxxxxxx"'],
  ),
  prefixed(
    {
      id: 'langsmith-api-key',
      title: 'LangSmith personal access token or service key',
      provider: 'LangChain',
      severity: 'high',
      keywords: ['lsv2_'],
      remediation: 'Delete the key under Settings > API Keys in LangSmith and create a new one.',
      docs: 'https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key',
    },
    /(?<![A-Za-z0-9_])lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}(?![A-Za-z0-9_])/,
    [
      'LANGCHAIN_API_KEY=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',
      'LANGSMITH_API_KEY="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"',
    ],
    ['LANGSMITH_API_KEY=lsv2_pt_...', 'LANGSMITH_API_KEY=lsv2_pt_87caf34309d83ec6f9e9a8d09aed1c6a'],
  ),
  prefixed(
    {
      id: 'wandb-api-key-v1',
      title: 'Weights & Biases API key',
      provider: 'Weights & Biases',
      severity: 'high',
      keywords: ['wandb_v1_'],
      remediation: 'Revoke the key under User settings > API keys on wandb.ai and create a new one.',
      docs: 'https://docs.wandb.ai/guides/track/environment-variables/',
    },
    /(?<![A-Za-z0-9_])wandb_v1_[A-Za-z0-9]{27}_[A-Za-z0-9]{49}(?![A-Za-z0-9_])/,
    [
      'export WANDB_API_KEY=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',
      'wandb.login(key="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")',
    ],
    ['WANDB_API_KEY=wandb_v1_xxxxx', 'WANDB_API_KEY=wandb_v1_8zMRprytNt6ZJMpKORO5hCtVW9S'],
  ),
  prefixed(
    {
      id: 'tavily-api-key',
      title: 'Tavily API key',
      provider: 'Tavily',
      severity: 'high',
      keywords: ['tvly-'],
      remediation: 'Delete the key in the Tavily dashboard and create a new one.',
      docs: 'https://docs.tavily.com/documentation/quickstart',
    },
    /(?<![A-Za-z0-9_-])tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}(?![A-Za-z0-9_-])/,
    [
      'TAVILY_API_KEY=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',
      'tavily = TavilyClient(api_key="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")',
    ],
    ['TAVILY_API_KEY=tvly-...', 'TAVILY_API_KEY=tvly-YOUR_API_KEY'],
  ),
  ...contextual,
]);
