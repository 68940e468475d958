/**
 * GitHub Actions secrets are written as a libsodium sealed box (X25519 + XSalsa20-Poly1305, anonymous
 * sender) to the repository's or environment's public key; GitHub alone can open it.
 */
import sodium from 'libsodium-wrappers';

/** `key` is the base64 public key of `GET .../secrets/public-key`; the result is base64 as the PUT wants. */
export async function sealForGitHub(value: string, key: string): Promise<string> {
  await sodium.ready;
  let publicKey: Uint8Array;
  try {
    publicKey = sodium.from_base64(key, sodium.base64_variants.ORIGINAL);
  } catch {
    throw new Error('the public key GitHub returned is not base64');
  }
  if (publicKey.length !== sodium.crypto_box_PUBLICKEYBYTES) {
    throw new Error(`the public key GitHub returned has ${publicKey.length} bytes, expected 32`);
  }
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), publicKey);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
