import { describe, expect, it } from '@jest/globals';
import { redact } from '../../../scanners/reports/redact.js';
import { SECRETS } from './fixtures.js';

function revealed(preview: string): string {
  return preview.slice(0, preview.indexOf('…'));
}

describe('redact', () => {
  it('shows up to four leading characters and the length', () => {
    expect(redact(SECRETS.github)).toBe(`ghp_…(${SECRETS.github.length} chars)`);
    expect(redact(SECRETS.generic)).toBe('48e2…(64 chars)');
  });

  it('never reveals more than a quarter of the secret', () => {
    for (let length = 0; length <= 40; length++) {
      const secret = 'Zq7Lw2Xp9Rk4Tn6Vb8Hc3Jd5Mf1Gs0Ya7Ue2Io4Pl'.slice(0, length);
      const shown = revealed(redact(secret));
      expect(shown.length).toBe(Math.min(4, Math.floor(length / 4)));
      expect(secret.startsWith(shown)).toBe(true);
      expect(redact(secret)).toContain(`(${length} chars)`);
    }
    expect(redact('')).toBe('…(0 chars)');
    expect(redact('k3Q')).toBe('…(3 chars)');
    expect(redact('k3Q9w2')).toBe('k…(6 chars)');
  });

  it('counts code points and never splits a surrogate pair', () => {
    const secret = '🔑🔑🔑🔑🔑🔑🔑🔑';
    expect(redact(secret)).toBe('🔑🔑…(8 chars)');
  });
});
