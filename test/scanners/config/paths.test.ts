import { describe, expect, it } from '@jest/globals';

import { makePathFilter } from '../../../scanners/config/paths.js';

describe('makePathFilter', () => {
  it('skips nothing without globs', () => {
    const skip = makePathFilter([]);
    expect(['a.js', 'vendor/x.js', '.env'].some(skip)).toBe(false);
  });

  it('matches picomatch globs against the whole repo-relative path, dot files included', () => {
    const skip = makePathFilter(['vendor/**', '**/*.min.js', '.github/*.yml']);
    expect(skip('vendor/lib/a.js')).toBe(true);
    expect(skip('app.min.js')).toBe(true);
    expect(skip('web/.cache/app.min.js')).toBe(true);
    expect(skip('.github/ci.yml')).toBe(true);
    expect(skip('src/vendor/a.js')).toBe(false);
    expect(skip('app.min.jsx')).toBe(false);
    expect(skip('.github/workflows/ci.yml')).toBe(false);
  });

  it('does not let a basename glob reach into subdirectories', () => {
    const skip = makePathFilter(['*.lock']);
    expect(skip('yarn.lock')).toBe(true);
    expect(skip('sub/yarn.lock')).toBe(false);
  });

  it('skips everything under a matching directory', () => {
    const skip = makePathFilter(['vendor', 'fixtures/', '**/node_modules']);
    expect(skip('vendor')).toBe(true);
    expect(skip('vendor/a/b.js')).toBe(true);
    expect(skip('fixtures/keys/id_rsa')).toBe(true);
    expect(skip('pkg/node_modules/dep/index.js')).toBe(true);
    expect(skip('vendored/a.js')).toBe(false);
    expect(skip('src/fixtures.ts')).toBe(false);
  });

  it('ignores leading ./ and / in globs and paths, and Windows separators in paths', () => {
    const skip = makePathFilter(['./build/**', '/dist/**']);
    expect(skip('build/out.js')).toBe(true);
    expect(skip('dist/out.js')).toBe(true);
    expect(skip('./build/out.js')).toBe(true);
    expect(skip('dist\\sub\\out.js')).toBe(true);
    expect(skip('src/build/out.js')).toBe(false);
  });

  it('supports braces and character classes', () => {
    const skip = makePathFilter(['docs/**/*.{md,txt}', 'test/data[0-9]/**']);
    expect(skip('docs/a/b.md')).toBe(true);
    expect(skip('docs/a/b.txt')).toBe(true);
    expect(skip('docs/a/b.ts')).toBe(false);
    expect(skip('test/data3/k.pem')).toBe(true);
    expect(skip('test/datax/k.pem')).toBe(false);
  });
});
