import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; depending on the loader its function is the default export or `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

function loadSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

function compile(schema: Record<string, unknown>): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** The GitLab schema declares draft-07, which is Ajv's default dialect. */
export function gitlabValidator(): ValidateFunction {
  const schema = loadSchema('gitlab-secret-detection-report-format-15.2.4.json');
  if (schema['$schema'] !== 'http://json-schema.org/draft-07/schema#') throw new Error('unexpected draft');
  return compile(schema);
}

/**
 * The SARIF schema declares draft-04, which Ajv 8 does not ship. It uses no keyword whose meaning
 * changed after draft-04 (no boolean exclusiveMinimum/Maximum) apart from the root `id`, so it is
 * validated as draft-07 with `id` renamed to `$id`.
 */
export function sarifValidator(): ValidateFunction {
  const { $schema, id, ...rest } = loadSchema('sarif-schema-2.1.0.json');
  if ($schema !== 'http://json-schema.org/draft-04/schema#') throw new Error('unexpected draft');
  if (JSON.stringify(rest).includes('"exclusiveM'))
    throw new Error('draft-04 exclusive bounds need handling');
  return compile({ ...rest, $id: id });
}

export function errorsOf(validate: ValidateFunction): string {
  return JSON.stringify(validate.errors ?? [], null, 2);
}
