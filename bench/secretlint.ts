/**
 * secretlint through its Node API (`@secretlint/core` `lintSource` with the recommended preset), the
 * way its CLI drives it: one file at a time on one thread, reading included in the time.
 */
import { readFile } from 'node:fs/promises';
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';

export interface LintFile {
  abs: string;
  bytes: number;
}

export interface SecretlintResult {
  files: number;
  bytes: number;
  findings: number;
  errors: number;
  seconds: number;
  cpuSeconds: number;
}

const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }] };

export async function runSecretlint(files: LintFile[]): Promise<SecretlintResult> {
  let bytes = 0;
  let findings = 0;
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const file of files) {
    const content = await readFile(file.abs, 'utf8');
    bytes += Buffer.byteLength(content);
    try {
      const result = await lintSource({
        source: { content, filePath: file.abs, contentType: 'text' },
        options: { config, maskSecrets: true },
      });
      findings += result.messages.length;
    } catch {
      // Counted, not fatal: one rule crashing on one file says nothing about the throughput.
      errors++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { files: files.length, bytes, findings, errors, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/**
 * Every `step`-th file (then the ones after them, pass by pass) until at least `minBytes`: a
 * deterministic subset with the same mix of kinds and sizes as the whole list.
 */
export function everyNth(files: LintFile[], minBytes: number): LintFile[] {
  const total = files.reduce((a, f) => a + f.bytes, 0);
  if (total <= minBytes) return files;
  const step = Math.max(1, Math.floor(total / minBytes));
  const chosen: LintFile[] = [];
  let bytes = 0;
  for (let offset = 0; offset < step && bytes < minBytes; offset++) {
    for (let i = offset; i < files.length && bytes < minBytes; i += step) {
      const file = files[i] as LintFile;
      chosen.push(file);
      bytes += file.bytes;
    }
  }
  return chosen;
}
