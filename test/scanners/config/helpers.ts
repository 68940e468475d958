import { expect } from '@jest/globals';

import { ConfigError, type ConfigIssue } from '../../../scanners/config/errors.js';

/** 1-based line of the first line containing `needle`, so expectations follow the fixture text. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`fixture has no line containing ${needle}`);
  return index + 1;
}

/** Runs `fn`, expects a ConfigError and returns its issues. */
export function configIssues(fn: () => unknown): readonly ConfigIssue[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

export async function configIssuesAsync(fn: () => Promise<unknown>): Promise<readonly ConfigIssue[]> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}
