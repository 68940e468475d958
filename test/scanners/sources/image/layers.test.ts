import { describe, expect, it } from '@jest/globals';

import { buildImage, gzipBomb, sha256, tarArchive, writeOciLayout } from '../../../helpers/oci-builder.js';
import { scanArchive, tempDir, token } from './helpers.js';

function layout(...args: Parameters<typeof buildImage>): string {
  return writeOciLayout(tempDir(), buildImage(...args));
}

describe('image layers', () => {
  it('a secret deleted by a whiteout in a later layer is reported, removedBy set', async () => {
    const secret = token();
    const image = buildImage({
      layers: [
        { files: { 'app/.env': `TOKEN=${secret}\n`, 'app/keep.txt': 'ok\n' } },
        { whiteouts: ['app/.env'], compression: 'zstd' },
      ],
    });
    const result = await scanArchive(writeOciLayout(tempDir(), image));
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]?.location.layer).toEqual({
      imageDigest: image.manifest.digest,
      digest: image.layers[0]?.digest,
      index: 0,
      removedBy: image.layers[1]?.digest,
    });
  });

  it('an opaque directory, a deleted parent dir and an overwrite all count as removal', async () => {
    const [a, b, c, d] = [token(), token(), token(), token()];
    const image = buildImage({
      layers: [
        { files: { 'etc/app/a.conf': `A=${a}\n`, 'srv/b.txt': `B=${b}\n`, 'opt/c.txt': `C=${c}\n` } },
        { files: { 'etc/app/new.conf': 'fresh\n' }, opaque: ['etc/app'] },
        { whiteouts: ['srv'], files: { 'opt/c.txt': 'replaced\n', 'opt/d.txt': `D=${d}\n` } },
      ],
    });
    const result = await scanArchive(writeOciLayout(tempDir(), image));
    const byPath = Object.fromEntries(
      result.findings.map((f) => [f.location.path, f.location.layer?.removedBy]),
    );
    expect(byPath).toEqual({
      '/etc/app/a.conf': image.layers[1]?.digest,
      '/srv/b.txt': image.layers[2]?.digest,
      '/opt/c.txt': image.layers[2]?.digest,
      '/opt/d.txt': undefined,
    });
  });

  it('scans Env, Labels, Cmd and history of the config at pseudo paths', async () => {
    const [env, label, history, cmd] = [token(), token(), token(), token()];
    const image = buildImage({
      layers: [{ files: { 'a.txt': 'nothing\n' } }],
      config: {
        Env: ['PATH=/usr/bin', `SERVICE_TOKEN=${env}`],
        Labels: { maintainer: 'team', 'build.token': label },
        Cmd: ['run', `--token=${cmd}`],
        history: [
          { created_by: 'ADD a.txt /' },
          { created_by: `RUN curl -H "X: ${history}" x`, empty_layer: true },
        ],
      },
    });
    const result = await scanArchive(writeOciLayout(tempDir(), image));
    const places = result.findings.map((f) => [
      f.location.path,
      f.location.startLine,
      f.location.layer?.index,
    ]);
    expect(places).toEqual([
      ['config:Cmd', 1, -1],
      ['config:Env', 2, -1],
      ['config:Labels', 2, -1],
      ['config:history', 2, -1],
    ]);
    expect(result.findings[0]?.location.layer?.digest).toBe(image.config.digest);
  });

  it('`..` and absolute entry names are data: normalised for the report, nothing written', async () => {
    const secret = token();
    const result = await scanArchive(
      layout({
        layers: [
          {
            entries: [
              { name: '../../../tmp/evil.txt', content: `T=${secret}\n` },
              { name: '/abs/x.txt', content: 'plain\n' },
              { name: 'l'.repeat(150) + '/deep.txt', content: 'long pax name\n' },
              { name: 'g'.repeat(150) + '/gnu.txt', content: 'long gnu name\n', longNames: 'gnu' },
              { name: 'link', type: 'symlink', linkname: '/etc/shadow' },
            ],
          },
        ],
      }),
    );
    expect(result.findings.map((f) => f.location.path)).toEqual(['/tmp/evil.txt']);
    expect(result.files).toBe(4);
    expect(result.complete).toBe(true);
  });

  it('files over the cap and binary files are skipped with the layer in their path', async () => {
    const image = buildImage({
      layers: [
        {
          files: { 'big.txt': 'x'.repeat(5000), 'bin.dat': new Uint8Array([0, 1, 2, 0, 3]), 'ok.txt': 'hi' },
        },
      ],
    });
    const result = await scanArchive(writeOciLayout(tempDir(), image), { maxFileSize: 4096 });
    const short = image.layers[0]?.digest.slice(7, 19);
    expect(result.skipped.map((s) => [s.path, s.reason])).toEqual([
      [`layer 0 ${short}: /big.txt`, 'too-large'],
      [`layer 0 ${short}: /bin.dat`, 'binary'],
    ]);
    expect(result.complete).toBe(true);
  });

  it('a truncated blob keeps earlier findings, names the layer and marks the scan incomplete', async () => {
    const secret = token();
    const tar = tarArchive([
      { name: 'first.env', content: `T=${secret}\n` },
      { name: 'second.bin', content: 'y'.repeat(100_000) },
    ]);
    const cut = tar.subarray(0, 4096);
    const result = await scanArchive(
      layout({ layers: [{ files: { 'ok.txt': 'fine' } }, { rawTar: cut, compression: 'none' }] }),
    );
    expect(result.findings.map((f) => f.location.path)).toEqual(['/first.env']);
    expect(result.complete).toBe(false);
    expect(result.warnings.join('\n')).toMatch(/^layer 1 [a-f0-9]{12}: truncated archive/);
    expect(result.images[0]?.layers.map((l) => l.status)).toEqual(['scanned', 'failed']);
  });

  it('a wrong digest is an error naming the layer; findings are kept', async () => {
    const secret = token();
    const wrong = sha256(new TextEncoder().encode('something else'));
    const result = await scanArchive(
      layout({ layers: [{ files: { 'a.env': `T=${secret}\n` }, digest: wrong }] }),
    );
    expect(result.findings).toHaveLength(1);
    expect(result.complete).toBe(false);
    expect(result.warnings.join('\n')).toMatch(/layer 0 [a-f0-9]{12}.*digest mismatch/);
  });

  it('a bad tar checksum is an error naming the layer', async () => {
    const tar = tarArchive([{ name: 'a.txt', content: 'x' }]);
    tar[10] = 0x41;
    const result = await scanArchive(layout({ layers: [{ rawTar: tar }] }));
    expect(result.complete).toBe(false);
    expect(result.warnings.join('\n')).toMatch(/layer 0 .*bad tar header checksum/);
  });

  it('a gzip bomb stops at the layer cap with a warning; what came before is kept', async () => {
    const secret = token();
    const bomb = tarArchive([
      { name: 'before.env', content: `T=${secret}\n` },
      { name: 'zeros.bin', content: new Uint8Array(8 << 20) },
    ]);
    const { gzipSync } = await import('node:zlib');
    const result = await scanArchive(
      layout({ layers: [{ rawTar: bomb, rawBlob: new Uint8Array(gzipSync(bomb, { level: 9 })) }] }),
      { maxLayerSize: 1 << 20 },
    );
    expect(result.findings.map((f) => f.location.path)).toEqual(['/before.env']);
    expect(result.complete).toBe(false);
    expect(result.warnings.join('\n')).toMatch(/layer 0 .*exceeds the 1 MiB cap/);
    expect(result.images[0]?.layers[0]?.status).toBe('capped');
    // A bare bomb (no tar inside, only zeros) is caught the same way.
    const bare = await scanArchive(layout({ layers: [{ rawBlob: gzipBomb(4 << 20) }] }), {
      maxLayerSize: 1 << 20,
    });
    expect(bare.complete).toBe(false);
  });
});
