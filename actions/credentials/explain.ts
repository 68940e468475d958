/**
 * The `explain` input: the job token's claims and the trust configuration each requested provider
 * needs for exactly this job — printed to the log (claims are not secret; the token never is).
 */
import { explain, EXPLAIN_PROVIDERS } from '../../credentials/policy/explain/index.js';
import type { ExplainProvider } from '../../credentials/policy/explain/index.js';
import { roleAccount } from '../../credentials/providers/aws-names.js';
import { requestedProviders } from '../../credentials/request.js';
import type { CredentialsRequest } from '../../credentials/request.js';
import { secretPermissions } from '../../credentials/secret-managers/permissions.js';

export function explainLines(claims: Record<string, unknown>, request: CredentialsRequest): string[] {
  const providers = requestedProviders(request).filter((p): p is ExplainProvider =>
    (EXPLAIN_PROVIDERS as readonly string[]).includes(p),
  );
  let accountId: string | undefined;
  try {
    const roleArn = request.aws?.roleArn ?? request.aws?.profiles?.[0]?.roleArn;
    accountId = roleArn ? roleAccount(roleArn) : undefined;
  } catch {
    accountId = undefined;
  }
  const result = explain(claims, {
    providers,
    ...(accountId ? { aws: { accountId } } : {}),
  });
  const lines = ['Job token claims:', JSON.stringify(claims, null, 2)];
  for (const p of result.providers) {
    lines.push('', `${p.title}:`, JSON.stringify(p.config, null, 2));
    for (const note of p.notes) lines.push(`- ${note}`);
  }
  // Past the trust: what the role/principal/app must be allowed to read.
  for (const p of secretPermissions(request, claims)) {
    lines.push(
      '',
      `${p.title}:`,
      Array.isArray(p.config) ? p.config.join('\n') : JSON.stringify(p.config, null, 2),
    );
    for (const note of p.notes) lines.push(`- ${note}`);
  }
  return lines;
}
