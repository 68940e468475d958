import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLabels, labelAt, lineStarts, type Labels } from '../../eval/labels.js';

const VALUE = 'Zq8vN2kLp4Xr7TbW1sYc';

function corpus(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-eval-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function labelFor(text: string, value: string): Labels[string][number] {
  return labelAt(text, lineStarts(text), text.indexOf(value), value.length, 'password', 'test');
}

describe('checkLabels', () => {
  const text = `a=1\npassword=${VALUE}\nb=2\n`;

  it('accepts labels whose span hashes to the digest', () => {
    const label = labelFor(text, VALUE);
    expect(label).toMatchObject({ line: 2, column: 10, length: VALUE.length });
    const dir = corpus({ 'x.env': text });
    expect(checkLabels(dir, { 'x.env': [label] }).problems).toEqual([]);
  });

  it('re-anchors a label whose value moved and reports the move without the value', () => {
    const label = labelFor(text, VALUE);
    const dir = corpus({ 'x.env': `# new header\n${text}` });
    const result = checkLabels(dir, { 'x.env': [label] });
    expect(result.moved).toBe(1);
    expect(result.fixed['x.env']?.[0]?.line).toBe(3);
    expect(result.problems.join('\n')).not.toContain(VALUE);
  });

  it('flags a labelled value repeated on an unlabelled line', () => {
    const dup = `${text}again=${VALUE}\n`;
    const dir = corpus({ 'x.env': dup });
    const problems = checkLabels(dir, { 'x.env': [labelFor(dup, VALUE)] }).problems;
    expect(problems).toEqual([expect.stringContaining('x.env:4: repeats a value')]);
  });

  it('flags two labels on one line, leftover markers and missing files', () => {
    const line = `pair=${VALUE}:Hq3Wm9Tz\n`;
    const dir = corpus({ 'x.env': line, 'y.env': 'token=\u27e6gh-pat\u27e7\n' });
    const labels: Labels = {
      'x.env': [labelFor(line, VALUE), labelFor(line, 'Hq3Wm9Tz')],
      'gone.env': [labelFor(text, VALUE)],
    };
    const problems = checkLabels(dir, labels).problems;
    expect(problems).toContain('x.env:1: two labels on one line (labels are per line)');
    expect(problems).toContain('y.env:1: unstamped marker');
    expect(problems).toContain('gone.env: labelled file does not exist');
  });

  it('derives endLine for multi-line spans', () => {
    const pem = 'key: |\n  -----BEGIN X-----\n  AAAA\n  -----END X-----\n';
    const start = pem.indexOf('-----BEGIN');
    const end = pem.indexOf('-----END X-----') + '-----END X-----'.length;
    const label = labelAt(pem, lineStarts(pem), start, end - start, 'private-key-rsa', '');
    expect(label).toMatchObject({ line: 2, endLine: 4, column: 3 });
  });
});
