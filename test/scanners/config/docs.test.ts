import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

import { parseBaseline } from '../../../scanners/config/baseline.js';
import { parseConfig } from '../../../scanners/config/load.js';

// The documented examples are what users copy; they must stay valid.
describe('docs/configuration.md examples', () => {
  const markdown = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
  const block = (language: string): string => {
    const match = new RegExp('```' + language + '\\n([^]*?)```').exec(markdown);
    if (match?.[1] === undefined) throw new Error(`no ${language} block in docs/configuration.md`);
    return match[1];
  };

  it('the .keyless.yml example is a valid config', () => {
    const config = parseConfig(block('yaml'), '.keyless.yml');
    expect(config.customRules.map((r) => r.id)).toEqual(['acme-internal-token']);
    expect(config.allowedValueHashes).toHaveLength(1);
  });

  it('the baseline example is a valid baseline', () => {
    expect(parseBaseline(block('json'), '.keyless-baseline.json')).toHaveLength(1);
  });
});
