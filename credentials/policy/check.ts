import { CredentialError } from '../types.js';
import type { IdentityToken } from '../types.js';
import { checkClaims, formatClaimReport } from './claims.js';
import type { ClaimExpectations } from './claims.js';
import { verifySignature } from './jwks.js';
import type { VerifyOptions, VerifyResult } from './jwks.js';

export interface TokenCheckOptions extends ClaimExpectations, VerifyOptions {
  /** Skip the JWKS signature check (the provider still verifies). Default: verify. */
  verify?: boolean;
}

export interface TokenCheck {
  signature: VerifyResult | { status: 'not-checked' };
  /** Things the user should know that do not stop the exchange. */
  warnings: string[];
}

/**
 * Everything Keyless checks before a token leaves the job. Claims first: a token from an
 * unexpected issuer must not make Keyless fetch keys from wherever its `iss` points. Throws a
 * `claims` CredentialError (claim-by-claim message) on a mismatch or a bad signature.
 */
export async function checkToken(token: IdentityToken, options: TokenCheckOptions = {}): Promise<TokenCheck> {
  const report = checkClaims(token.claims, options);
  if (!report.ok) throw new CredentialError(formatClaimReport(report, token), 'claims');
  if (options.verify === false) return { signature: { status: 'not-checked' }, warnings: [] };
  const warnings: string[] = [];
  if (options.issuer === undefined)
    warnings.push(
      'no expected issuer declared: the signature check proves only that the token matches the keys of the issuer it names',
    );
  const signature = await verifySignature(token, options);
  if (signature.status === 'skipped') warnings.push(signature.warning);
  return { signature, warnings };
}
