/**
 * GitHub's published REST description (@octokit/openapi, dereferenced): finds the operation for a
 * method and path, and validates parameters, request bodies and the fake's own responses with ajv.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Record<string, unknown>;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema?: Record<string, unknown>; examples?: Record<string, { value: unknown }> }
      >;
    }
  >;
}

export interface MatchedOperation {
  template: string;
  operation: Operation;
  params: Record<string, string>;
}

// ajv-formats is CommonJS; depending on the loader its function is the default export or `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export class OpenApi {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<object, ValidateFunction>();
  private readonly routes: {
    method: string;
    template: string;
    regex: RegExp;
    names: string[];
    operation: Operation;
  }[] = [];

  constructor() {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.deref.json');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as {
      paths: Record<string, Record<string, Operation>>;
    };
    for (const [template, methods] of Object.entries(spec.paths)) {
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
      for (const [method, operation] of Object.entries(methods)) {
        if (typeof operation !== 'object' || !('operationId' in operation)) continue;
        this.routes.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^${pattern}$`),
          names,
          operation,
        });
      }
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, discriminator: true, verbose: true });
    addFormats(this.ajv);
    // GitHub's own format for `owner/name` (pulls: head_repo).
    this.ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
  }

  match(method: string, path: string): MatchedOperation | undefined {
    // A literal segment beats a parameter (`/check-runs/{id}` vs a longer literal route).
    const candidates = this.routes.filter((route) => route.method === method && route.regex.test(path));
    candidates.sort((a, b) => a.names.length - b.names.length);
    const route = candidates[0];
    if (!route) return undefined;
    const values = route.regex.exec(path)?.slice(1) ?? [];
    const params = Object.fromEntries(
      route.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
    );
    return { template: route.template, operation: route.operation, params };
  }

  private validator(schema: Record<string, unknown>): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  private check(schema: Record<string, unknown>, value: unknown, what: string): string[] {
    const validate = this.validator(schema);
    if (validate(value)) return [];
    // OpenAPI 3.0 `nullable: true` also admits null past an `enum`, which ajv applies to `type` only.
    const errors = (validate.errors ?? []).filter(
      (e) =>
        !(e.keyword === 'enum' && e.data === null && (e.parentSchema as { nullable?: boolean })?.nullable),
    );
    return errors.map((e) => `${what}${e.instancePath} ${e.message ?? 'is invalid'}`);
  }

  /** Problems with a request; empty when it is one the API documents. */
  validateRequest(matched: MatchedOperation, query: URLSearchParams, body: unknown): string[] {
    const problems: string[] = [];
    const parameters = matched.operation.parameters ?? [];
    for (const param of parameters) {
      if (param.in === 'path') {
        const raw = matched.params[param.name] ?? '';
        problems.push(...this.check(param.schema, coerce(raw, param.schema), `path parameter ${param.name}`));
      }
      if (param.in === 'query') {
        const raw = query.get(param.name);
        if (raw === null) {
          if (param.required) problems.push(`query parameter ${param.name} is required`);
          continue;
        }
        problems.push(
          ...this.check(param.schema, coerce(raw, param.schema), `query parameter ${param.name}`),
        );
      }
    }
    const known = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of query.keys()) if (!known.has(name)) problems.push(`unknown query parameter ${name}`);
    const requestBody = matched.operation.requestBody;
    const schema = requestBody?.content['application/json']?.schema;
    if (body === undefined) {
      if (requestBody?.required) problems.push('a JSON request body is required');
    } else if (!schema) {
      problems.push('this operation takes no JSON body');
    } else {
      problems.push(...this.check(schema, body, 'body'));
    }
    return problems;
  }

  /** The documented example for a status, as the template of the fake's answer. */
  example(matched: MatchedOperation, status: number): unknown {
    const content = matched.operation.responses[String(status)]?.content?.['application/json'];
    const examples = Object.values(content?.examples ?? {});
    return structuredClone(examples[0]?.value);
  }

  validateResponse(matched: MatchedOperation, status: number, body: unknown): string[] {
    const schema = matched.operation.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return [`status ${status} is not documented for ${matched.operation.operationId}`];
    return this.check(schema, body, `response ${status}`);
  }
}

function coerce(raw: string, schema: Record<string, unknown>): unknown {
  if ((schema['type'] === 'integer' || schema['type'] === 'number') && /^-?\d+(\.\d+)?$/.test(raw))
    return Number(raw);
  if (schema['type'] === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}
