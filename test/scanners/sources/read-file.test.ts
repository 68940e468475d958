import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';

import { decode } from '../../../scanners/sources/decode.js';
import { readScanInputSync, readTextFileSync } from '../../../scanners/sources/read-file.js';
import { compileForScan, scanFile } from '../../../scanners/sources/scan-file.js';
import { EMPTY_CONFIG, removeDir, TEST_RULE, tempDir, token, writeTree } from './helpers.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('reading files for a scan', () => {
  it('keeps UTF-8 as bytes and decodes UTF-16, agreeing with decode()', async () => {
    const dir = await tempDir();
    const files: Record<string, Uint8Array> = {
      'plain.txt': Buffer.from('héllo\nkey=1\n'),
      'bom.txt': Buffer.concat([BOM, Buffer.from('key=2')]),
      'two-boms.txt': Buffer.concat([BOM, BOM, Buffer.from('key=3')]),
      'broken.txt': Buffer.from([0x61, 0xff, 0xc3, 0x0a, 0x62]),
      'utf16.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('key=4\n', 'utf16le')]),
    };
    try {
      await writeTree(dir, files);
      for (const [name, bytes] of Object.entries(files)) {
        const input = readScanInputSync(join(dir, name), name, 1 << 20);
        const text = readTextFileSync(join(dir, name), name, 1 << 20);
        const expected = decode(bytes);
        if (expected.kind !== 'text') throw new Error(`${name} is not text`);
        expect(input.kind).toBe(expected.encoding === 'utf-8' ? 'utf8' : 'text');
        if (input.kind === 'utf8') expect(Buffer.from(input.utf8)).toEqual(Buffer.from(expected.utf8 ?? []));
        expect(text).toMatchObject({ kind: 'text', text: expected.text, bytes: bytes.length });
        expect(input).toMatchObject({ bytes: bytes.length });
      }
    } finally {
      await removeDir(dir);
    }
  });

  it('scans UTF-8 and UTF-16 files alike, with or without keywords', async () => {
    const dir = await tempDir();
    const secret = token();
    try {
      await writeTree(dir, {
        'a.env': `x=1\nT=${secret}\n`,
        'b.env': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`é\nT=${secret}\n`, 'utf16le')]),
        'c.env': 'nothing to see here\n',
      });
      const compiled = compileForScan(EMPTY_CONFIG, [TEST_RULE]);
      const scan = (name: string) => scanFile({ abs: join(dir, name), rel: name }, compiled, 1 << 20);
      for (const name of ['a.env', 'b.env']) {
        const outcome = scan(name);
        if (!('findings' in outcome)) throw new Error(`${name} was skipped`);
        expect(outcome.findings.map((f) => [f.secret, f.location.startLine, f.location.startColumn])).toEqual(
          [[secret, 2, 3]],
        );
      }
      expect(scan('c.env')).toEqual({ findings: [], bytes: 20 });
    } finally {
      await removeDir(dir);
    }
  });
});
