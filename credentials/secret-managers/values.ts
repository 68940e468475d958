/** Picking one key out of a JSON secret; messages name the key and the secret, never the value. */
import { CredentialError } from '../types.js';

export function jsonField(text: string, key: string, where: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CredentialError(
      `${where} is not a JSON object: JSON key "${key}" cannot apply (drop it to export the whole value)`,
      'config',
    );
  }
  const value = (body as Record<string, unknown>)[key];
  if (value === undefined || value === null) {
    const keys = Object.keys(body).slice(0, 20).join(', ');
    throw new CredentialError(`${where} has no JSON key "${key}" (its keys: ${keys || 'none'})`, 'config');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
