import { availableParallelism } from 'node:os';

import type { KeylessConfig } from '../../config/load.js';
import { buildRules } from '../../config/ruleset.js';
import { detect, type CompiledRules } from '../../engine/detect.js';
import type { Finding, LayerInfo, Rule, Skipped } from '../../engine/types.js';
import { builtinRules } from '../../rules/index.js';
import { compareFindings, type DirScanResult } from '../dir.js';
import { Bundler } from '../bundle.js';
import { ScanPool } from '../pool.js';
import { compileForScan, scanFile, type FileOutcome, type ScanTask } from '../scan-file.js';
import { configTexts } from './config-scan.js';
import { LayerCache, type CachedLayer } from './layer-cache.js';
import { ChangeRecorder, imagePath, LayerStack } from './layer-changes.js';
import { describeLayerFailure, layerEntries, layerLabel } from './layers.js';
import { verifyBytes } from './manifest.js';
import type { ImageSource, Platform, PlatformSelector, ResolvedImage } from './types.js';

/** Default cap on one layer's decompressed size: far above real layers, far below a bomb's output. */
export const DEFAULT_MAX_LAYER_SIZE = 16 * 1024 ** 3;
/** Findings in the image config carry this layer index (the config is not a layer). */
export const CONFIG_LAYER_INDEX = -1;
/** Compressed bytes left to scan below which the scan stays on the calling thread. */
const SMALL_SCAN_BYTES = 4 * 1024 * 1024;

export interface ImageScanOptions {
  source: ImageSource;
  platform: PlatformSelector;
  config: KeylessConfig;
  maxFileSize: number;
  maxLayerSize?: number;
  workers?: number | undefined;
  workerUrl?: URL | undefined;
  /** Below this many compressed bytes to scan, no workers are started (default 4 MiB). */
  smallScanBytes?: number | undefined;
  /** Replaces the built-in rules; forces scanning on this thread (rules cannot be sent to workers). */
  rules?: Rule[] | undefined;
  /** Directory of the clean-layer cache, and the tool version that is part of its key. */
  cache?: { dir: string; toolVersion: string } | undefined;
  onImage?: ((image: ResolvedImage, index: number, total: number) => void) | undefined;
  onLayer?: ((event: LayerEvent) => void) | undefined;
  onProgress?: ((progress: { files: number; bytes: number }) => void) | undefined;
}

export interface LayerEvent {
  image: number;
  layer: number;
  layers: number;
  digest: string;
  state: 'start' | 'cached' | 'done' | 'failed';
}

export interface LayerSummary {
  index: number;
  digest: string;
  size: number;
  status: 'scanned' | 'cached' | 'failed' | 'capped';
  /** Regular files met in the layer (scanned or skipped). */
  files: number;
  error?: string;
}

export interface ImageSummary {
  reference: string;
  digest: string;
  platform?: Platform;
  configDigest: string;
  layers: LayerSummary[];
}

export interface ImageScanResult extends DirScanResult {
  images: ImageSummary[];
  /** False when a layer could not be read completely (error, digest mismatch, cap). */
  complete: boolean;
}

interface LayerState {
  summary: LayerSummary;
  image: number;
  imageDigest: string;
  stack: LayerStack;
  recorder: ChangeRecorder;
  findings: number;
  unreadable: boolean;
  scannedFiles: number;
  bytes: number;
  skipped: CachedLayer['skipped'];
}

const EMPTY = new Uint8Array(0);

/** Scans every file of every layer, and the config, of the images `source` resolves to. */
export async function scanImage(options: ImageScanOptions): Promise<ImageScanResult> {
  const findings: Finding[] = [];
  const skipped: Skipped[] = [];
  const warnings: string[] = [];
  let files = 0;
  let bytes = 0;
  let complete = true;
  const maxLayerSize = options.maxLayerSize ?? DEFAULT_MAX_LAYER_SIZE;
  const rules = options.rules ?? builtinRules;
  const enabled = buildRules(rules, options.config);
  let compiled: CompiledRules | undefined;
  const compiledRules = (): CompiledRules => (compiled ??= compileForScan(options.config, rules));

  // Tasks carry a key naming their layer state and the file's path in the image.
  const states: LayerState[] = [];
  const owners = new Map<Finding, LayerState>();
  const record = (task: ScanTask, outcome: FileOutcome): void => {
    if ('bundle' in task) {
      // A bundle's outcome is per file; a bundle lost as a whole (worker crash) loses each of its files.
      const parts =
        'skipped' in outcome
          ? task.bundle.files.map((file) => ({
              ...file,
              outcome: { skipped: { ...outcome.skipped, path: file.rel } },
            }))
          : (outcome.files ?? []);
      for (const part of parts) record({ data: EMPTY, rel: part.rel, key: part.key }, part.outcome);
      return;
    }
    const [stateIndex, path] = splitKey(task.key);
    const state = states[stateIndex] as LayerState;
    if ('skipped' in outcome) {
      skipped.push(outcome.skipped);
      state.skipped.push({ ...outcome.skipped, path });
      if (outcome.skipped.reason === 'unreadable') state.unreadable = true;
      return;
    }
    files++;
    bytes += outcome.bytes;
    state.scannedFiles++;
    state.bytes += outcome.bytes;
    for (const finding of outcome.findings) {
      state.findings++;
      const layer: LayerInfo = {
        imageDigest: state.imageDigest,
        digest: state.summary.digest,
        index: state.summary.index,
      };
      const placed = { ...finding, location: { ...finding.location, path, layer } };
      owners.set(placed, state);
      findings.push(placed);
    }
    options.onProgress?.({ files, bytes });
  };

  let pool: ScanPool | undefined;
  const submit = async (task: ScanTask): Promise<void> => {
    if (pool) await pool.submit(task);
    else record(task, scanFile(task, compiledRules(), options.maxFileSize));
  };
  const bundler = new Bundler(submit);

  const cache = options.cache
    ? await LayerCache.open(
        options.cache.dir,
        enabled,
        options.config,
        options.maxFileSize,
        options.cache.toolVersion,
      )
    : undefined;
  const images: ImageSummary[] = [];
  try {
    const resolved = await options.source.resolve(options.platform);
    const cachedLayers = new Map<string, CachedLayer>();
    let uncachedBytes = 0;
    for (const descriptor of resolved.flatMap((image) => image.layers)) {
      const cached = await cache?.get(descriptor.digest);
      if (cached) cachedLayers.set(descriptor.digest, cached);
      else uncachedBytes += descriptor.size;
    }
    // Starting workers (each loads the bundle and compiles every rule) costs more than scanning a few
    // megabytes here: a rescan that only has small layers left stays on this thread.
    const workers = options.workers ?? availableParallelism();
    const inProcess =
      options.workerUrl === undefined ||
      workers <= 0 ||
      options.rules !== undefined ||
      uncachedBytes < (options.smallScanBytes ?? SMALL_SCAN_BYTES);
    pool = inProcess
      ? undefined
      : new ScanPool({
          workerUrl: options.workerUrl as URL,
          workers,
          init: { config: options.config, maxFileSize: options.maxFileSize },
          onResult: record,
          fallback: async (task) => scanFile(task, compiledRules(), options.maxFileSize),
        });
    for (const [imageIndex, image] of resolved.entries()) {
      options.onImage?.(image, imageIndex, resolved.length);
      verifyBytes(image.configBytes, image.config.digest, `${image.reference}: config`, image.config.size);
      const stack = new LayerStack();
      const summary: ImageSummary = {
        reference: image.reference,
        digest: image.digest,
        ...(image.platform ? { platform: image.platform } : {}),
        configDigest: image.config.digest,
        layers: [],
      };
      images.push(summary);
      if (!cache?.configClean(image.config.digest)) {
        const layer: LayerInfo = {
          imageDigest: image.digest,
          digest: image.config.digest,
          index: CONFIG_LAYER_INDEX,
        };
        let found = 0;
        for (const text of configTexts(image.configBytes)) {
          for (const finding of detect({ text: text.text, path: text.path }, compiledRules())) {
            findings.push({ ...finding, location: { ...finding.location, layer: { ...layer } } });
            found++;
          }
        }
        if (found === 0) cache?.markConfigClean(image.config.digest);
      }
      for (const [index, descriptor] of image.layers.entries()) {
        const event = {
          image: imageIndex,
          layer: index,
          layers: image.layers.length,
          digest: descriptor.digest,
        };
        const layerSummary: LayerSummary = {
          index,
          digest: descriptor.digest,
          size: descriptor.size,
          status: 'scanned',
          files: 0,
        };
        summary.layers.push(layerSummary);
        const cached = cachedLayers.get(descriptor.digest);
        const label = layerLabel(index, descriptor.digest);
        if (cached) {
          layerSummary.status = 'cached';
          layerSummary.files = cached.files + cached.skipped.length;
          stack.set(index, cached.changes);
          files += cached.files;
          bytes += cached.bytes;
          for (const s of cached.skipped) skipped.push({ ...s, path: `${label}: ${s.path}` });
          options.onLayer?.({ ...event, state: 'cached' });
          continue;
        }
        options.onLayer?.({ ...event, state: 'start' });
        const state: LayerState = {
          summary: layerSummary,
          image: imageIndex,
          imageDigest: image.digest,
          stack,
          recorder: new ChangeRecorder(),
          findings: 0,
          unreadable: false,
          scannedFiles: 0,
          bytes: 0,
          skipped: [],
        };
        const stateIndex = states.push(state) - 1;
        try {
          for await (const entry of layerEntries(options.source, descriptor, {
            label,
            maxFileSize: options.maxFileSize,
            maxLayerSize,
          })) {
            const path = imagePath(entry.name);
            if (path === '/' || !state.recorder.add(path, entry.type === 'dir')) continue;
            if (entry.type !== 'file') continue;
            layerSummary.files++;
            const rel = `${label}: ${path}`;
            if (entry.data === undefined) {
              const detail = `${entry.size} bytes, over the ${options.maxFileSize}-byte limit`;
              record(
                { rel, key: makeKey(stateIndex, path), data: new Uint8Array(0) },
                {
                  skipped: { path: rel, reason: 'too-large', detail },
                },
              );
              continue;
            }
            await bundler.add(entry.data, rel, makeKey(stateIndex, path));
          }
          await bundler.flush();
          options.onLayer?.({ ...event, state: 'done' });
        } catch (error) {
          // What the layer held before the break is still scanned.
          await bundler.flush();
          const failure = describeLayerFailure(error, label);
          layerSummary.status = failure.kind === 'cap' ? 'capped' : 'failed';
          layerSummary.error = failure.message;
          warnings.push(failure.message);
          complete = false;
          options.onLayer?.({ ...event, state: 'failed' });
        }
        stack.set(index, state.recorder.changes());
      }
    }
    await pool?.drain();
  } finally {
    await pool?.close();
  }
  if (pool) warnings.push(...pool.warnings);

  for (const [finding, state] of owners) {
    const layer = finding.location.layer as LayerInfo;
    const by = state.stack.removedBy(finding.location.path, layer.index);
    if (by !== undefined)
      layer.removedBy = ((images[state.image] as ImageSummary).layers[by] as LayerSummary).digest;
  }
  if (cache) {
    for (const state of states) {
      if (state.summary.status !== 'scanned' || state.findings > 0 || state.unreadable) continue;
      await cache.put(state.summary.digest, {
        files: state.scannedFiles,
        bytes: state.bytes,
        skipped: state.skipped,
        changes: state.recorder.changes(),
      });
    }
    await cache.save();
  }
  findings.sort(compareFindings);
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { findings, files, bytes, skipped, warnings, images, complete };
}

function makeKey(state: number, path: string): string {
  return `${state}\0${path}`;
}

function splitKey(key: string | undefined): [number, string] {
  const cut = (key ?? '').indexOf('\0');
  return [Number((key ?? '').slice(0, cut)), (key ?? '').slice(cut + 1)];
}
