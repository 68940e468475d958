import type { Claims, TokenShape } from './shape.js';
import { slug } from './shape.js';

export const AZURE_AUDIENCE = 'api://AzureADTokenExchange';

/** Entra ID federated identity credential: matches issuer and subject exactly (no wildcards). */
export function azureCredential(claims: Claims, shape: TokenShape): Record<string, unknown> {
  return {
    name: slug(claims, shape),
    issuer: shape.issuer,
    subject: shape.sub,
    audiences: [AZURE_AUDIENCE],
    description: `Keyless: ${shape.sub}`,
  };
}

export function azureNotes(shape: TokenShape): string[] {
  const notes = [
    'add it to the app registration or user-assigned managed identity (az ad app federated-credential create / az identity federated-credential create)',
    'Entra compares the subject exactly: every branch, environment or event the job runs under needs its own credential',
  ];
  if (!shape.aud.includes(AZURE_AUDIENCE))
    notes.push(
      `this token's aud is ${shape.aud.join(', ') || '(none)'}: the job must request ${AZURE_AUDIENCE} for Azure`,
    );
  return notes;
}
