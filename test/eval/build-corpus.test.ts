import { describe, expect, it } from '@jest/globals';
import { stamp } from '../../eval/build-corpus.js';
import { hasValidCrc32Suffix } from '../../scanners/engine/validators.js';

describe('stamp', () => {
  it('replaces markers, labels positives only and keeps offsets exact', () => {
    const { text, spans } = stamp('a: \u27e6gh-pat\u27e7\nb: \u27e6!sha1\u27e7\nc: \u27e6same\u27e7\n');
    const lines = text.split('\n');
    expect(spans.map((s) => s.kind)).toEqual(['github-pat', 'github-pat']);
    const [first, second] = spans.map((s) => text.slice(s.offset, s.offset + s.length));
    expect(first).toBe(second);
    expect(hasValidCrc32Suffix(first ?? '', 'ghp_')).toBe(true);
    expect(lines[1]).toMatch(/^b: [0-9a-f]{40}$/);
  });

  it('applies kind overrides, generator arguments and companions', () => {
    const { text, spans } = stamp('u=\u27e6~aws-akid\u27e7,\u27e6password:alnum,24#db-password\u27e7\n');
    expect(spans).toHaveLength(1);
    expect(spans[0]?.kind).toBe('db-password');
    expect(text).toMatch(/^u=AKIA[A-Z2-7]{16},[A-Za-z0-9]{24}\n$/);
  });

  it('indents continuation lines of a multi-line value like the marker line', () => {
    const { text, spans } = stamp('tls:\n  key: |\n    \u27e6pem-ec\u27e7\n');
    const lines = text.trimEnd().split('\n');
    expect(lines[2]).toBe('    -----BEGIN EC PRIVATE KEY-----');
    expect(lines.slice(2).every((l) => l.startsWith('    '))).toBe(true);
    expect(lines[lines.length - 1]).toBe('    -----END EC PRIVATE KEY-----');
    expect(text.slice(spans[0]?.offset ?? 0).startsWith('-----BEGIN')).toBe(true);
  });

  it('rejects unknown generators', () => {
    expect(() => stamp('\u27e6no-such-thing\u27e7')).toThrow('unknown generator');
  });
});
