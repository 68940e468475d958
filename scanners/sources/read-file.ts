import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

import type { Skipped } from '../engine/types.js';
import { decode, decodeUtf8Body, looksBinary, SNIFF_BYTES, utf8Body } from './decode.js';

export type ReadResult =
  { kind: 'text'; text: string; bytes: number; utf8?: Uint8Array } | { kind: 'skipped'; skipped: Skipped };

/** A file read for scanning: UTF-8 stays bytes (without a BOM) until something needs the text. */
export type ScanInput =
  | { kind: 'utf8'; utf8: Uint8Array; bytes: number }
  | { kind: 'text'; text: string; bytes: number }
  | { kind: 'skipped'; skipped: Skipped };

const READ_CHUNK = 1 << 20;
// If the path turned into a FIFO after the walk saw a regular file, a blocking open() would wait forever
// for a writer; O_NONBLOCK makes it return at once and the fstat below rejects it. (Not on Windows.)
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a filesystem error on `path` to the reason it is reported as skipped. */
export function skippedFromError(path: string, error: unknown): Skipped {
  const code = errorCode(error);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { path, reason: 'vanished', detail: code };
    case 'ELOOP':
      return { path, reason: 'symlink-loop', detail: code };
    case 'ENXIO':
    case 'EISDIR':
      return { path, reason: 'not-regular', detail: code };
    default:
      return {
        path,
        reason: 'unreadable',
        detail: code ?? (error instanceof Error ? error.message : String(error)),
      };
  }
}

/** `readScanInputSync` with UTF-8 decoded: every file as text. */
export function readTextFileSync(abs: string, rel: string, maxFileSize: number): ReadResult {
  const input = readScanInputSync(abs, rel, maxFileSize);
  if (input.kind !== 'utf8') return input;
  return { kind: 'text', text: decodeUtf8Body(input.utf8).text, bytes: input.bytes, utf8: input.utf8 };
}

/**
 * Reads one file for scanning: regular files only, at most `maxFileSize` bytes, binary files (NUL in the
 * first 8 KiB) rejected after reading only their head. Every failure becomes a `Skipped`, never a throw.
 *
 * Synchronous on purpose: it runs on scan workers that have nothing else to do, and each async fs call
 * is a thread-pool round trip — measured on 12k small files, async reads took 8x longer than sync ones.
 */
export function readScanInputSync(abs: string, rel: string, maxFileSize: number): ScanInput {
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (error) {
    return { kind: 'skipped', skipped: skippedFromError(rel, error) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { kind: 'skipped', skipped: { path: rel, reason: 'not-regular' } };
    if (stats.size > maxFileSize) {
      const detail = `${stats.size} bytes > ${maxFileSize}`;
      return { kind: 'skipped', skipped: { path: rel, reason: 'too-large', detail } };
    }
    const buffer = Buffer.allocUnsafe(stats.size);
    let filled = readInto(fd, buffer, 0, Math.min(stats.size, SNIFF_BYTES));
    if (looksBinary(buffer.subarray(0, filled))) {
      return { kind: 'skipped', skipped: { path: rel, reason: 'binary' } };
    }
    filled = readInto(fd, buffer, filled, stats.size);
    // A file that shrank after the fstat is scanned as far as it still goes.
    return classifyBytes(buffer.subarray(0, filled), rel, maxFileSize);
  } catch (error) {
    return { kind: 'skipped', skipped: skippedFromError(rel, error) };
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Nothing useful to do: the content (or the skip) is already decided.
    }
  }
}

/**
 * Content that is already in memory (a git blob, a file inside an image layer) judged like a file on
 * disk: too large, binary, UTF-8 kept as bytes, or decoded text.
 */
export function classifyBytes(data: Uint8Array, rel: string, maxFileSize: number): ScanInput {
  if (data.length > maxFileSize) {
    const detail = `${data.length} bytes > ${maxFileSize}`;
    return { kind: 'skipped', skipped: { path: rel, reason: 'too-large', detail } };
  }
  if (looksBinary(data.subarray(0, SNIFF_BYTES))) {
    return { kind: 'skipped', skipped: { path: rel, reason: 'binary' } };
  }
  const body = utf8Body(data);
  if (body) return { kind: 'utf8', utf8: body, bytes: data.length };
  const decoded = decode(data);
  if (decoded.kind === 'binary') return { kind: 'skipped', skipped: { path: rel, reason: 'binary' } };
  return { kind: 'text', text: decoded.text, bytes: data.length };
}

/** Fills `buffer[from, to)`; returns the new fill level, short at end of file. */
function readInto(fd: number, buffer: Buffer, from: number, to: number): number {
  let filled = from;
  while (filled < to) {
    const bytesRead = readSync(fd, buffer, filled, Math.min(to - filled, READ_CHUNK), filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
