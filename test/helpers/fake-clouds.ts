/**
 * One start-up for the credentials tests' fakes: an OIDC issuer, then whichever of the Actions id-token
 * endpoint, STS, Secrets Manager, GCP, GCP Secret Manager, Entra, Key Vault, Vault and octo-sts the spec names,
 * each trusting that issuer. The result has exactly the fakes asked for, `reset()` for the call and
 * failure lists a test leaves behind, and `close()`.
 */
import { GithubActionsIdentity } from '../../credentials/identity/index.js';
import { startFakeSecretsManager } from '../fakes/aws-secrets-manager.js';
import type { FakeSecret, FakeSecretsManager } from '../fakes/aws-secrets-manager.js';
import { startFakeSts } from '../fakes/aws-sts.js';
import type { FakeRole, FakeSts } from '../fakes/aws-sts.js';
import { startFakeKeyVault } from '../fakes/azure-key-vault.js';
import type { FakeKeyVault, FakeKeyVaultVault } from '../fakes/azure-key-vault.js';
import { startFakeEntra } from '../fakes/entra.js';
import type { FakeEntra } from '../fakes/entra.js';
import { startFakeGcp } from '../fakes/gcp.js';
import type { FakeGcp } from '../fakes/gcp.js';
import { startFakeSecretManager } from '../fakes/gcp-secret-manager.js';
import type { FakeGcpSecret, FakeSecretManager } from '../fakes/gcp-secret-manager.js';
import { startGithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import type { GithubIdTokenEndpoint } from '../fakes/github-id-token.js';
import type { Trust } from '../fakes/jwt-trust.js';
import { startFakeOctoSts } from '../fakes/octo-sts.js';
import type { FakeOctoSts } from '../fakes/octo-sts.js';
import { startOidcIssuer } from '../fakes/oidc-issuer.js';
import type { OidcIssuer } from '../fakes/oidc-issuer.js';
import { startFakeVault } from '../fakes/vault.js';
import type { FakeVault, FakeVaultOptions, FakeVaultRole } from '../fakes/vault.js';

export interface CloudsSpec {
  /** The Actions id-token endpoint (its tokens come from the issuer). */
  idToken?: true;
  sts?: Record<string, FakeRole>;
  secretsManager?: { account: string; region: string; secrets: Record<string, FakeSecret> };
  /** Workload identity providers by full name (`//iam.googleapis.com/projects/...`). */
  gcp?: { providers: Record<string, Trust>; serviceAccounts?: Record<string, { subjects: string[] }> };
  /** `principal` maps a bearer token to who it acts as; default: the federated token's subject. */
  gcpSecretManager?: {
    secrets: Record<string, FakeGcpSecret>;
    principal?: (gcp: FakeGcp) => (token: string) => string | undefined;
  };
  /** tenant -> client id -> trust. */
  entra?: Record<string, Record<string, Trust>>;
  keyVault?: Record<string, FakeKeyVaultVault>;
  vault?: FakeVaultOptions;
  /** octo-sts trust policies by `owner/repo/policy`. */
  octoSts?: Record<string, Trust>;
}

interface FakeKinds {
  idToken: GithubIdTokenEndpoint;
  sts: FakeSts;
  secretsManager: FakeSecretsManager;
  gcp: FakeGcp;
  gcpSecretManager: FakeSecretManager;
  entra: FakeEntra;
  keyVault: FakeKeyVault;
  vault: FakeVault;
  octoSts: FakeOctoSts;
}

export type FakeClouds<S extends CloudsSpec> = {
  issuer: OidcIssuer;
  /** Empties every started fake's call and failure lists (issued tokens and sessions stay). */
  reset(): void;
  close(): Promise<void>;
} & { [K in keyof S & keyof FakeKinds]: FakeKinds[K] };

/** Trust in the test issuer for `audiences`, optionally bound to exact claims. */
export type TrustFor = (audiences: string | string[], claims?: Record<string, string>) => Trust;

export async function startFakeClouds<S extends CloudsSpec>(
  build: (trust: TrustFor, issuer: OidcIssuer) => S,
): Promise<FakeClouds<S>> {
  const issuer = await startOidcIssuer();
  const trust: TrustFor = (audiences, claims) => ({
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    audiences: typeof audiences === 'string' ? [audiences] : audiences,
    ...(claims ? { claims } : {}),
  });
  const spec = build(trust, issuer);
  const started: Partial<FakeKinds> = {};
  try {
    if (spec.idToken) started.idToken = await startGithubIdTokenEndpoint(issuer);
    if (spec.sts) started.sts = await startFakeSts(spec.sts);
    if (spec.secretsManager) {
      const { secrets, account, region } = spec.secretsManager;
      if (!started.sts) throw new Error('fake Secrets Manager needs the fake STS (spec.sts)');
      started.secretsManager = await startFakeSecretsManager(started.sts, secrets, { account, region });
    }
    if (spec.gcp) {
      const { providers, serviceAccounts = {} } = spec.gcp;
      started.gcp = await startFakeGcp({ providers, serviceAccounts });
    }
    if (spec.gcpSecretManager) {
      const gcp = started.gcp;
      if (!gcp) throw new Error('fake GCP Secret Manager needs the fake GCP (spec.gcp)');
      const principal = spec.gcpSecretManager.principal?.(gcp) ?? ((t: string) => gcp.federated.get(t));
      started.gcpSecretManager = await startFakeSecretManager(principal, spec.gcpSecretManager.secrets);
    }
    if (spec.entra) started.entra = await startFakeEntra(spec.entra);
    if (spec.keyVault) {
      if (!started.entra) throw new Error('fake Key Vault needs the fake Entra (spec.entra)');
      started.keyVault = await startFakeKeyVault(started.entra, spec.keyVault);
    }
    if (spec.vault) started.vault = await startFakeVault(spec.vault);
    if (spec.octoSts) started.octoSts = await startFakeOctoSts(spec.octoSts);
  } catch (error) {
    await closeAll(started, issuer);
    throw error;
  }
  return {
    ...started,
    issuer,
    reset: () => resetAll(started),
    close: () => closeAll(started, issuer),
  } as FakeClouds<S>;
}

function resetAll(f: Partial<FakeKinds>): void {
  const lists: (unknown[] | undefined)[] = [
    f.idToken?.requests,
    f.sts?.calls,
    f.sts?.failures,
    f.secretsManager?.calls,
    f.secretsManager?.failures,
    f.gcp?.requests,
    f.gcp?.failures,
    f.gcpSecretManager?.requests,
    f.gcpSecretManager?.failures,
    f.entra?.requests,
    f.entra?.failures,
    f.keyVault?.requests,
    f.keyVault?.failures,
    f.vault?.requests,
    f.vault?.failures,
    f.vault?.revokedLeases,
    f.vault?.revokedTokens,
    f.octoSts?.requests,
    f.octoSts?.failures,
    f.octoSts?.revoked,
  ];
  for (const list of lists) if (list) list.length = 0;
  if (f.gcpSecretManager) f.gcpSecretManager.corrupt = 0;
}

async function closeAll(f: Partial<FakeKinds>, issuer: OidcIssuer): Promise<void> {
  await Promise.all(Object.values(f).map((fake) => fake.close()));
  await issuer.close();
}

/** The job token source a GitHub Actions step would use, pointed at the fake id-token endpoint. */
export function actionsIdentity(endpoint: GithubIdTokenEndpoint): GithubActionsIdentity {
  return new GithubActionsIdentity({ requestUrl: endpoint.requestUrl, requestToken: endpoint.requestToken });
}

/** A Vault JWT role that trusts what `trust` does (audiences and claims bound) and reads `allow`. */
export function vaultRole(trust: Trust, allow: string[]): FakeVaultRole {
  return {
    issuer: trust.issuer,
    jwksUri: trust.jwksUri,
    boundAudiences: trust.audiences,
    ...(trust.claims ? { boundClaims: trust.claims } : {}),
    allow,
  };
}
