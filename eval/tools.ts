import { resolve } from 'node:path';
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import { compileRules, detect } from '../scanners/engine/detect.js';
import { builtinRules } from '../scanners/rules/index.js';

export interface CorpusFile {
  /** Corpus-relative path with `/` separators (the key used in labels.json). */
  path: string;
  text: string;
}

/** A reported location, stripped of the value: only what scoring and the report need. */
export interface ToolFinding {
  path: string;
  line: number;
  ruleId: string;
  /** Redacted preview from the tool itself; never the raw value. */
  redacted: string;
}

export interface ToolRun {
  tool: string;
  findings: ToolFinding[];
  /** Files the tool failed on (counted, never silently dropped). */
  errors: string[];
}

/** Keyless in-process: the same compile + detect a directory scan runs on each file's text. */
export function runKeyless(files: CorpusFile[]): ToolRun {
  const compiled = compileRules(builtinRules);
  const findings: ToolFinding[] = [];
  const errors: string[] = [];
  for (const file of files) {
    try {
      for (const f of detect({ text: file.text, path: file.path }, compiled)) {
        findings.push({
          path: file.path,
          line: f.location.startLine,
          ruleId: f.ruleId,
          redacted: f.redacted,
        });
      }
    } catch (error) {
      errors.push(`${file.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { tool: 'keyless', findings, errors };
}

/** secretlint with its recommended preset, through @secretlint/core (no CLI, no config file). */
export async function runSecretlint(files: CorpusFile[], corpusDir: string): Promise<ToolRun> {
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }] };
  const findings: ToolFinding[] = [];
  const errors: string[] = [];
  for (const file of files) {
    try {
      const result = await lintSource({
        source: { content: file.text, filePath: resolve(corpusDir, file.path), contentType: 'text' },
        options: { config, maskSecrets: true },
      });
      for (const m of result.messages) {
        findings.push({ path: file.path, line: m.loc.start.line, ruleId: m.ruleId, redacted: '(masked)' });
      }
    } catch (error) {
      errors.push(`${file.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { tool: 'secretlint', findings, errors };
}
