/**
 * The image benchmark's input: an OCI layout (bench/corpus/image-oci) of one linux/amd64 image with
 * 24 gzip layers (>= 500 MB uncompressed) holding copies of the directory benchmark's corpus; a few
 * small files with findings sit in the first layer, and the last layer deletes one of them. Seeded,
 * so every machine benchmarks the same bytes; generated on first use and reused while its manifest
 * says it was made with the same parameters.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

import { DEFAULT_CORPUS_DIR, ensureCorpus, MB } from './corpus.js';
import { emptyConfig } from '../scanners/config/schema.js';
import { compileForScan, scanFile } from '../scanners/sources/scan-file.js';
import { Rng } from './prng.js';
import { plant } from './secrets.js';

export interface ImageCorpus {
  dir: string;
  layers: number;
  /** Uncompressed tar bytes of all layers. */
  tarBytes: number;
  /** Compressed blob bytes of all layers. */
  blobBytes: number;
  files: number;
  /** Findings the engine makes in the image's files (all in layer 0), for the report's check. */
  findings: number;
}

const VERSION = 4;
const DIRTY_BYTES = 256 * 1024;
const BLOCK = 512;

function header(name: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, text: string): void => void block.set(Buffer.from(text, 'utf8'), offset);
  // ustar: names over 100 bytes are split at a `/` into prefix (155) and name (100).
  const cut = name.length > 100 ? name.lastIndexOf('/', 155) : -1;
  put(0, cut > 0 ? name.slice(cut + 1) : name);
  if (cut > 0) put(345, name.slice(0, cut));
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
  // The layers hold copies of the directory benchmark's repository-shaped corpus (realistic text,
  // binaries) under different roots. Files with findings (the planted fakes) go to one small first
  // layer, once, so the other layers are clean: that is what a warm --cache rescan can skip.
  const source = ensureCorpus({ log }).manifest;
  const root = resolve(DEFAULT_CORPUS_DIR);
  log('image corpus: sorting clean files from files with findings');
  const compiled = compileForScan(emptyConfig());
  const clean: string[] = [];
  const dirty: Array<{ path: string; bytes: Buffer; found: number }> = [];
  let cleanBytes = 0;
  for (const file of source.files) {
    const bytes = readFileSync(join(root, file.path));
    const outcome = scanFile({ data: new Uint8Array(bytes), rel: file.path }, compiled, 10 * MB);
    const found = 'findings' in outcome ? outcome.findings.length : 0;
    if (found > 0) dirty.push({ path: file.path, bytes, found });
    else {
      clean.push(file.path);
      cleanBytes += bytes.length;
    }
  }
  // The smallest files with findings, up to DIRTY_BYTES: the one layer a warm rescan reads again.
  dirty.sort((a, b) => a.bytes.length - b.bytes.length || (a.path < b.path ? -1 : 1));
  const kept: Array<[string, Buffer]> = [];
  let findings = 0;
  let dirtyBytes = 0;
  for (const file of dirty) {
    if (dirtyBytes + file.bytes.length > DIRTY_BYTES) break;
    kept.push([`srv/${file.path}`, file.bytes]);
    dirtyBytes += file.bytes.length;
    findings += file.found;
  }
  const rng = new Rng(4242);
  const removed = Buffer.from(`${plant(rng, 'env').text}\n`);
  const removedOutcome = scanFile({ data: new Uint8Array(removed), rel: 'removed.env' }, compiled, 10 * MB);
  findings += 'findings' in removedOutcome ? removedOutcome.findings.length : 0;
  const copies = Math.max(1, Math.ceil((sizeMB * MB) / cleanBytes));
  const layerCount = 24;
  const cleanLayers = layerCount - 1;
  const entriesOf = (index: number): Array<[string, Buffer]> => {
    const per = Math.ceil((clean.length * copies) / cleanLayers);
    const out: Array<[string, Buffer]> = [];
    for (let i = index * per; i < Math.min((index + 1) * per, clean.length * copies); i++) {
      const path = clean[i % clean.length] as string;
      out.push([`srv/copy${Math.floor(i / clean.length)}/${path}`, readFileSync(join(root, path))]);
    }
    return out;
  };
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
  for (let l = 0; l < layerCount; l++) {
    log(`image corpus: layer ${l + 1}/${layerCount}`);
    // The last layer deletes a file of the first: its secret stays in layer 0 and must still be found.
    const entries: Array<[string, Buffer]> =
      l === 0 ? [...kept, ['srv/removed.env', removed]] : entriesOf(l - 1);
    if (l === layerCount - 1) entries.push(['srv/.wh.removed.env', Buffer.alloc(0)]);
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
      history: layers.map((_, i) => ({ created_by: `COPY part${i} /srv/` })),
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
  const corpus: ImageCorpus = { dir, layers: layerCount, tarBytes, blobBytes, files, findings };
  writeFileSync(manifestFile, JSON.stringify({ ...corpus, params: wanted }));
  return corpus;
}
