/**
 * The image benchmark's input: an OCI layout (bench/corpus/image-oci) of one linux/amd64 image with
 * many gzip layers of generated text files (>= 500 MB uncompressed), a few planted fakes, and a later
 * layer deleting one of them. Seeded, so every machine benchmarks the same bytes; generated on first
 * use and reused while its manifest says it was made with the same parameters.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { Rng } from './prng.js';
import { insertAt, plant } from './secrets.js';
import { fill, kebab, sentence, snake, upperSnake } from './vocab.js';

export interface ImageCorpus {
  dir: string;
  layers: number;
  /** Uncompressed tar bytes of all layers. */
  tarBytes: number;
  /** Compressed blob bytes of all layers. */
  blobBytes: number;
  files: number;
  planted: number;
}

const VERSION = 1;
const BLOCK = 512;

function header(name: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, text: string): void => void block.set(Buffer.from(text, 'utf8'), offset);
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${size.toString(8).padStart(11, '0')}\0`);
  put(136, '14572207400\0');
  block.fill(0x20, 148, 156);
  put(156, '0');
  put(257, 'ustar\x0000');
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function tar(files: Array<[string, Buffer]>): Buffer {
  const parts: Uint8Array[] = [];
  for (const [name, content] of files) {
    parts.push(
      header(name, content.length),
      content,
      new Uint8Array((BLOCK - (content.length % BLOCK)) % BLOCK),
    );
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(parts);
}

function textFile(rng: Rng, size: number): string {
  switch (rng.int(0, 2)) {
    case 0:
      return fill(size, () => `${upperSnake(rng)}=${kebab(rng)}-${rng.int(1, 9999)}\n`);
    case 1:
      return fill(size, () => `  ${snake(rng)}: ${sentence(rng, 3, 9)}\n`);
    default:
      return fill(size, () => `// ${sentence(rng)}\nconst ${snake(rng)} = '${kebab(rng)}';\n`);
  }
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Writes (or reuses) the corpus; `log` reports generation progress. */
export function ensureImageCorpus(dir: string, sizeMB: number, log: (line: string) => void): ImageCorpus {
  const manifestFile = join(dir, 'keyless-bench.json');
  const wanted = { version: VERSION, sizeMB };
  if (existsSync(manifestFile)) {
    const saved = JSON.parse(readFileSync(manifestFile, 'utf8')) as ImageCorpus & { params: typeof wanted };
    if (JSON.stringify(saved.params) === JSON.stringify(wanted)) return { ...saved, dir };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const rng = new Rng(4242);
  const layerCount = 24;
  const perLayer = Math.ceil((sizeMB * 1024 * 1024) / layerCount);
  const put = (bytes: Uint8Array): string => {
    const digest = sha256(bytes);
    writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return digest;
  };
  const layers: Array<{ digest: string; size: number }> = [];
  const diffIds: string[] = [];
  let tarBytes = 0;
  let blobBytes = 0;
  let files = 0;
  let planted = 0;
  for (let l = 0; l < layerCount; l++) {
    log(`image corpus: layer ${l + 1}/${layerCount}`);
    const entries: Array<[string, Buffer]> = [];
    let size = 0;
    while (size < perLayer) {
      const length = Math.round(rng.logUniform(2_000, 400_000));
      let text = textFile(rng, length);
      const name = `srv/l${l}/${kebab(rng)}-${entries.length}.${rng.pick(['env', 'yaml', 'js'])}`;
      if (rng.chance(0.004)) {
        text = insertAt(rng, text, plant(rng, 'env').text, 'env');
        planted++;
      }
      entries.push([name, Buffer.from(text, 'utf8')]);
      size += text.length;
    }
    // The last layer deletes a file of the first: its secrets stay in layer 0 and must still be found.
    if (l === layerCount - 1) entries.push(['srv/l0/.wh.removed.env', Buffer.alloc(0)]);
    if (l === 0) {
      entries.push(['srv/l0/removed.env', Buffer.from(`${plant(rng, 'env').text}\n`)]);
      planted++;
    }
    const layerTar = tar(entries);
    const blob = gzipSync(layerTar, { level: 6 });
    files += entries.length;
    tarBytes += layerTar.length;
    blobBytes += blob.length;
    diffIds.push(sha256(layerTar));
    layers.push({ digest: put(blob), size: blob.length });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/bin:/usr/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map((_, i) => ({ created_by: `COPY srv/l${i} /srv/l${i}` })),
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: put(config),
        size: config.length,
      },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
    }),
  );
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: put(manifest),
        size: manifest.length,
      },
    ],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const corpus: ImageCorpus = { dir, layers: layerCount, tarBytes, blobBytes, files, planted };
  writeFileSync(manifestFile, JSON.stringify({ ...corpus, params: wanted }));
  return corpus;
}
