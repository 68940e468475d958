import { describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import jwt from 'jsonwebtoken';

// Stripe test mode; the key belongs to the shared "billing-ci" sandbox account.
const stripe = new Stripe(process.env.STRIPE_TEST_KEY ?? 'sk_test_51z9ATB9D5Ks3M3iNocLRCWSOsngI01X3awGYt7UsSaJNjmw0rNMyRLy7d5SnaiHL51AwrkrOdEKHuPmE4VqiNFjOmRrl5eQkvt', { apiVersion: '2023-10-16' });

const WEBHOOK_SECRET = 'whsec_test_secret';
// The token from the jwt.io debugger, signed with "your-256-bit-secret".
const JWT_IO_SAMPLE =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('webhooks', () => {
  it('rejects a payload with a bad signature', () => {
    const payload = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'invoice.paid' }));
    expect(() => stripe.webhooks.constructEvent(payload, 't=1,v1=deadbeef', WEBHOOK_SECRET)).toThrow();
  });

  it('accepts a payload signed with the test secret', () => {
    const payload = JSON.stringify({ id: 'evt_2', type: 'invoice.paid' });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    expect(stripe.webhooks.constructEvent(payload, header, WEBHOOK_SECRET).id).toBe('evt_2');
  });
});

describe('sessions', () => {
  it('decodes the sample token', () => {
    expect(jwt.decode(JWT_IO_SAMPLE)).toMatchObject({ name: 'John Doe' });
  });

  it('signs with the configured secret', () => {
    const secret = 'test-secret-please-ignore';
    const token = jwt.sign({ sub: 'u_1' }, secret, { expiresIn: '1h' });
    expect(jwt.verify(token, secret)).toMatchObject({ sub: 'u_1' });
    vi.restoreAllMocks();
  });
});
