/**
 * The audit trail of an exchange: who (the token's subject and repository), what (provider and the
 * grant: role, scopes, paths), when, and until when. Built from `Credentials.grant` and token claims
 * only — a record never holds a credential value or the token.
 */
import type { Credentials, IdentityToken } from './types.js';

export type AuditEvent = 'granted' | 'refused' | 'failed' | 'revoked' | 'revoke-failed';

export interface AuditWho {
  sub?: string;
  issuer?: string;
  /** GitHub `repository` or GitLab `project_path`. */
  repository?: string;
  ref?: string;
  /** A run URL or `<run id>[/<attempt>]`. */
  run?: string;
}

export interface AuditRecord {
  time: string;
  event: AuditEvent;
  provider: string;
  who: AuditWho;
  what: Record<string, string | string[]>;
  expiresAt?: string;
  error?: { kind: string; message: string };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export function whoOf(token: IdentityToken | undefined, run: string | undefined): AuditWho {
  const c = token?.claims ?? {};
  const who: AuditWho = {};
  const set = (k: keyof AuditWho, v: string | undefined): void => {
    if (v !== undefined) who[k] = v;
  };
  set('sub', str(c['sub']));
  set('issuer', str(c['iss']));
  set('repository', str(c['repository']) ?? str(c['project_path']));
  set('ref', str(c['ref']));
  set('run', run);
  return who;
}

/** The grant without anything equal to one of the credential's secret values (defence in depth). */
export function safeGrant(credentials: Credentials): Record<string, string | string[]> {
  const secrets = new Set(credentials.values.filter((v) => v.secret).map((v) => v.value));
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(credentials.grant)) {
    out[k] = Array.isArray(v) ? v.filter((x) => !secrets.has(x)) : secrets.has(v) ? '[redacted]' : v;
  }
  return out;
}

export function renderAuditLines(records: readonly AuditRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table for the job summary. */
export function renderAuditMarkdown(records: readonly AuditRecord[]): string {
  const rows = records.map((r) => {
    const what = Object.entries(r.what)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
      .join('; ');
    return `| ${r.time} | ${r.event} | ${r.provider} | ${cell(r.who.sub ?? '')} | ${cell(what || (r.error?.message ?? ''))} | ${r.expiresAt ?? ''} |`;
  });
  return [
    '| time | event | provider | subject | what | expires |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
