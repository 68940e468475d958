import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { formatIssue, type ConfigIssue } from '../../../scanners/config/errors.js';
import { ConfigError, findConfig, loadConfig, parseConfig } from '../../../scanners/config/load.js';
import { configIssues, configIssuesAsync, lineOf } from './helpers.js';

const FULL = `# scanner settings
version: 1
paths:
  skip: ["vendor/**", "**/*.min.js"]
rules:
  disable: [generic-password, generic-password]
  custom:
    - id: acme-internal-token
      title: ACME internal token
      severity: high
      keywords: [acme_]
      pattern: 'acme_(?<secret>[a-z0-9]{32})'
      flags: i
      entropy: 3.5
      multiline: false
allow:
  values:
    - sha256: 07241EF30DD101A24FF2CD7B9881A34F63170AA7BABA54BE3CD1781538EAA7C1
      reason: published test key of the vendor
`;

describe('parseConfig: valid files', () => {
  it('reads every section into plain data', () => {
    const config = parseConfig(FULL, '.keyless.yml');
    expect(config.skipPaths).toEqual(['vendor/**', '**/*.min.js']);
    expect(config.disabledRules).toEqual(['generic-password']);
    expect(config.customRules).toEqual([
      {
        id: 'acme-internal-token',
        title: 'ACME internal token',
        severity: 'high',
        keywords: ['acme_'],
        pattern: 'acme_(?<secret>[a-z0-9]{32})',
        flags: 'i',
        entropy: 3.5,
        multiline: false,
      },
    ]);
    expect(config.allowedValueHashes).toEqual([
      '07241ef30dd101a24ff2cd7b9881a34f63170aa7baba54be3cd1781538eaa7c1',
    ]);
    // Sent to worker threads: must survive structured cloning unchanged.
    expect(structuredClone(config)).toEqual(config);
  });

  it('accepts the minimal file and empty optional sections', () => {
    for (const text of ['version: 1\n', 'version: 1\npaths:\nrules:\n  custom:\nallow:\n']) {
      const config = parseConfig(text, '.keyless.yml');
      expect(config).toMatchObject({
        skipPaths: [],
        disabledRules: [],
        customRules: [],
        allowedValueHashes: [],
      });
    }
  });

  it('records field positions for later checks', () => {
    const config = parseConfig(FULL, '.keyless.yml');
    expect(config.origin?.file).toBe('.keyless.yml');
    expect(config.origin?.positions['rules.custom[0].id']?.line).toBe(
      lineOf(FULL, 'id: acme-internal-token'),
    );
    expect(config.origin?.positions['rules.disable[0]']?.line).toBe(lineOf(FULL, 'disable:'));
  });

  it('resolves YAML anchors and aliases', () => {
    const text = 'version: 1\npaths:\n  skip: &globs ["dist/**"]\nrules:\n  disable: []\n';
    expect(parseConfig(text, 'k.yml').skipPaths).toEqual(['dist/**']);
  });
});

describe('parseConfig: every error names file, line, column and field path', () => {
  function single(text: string): ConfigIssue & { formatted: string } {
    const issues = configIssues(() => parseConfig(text, '.keyless.yml'));
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    return { ...issue, formatted: formatIssue(issue) };
  }

  it('rejects a misspelt key with a suggestion', () => {
    const text = 'version: 1\nrules:\n  disabel: [generic-password]\n';
    const issue = single(text);
    expect(issue.line).toBe(lineOf(text, 'disabel'));
    expect(issue.column).toBe(3);
    expect(issue.path).toBe('rules.disabel');
    expect(issue.message).toContain('unknown key "disabel"');
    expect(issue.message).toContain('did you mean "disable"');
  });

  it('rejects a wrong severity at the value, in the documented format', () => {
    const text = `version: 1
rules:
  custom:
    - id: acme-token
      title: ACME token
      severity: severe
      keywords: [acme_]
      pattern: 'acme_[a-z0-9]{32}'
`;
    const issue = single(text);
    const line = lineOf(text, 'severity: severe');
    const column = '      severity: '.length + 1;
    expect(issue.formatted).toBe(
      `.keyless.yml:${line}:${column}: rules.custom[0].severity: expected one of critical, high, medium, low, got "severe"`,
    );
  });

  it('rejects an invalid regex with the engine message at the pattern line', () => {
    const text = `version: 1
rules:
  custom:
    - id: acme-token
      title: ACME token
      severity: high
      keywords: [acme_]
      pattern: 'acme_(?<secret>[a-z0-9]{32}'
`;
    const issue = single(text);
    expect(issue.line).toBe(lineOf(text, 'pattern:'));
    expect(issue.path).toBe('rules.custom[0].pattern');
    const source = 'acme_(?<secret>[a-z0-9]{32}';
    let engineMessage = '';
    try {
      new RegExp(source);
    } catch (error) {
      engineMessage = (error as Error).message;
    }
    expect(engineMessage).not.toBe('');
    expect(issue.message).toBe(engineMessage);
  });

  it('rejects patterns that match the empty string and unsupported flags', () => {
    const base = (extra: string): string =>
      `version: 1\nrules:\n  custom:\n    - id: acme-token\n      title: T\n      severity: low\n      keywords: [acme_]\n${extra}`;
    const empty = base("      pattern: 'acme_[a-z]*|x?'\n");
    expect(single(empty).path).toBe('rules.custom[0].pattern');
    const flags = base("      pattern: 'acme_[a-z]{4}'\n      flags: gi\n");
    const issue = single(flags);
    expect(issue.path).toBe('rules.custom[0].flags');
    expect(issue.message).toContain('"g"');
  });

  it('rejects upper-case and too-short keywords, and an empty keyword list', () => {
    const text = `version: 1
rules:
  custom:
    - id: acme-token
      title: ACME token
      severity: high
      keywords:
        - ACME_
        - ac
      pattern: 'acme_[a-z0-9]{32}'
    - id: other-token
      title: Other
      severity: low
      keywords: []
      pattern: 'other_[a-z0-9]{32}'
`;
    const issues = configIssues(() => parseConfig(text, '.keyless.yml'));
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [lineOf(text, '- ACME_'), 'rules.custom[0].keywords[0]'],
      [lineOf(text, '- ac'), 'rules.custom[0].keywords[1]'],
      [lineOf(text, 'keywords: []'), 'rules.custom[1].keywords'],
    ]);
    expect(issues[0]?.message).toContain('"acme_"');
  });

  it('rejects duplicate custom ids, pointing at the first definition', () => {
    const rule = (title: string): string =>
      `    - id: acme-token\n      title: ${title}\n      severity: high\n      keywords: [acme_]\n      pattern: 'acme_[a-z0-9]{32}'\n`;
    const text = `version: 1\nrules:\n  custom:\n${rule('One')}${rule('Two')}`;
    const issue = single(text);
    const lines = text.split('\n');
    const second =
      lines.findIndex((l, i) => i + 1 > lineOf(text, 'id: acme-token') && l.includes('id: acme-token')) + 1;
    expect(issue.line).toBe(second);
    expect(issue.path).toBe('rules.custom[1].id');
    expect(issue.message).toContain(`line ${lineOf(text, 'id: acme-token')}`);
  });

  it('rejects a non-kebab id, a missing required field and a bad entropy in one pass', () => {
    const text = `version: 1
rules:
  custom:
    - id: Acme_Token
      severity: high
      keywords: [acme_]
      pattern: 'acme_[a-z0-9]{32}'
      entropy: 12
      multiline: yes
`;
    const issues = configIssues(() => parseConfig(text, '.keyless.yml'));
    expect(issues.map((i) => i.path)).toEqual([
      'rules.custom[0]',
      'rules.custom[0].id',
      'rules.custom[0].entropy',
      'rules.custom[0].multiline',
    ]);
    expect(issues[0]?.message).toBe('missing required key "title"');
    expect(issues[0]?.line).toBe(lineOf(text, 'id: Acme_Token'));
    expect(issues[3]?.message).toBe('expected true or false, got "yes"');
  });

  it('rejects a root that is not a mapping, an empty file, and a missing or wrong version', () => {
    const list = single('- vendor/**\n');
    expect([list.line, list.path, list.message]).toEqual([1, '(root)', 'expected a mapping, got a list']);
    expect(single('# nothing yet\n').message).toContain('the file is empty');
    expect(single('paths:\n  skip: []\n').message).toBe('missing required key "version"');
    const v2 = single('version: 2\n');
    expect([v2.line, v2.column, v2.path]).toEqual([1, 10, 'version']);
    expect(single("version: '1'\n").message).toBe('expected a number, got "1"');
  });

  it('reports wrong types with the value it found', () => {
    const text = 'version: 1\npaths:\n  skip: vendor/**\n';
    const issue = single(text);
    expect([issue.line, issue.path, issue.message]).toEqual([
      3,
      'paths.skip',
      'expected a list, got "vendor/**"',
    ]);
    const number = single('version: 1\nrules:\n  disable: [123]\n');
    expect(number.message).toBe('expected a string, got the number 123 (quote it)');
  });

  it('rejects malformed globs and allow entries without echoing the value', () => {
    const glob = single('version: 1\npaths:\n  skip: ["src/{a,b"]\n');
    expect([glob.line, glob.path]).toEqual([3, 'paths.skip[0]']);
    const pasted = 'q8Zr1vLk3NwT6yHbP0sXcJ4mFe';
    const text = `version: 1\nallow:\n  values:\n    - sha256: ${pasted}\n      reason: vendor key\n    - sha256: 07241ef30dd101a24ff2cd7b9881a34f63170aa7baba54be3cd1781538eaa7c1\n`;
    const issues = configIssues(() => parseConfig(text, '.keyless.yml'));
    expect(issues.map((i) => [i.line, i.path])).toEqual([
      [4, 'allow.values[0].sha256'],
      [6, 'allow.values[1]'],
    ]);
    expect(issues[1]?.message).toBe('missing required key "reason"');
    for (const issue of issues) expect(issue.message).not.toContain(pasted);
  });

  it('reports YAML syntax errors with file and line', () => {
    const text = 'version: 1\nrules:\n  disable: [generic-password\npaths:\n';
    const issues = configIssues(() => parseConfig(text, 'conf/.keyless.yml'));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.file).toBe('conf/.keyless.yml');
    expect(issues[0]?.line).toBeGreaterThanOrEqual(3);
    expect(issues[0]?.message).toMatch(/^YAML syntax error: /);
    const duplicate = configIssues(() => parseConfig('version: 1\nversion: 1\n', '.keyless.yml'));
    expect(duplicate[0]?.line).toBe(2);
    expect(duplicate[0]?.message).toContain('unique');
  });
});

describe('loadConfig and findConfig', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'keyless-config-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads a file and names it in errors by its display name', async () => {
    const path = join(root, '.keyless.yml');
    await writeFile(path, FULL);
    expect((await loadConfig(path)).customRules).toHaveLength(1);
    await writeFile(path, 'version: 1\npath:\n  skip: []\n');
    const issues = await configIssuesAsync(() => loadConfig(path, '.keyless.yml'));
    expect(issues[0]).toMatchObject({ file: '.keyless.yml', line: 2, path: 'path' });
  });

  it('reports an unreadable file clearly', async () => {
    const missing = join(root, 'nope.yml');
    const issues = await configIssuesAsync(() => loadConfig(missing));
    expect(issues).toEqual([{ file: missing, message: 'cannot read the config file: no such file' }]);
    const directory = join(root, 'dir.yml');
    await mkdir(directory);
    const dirIssues = await configIssuesAsync(() => loadConfig(directory));
    expect(dirIssues[0]?.message).toMatch(/^cannot read the config file: /);
  });

  it('finds .keyless.yml or .keyless.yaml, and refuses both', async () => {
    expect(await findConfig(root)).toBeUndefined();
    await writeFile(join(root, '.keyless.yaml'), 'version: 1\n');
    expect(await findConfig(root)).toBe(join(root, '.keyless.yaml'));
    await writeFile(join(root, '.keyless.yml'), 'version: 1\n');
    await expect(findConfig(root)).rejects.toThrow(ConfigError);
  });

  it('ignores a directory named like the config', async () => {
    await mkdir(join(root, '.keyless.yml'));
    expect(await findConfig(root)).toBeUndefined();
  });
});
