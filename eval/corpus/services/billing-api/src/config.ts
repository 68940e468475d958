import { z } from 'zod';

const Env = z.object({
  DATABASE_URL: z.string().url(),
  STRIPE_SECRET_KEY: z.string().startsWith('sk_'),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_'),
  SENDGRID_API_KEY: z.string().min(20),
  JWT_SECRET: z.string().min(32),
});

const env = Env.parse(process.env);

export const config = {
  databaseUrl: env.DATABASE_URL,
  testDatabaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@localhost:5432/billing_test',
  stripe: {
    secretKey: env.STRIPE_SECRET_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    apiVersion: '2023-10-16' as const,
    maxNetworkRetries: 2,
  },
  sendgrid: {
    apiKey: env.SENDGRID_API_KEY,
    templates: { invoice: 'd-72b5bb7f79859f2f94b5a561d86f7cc5', dunning: 'd-1069677b256f505c3d4b3603da6e446f' },
  },
  // TODO(mkoval): move to secrets manager once OPS-1190 lands; the env var is not set in staging yet
  slackWebhookUrl: process.env.SLACK_WEBHOOK_URL || 'https://hooks.slack.com/services/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',
  jwt: { secret: env.JWT_SECRET, issuer: process.env.JWT_ISSUER ?? 'https://billing.acme-corp.io', ttl: '1h' },
  passwordPolicy: { minLength: 12, requireSymbol: true },
  tokenizerVersion: 3,
};

export type Config = typeof config;
