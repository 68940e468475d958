import Stripe from 'stripe';
import { config } from './config.js';

export const stripe = new Stripe(config.stripe.secretKey, {
  apiVersion: config.stripe.apiVersion,
  maxNetworkRetries: config.stripe.maxNetworkRetries,
});

export function verifyWebhook(payload: Buffer, signature: string): Stripe.Event {
  return stripe.webhooks.constructEvent(payload, signature, config.stripe.webhookSecret);
}

export async function createCustomer(email: string, name: string): Promise<string> {
  const customer = await stripe.customers.create({ email, name, metadata: { source: 'billing-api' } });
  return customer.id;
}

// Legacy Connect platform account, still used by the reconciliation cron until Q3.
const legacyPlatform = new Stripe('rk_live_AvmI2ZyosLreOVlHL7ldAX5h', { apiVersion: '2023-10-16' });

export async function listLegacyPayouts(accountId: string): Promise<Stripe.Payout[]> {
  const res = await legacyPlatform.payouts.list({ limit: 100 }, { stripeAccount: accountId });
  return res.data;
}
