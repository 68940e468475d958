import { homedir } from 'node:os';
import { resolve } from 'node:path';

import { ArchiveSource } from '../scanners/sources/image/archive.js';
import { DEFAULT_PLATFORM, parsePlatformSelector } from '../scanners/sources/image/manifest.js';
import { dockerConfigPath } from '../scanners/sources/image/registry/credentials.js';
import { openRegistryImage } from '../scanners/sources/image/registry/source.js';
import { DEFAULT_MAX_LAYER_SIZE, scanImage, type ImageScanResult } from '../scanners/sources/image/scan.js';
import type { ImageSource, PlatformSelector } from '../scanners/sources/image/types.js';
import { parseSize, type ScanOptions } from './args.js';
import { UsageError } from './exit-codes.js';
import type { Io } from './io.js';
import { finishScan, prepareScan, type ScanContext, type ScanRun } from './scan-run.js';
import { VERSION } from './version.js';

export const imageOptionSpec = {
  archive: { type: 'string' },
  platform: { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  insecure: { type: 'boolean' },
  cache: { type: 'string' },
  'max-layer-size': { type: 'string' },
} as const;

export interface ImageCliOptions {
  /** Registry reference (`registry.example/app:1.2`), unless `archive` is given. */
  reference?: string;
  archive?: string;
  platform: PlatformSelector;
  username?: string;
  passwordStdin: boolean;
  insecure: boolean;
  cache?: string;
  maxLayerSize: number;
}

/** Reads the image options; `positional` is the REF (undefined when none was given). */
export function readImageOptions(
  values: Record<string, string | boolean | undefined>,
  positional: string | undefined,
): ImageCliOptions {
  const str = (k: string): string | undefined =>
    typeof values[k] === 'string' ? (values[k] as string) : undefined;
  const archive = str('archive');
  if (archive !== undefined && positional !== undefined) {
    throw new UsageError('scan image: give either an image REF or --archive FILE|DIR, not both');
  }
  if (archive === undefined && positional === undefined) {
    throw new UsageError(
      'scan image: expected an image reference (keyless scan image REF) or --archive FILE|DIR',
    );
  }
  let platform: PlatformSelector = DEFAULT_PLATFORM;
  const platformText = str('platform');
  if (platformText !== undefined) {
    try {
      platform = parsePlatformSelector(platformText);
    } catch (error) {
      throw new UsageError(`--platform: ${(error as Error).message}`);
    }
  }
  const username = str('username');
  const passwordStdin = values['password-stdin'] === true;
  if (passwordStdin !== (username !== undefined)) {
    throw new UsageError('--username and --password-stdin go together');
  }
  if (archive !== undefined && username !== undefined) {
    throw new UsageError('--username/--password-stdin apply to registry references, not --archive');
  }
  const maxLayerSize = str('max-layer-size');
  const cache = str('cache');
  return {
    platform,
    passwordStdin,
    insecure: values['insecure'] === true,
    maxLayerSize: maxLayerSize === undefined ? DEFAULT_MAX_LAYER_SIZE : parseSize(maxLayerSize),
    ...(positional !== undefined ? { reference: positional } : {}),
    ...(archive !== undefined ? { archive } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(cache !== undefined ? { cache } : {}),
  };
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  // `echo "$TOKEN" | keyless ...` adds a newline that is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export interface ImageScanContext extends ScanContext {
  env: Io['env'];
  stdin?: NodeJS.ReadableStream;
}

async function openSource(image: ImageCliOptions, context: ImageScanContext): Promise<ImageSource> {
  if (image.archive !== undefined) return ArchiveSource.open(resolve(image.archive));
  let credentials: { username: string; password: string } | undefined;
  if (image.username !== undefined) {
    const password = await readStdin(context.stdin ?? process.stdin);
    if (password === '') throw new UsageError('--password-stdin: nothing was read from standard input');
    credentials = { username: image.username, password };
  }
  return openRegistryImage({
    reference: image.reference as string,
    env: context.env,
    dockerConfig: dockerConfigPath(context.env, homedir()),
    insecure: image.insecure,
    ...(credentials ? { credentials } : {}),
    onWarning: (message) => context.stderr.write(`keyless: warning: ${message}\n`),
  });
}

/** `keyless scan image REF` / `keyless scan image --archive FILE|DIR`. */
export async function runImageScan(
  options: ScanOptions,
  image: ImageCliOptions,
  context: ImageScanContext,
): Promise<ScanRun> {
  // Configuration and the default baseline come from the directory keyless runs in.
  const setup = await prepareScan(options, context, process.cwd());
  const source = await openSource(image, context);
  let result: ImageScanResult;
  try {
    result = await scanImage({
      source,
      platform: image.platform,
      config: setup.config,
      maxFileSize: options.maxFileSize,
      maxLayerSize: image.maxLayerSize,
      workers: options.workers ?? (context.workerUrl ? undefined : 0),
      workerUrl: context.workerUrl,
      ...(image.cache !== undefined ? { cache: { dir: image.cache, toolVersion: VERSION } } : {}),
      onProgress: (p) => setup.progress.update(p.files, p.bytes),
    });
  } finally {
    setup.progress.done();
    await source.close();
  }
  const cached = result.images.flatMap((i) => i.layers).filter((l) => l.status === 'cached').length;
  const run = await finishScan(options, setup, {
    kind: 'image',
    findings: result.findings,
    files: result.files,
    bytes: result.bytes,
    skipped: result.skipped,
    warnings: result.warnings,
    complete: result.complete,
    ...(image.cache !== undefined ? { cached } : {}),
  });
  const names = result.images.map((i) => `${i.reference}@${i.digest}`);
  run.meta.target.root = names.length === 1 ? (names[0] as string) : names.join(', ');
  return run;
}
