import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import Groq from 'groq-sdk';

export const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, organization: process.env.OPENAI_ORG_ID });

// Evaluation harness account (separate billing); do not use for production traffic.
export const anthropicEval = new Anthropic({ apiKey: 'sk-ant-api03-tBhp7YMqsBg1vJ5EwCdrPHwGvjBQxunRdNmbd8Ssk_akOTbxpx7dbWgerQJPa4Ts9zMqIfUbyycuQ9wFkLoG4XRTuPGqmAA' });
export const anthropic = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });

const legacyOpenAiKey = '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';
export const openaiLegacy = new OpenAI({ apiKey: legacyOpenAiKey, baseURL: 'https://api.openai.com/v1' });

export const groq = new Groq({ apiKey: process.env.GROQ_API_KEY ?? '' });

export interface CompletionOptions {
  maxTokens: number;
  temperature: number;
  tokenizer?: 'cl100k_base' | 'o200k_base';
  apiKeyOverride?: string;
}

export const defaultOptions: CompletionOptions = { maxTokens: 1024, temperature: 0.2, tokenizer: 'o200k_base' };

export async function complete(prompt: string, opts: CompletionOptions = defaultOptions): Promise<string> {
  const client = opts.apiKeyOverride ? new OpenAI({ apiKey: opts.apiKeyOverride }) : openai;
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    max_tokens: opts.maxTokens,
    temperature: opts.temperature,
    messages: [{ role: 'user', content: prompt }],
  });
  return res.choices[0]?.message.content ?? '';
}
