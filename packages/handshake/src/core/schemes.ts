/**
 * Signature schemes (RFC 8446 4.2.3, RFC 5246 7.4.1.4.1): which ones each version allows, which
 * key makes which signature, and our choice among the peer's. Both versions and the proofs use
 * them, so they belong to neither.
 */
import type { CryptoProvider, PrivateKey } from '@tlskit/crypto';
import { SignatureScheme } from '@tlskit/wire';
import type { CertificateEntry } from './options.js';

/** RFC 8446 4.4.3: schemes that may appear in a TLS 1.3 CertificateVerify. */
export function isTls13SignatureScheme(scheme: number): boolean {
  switch (scheme) {
    case SignatureScheme.ecdsa_secp256r1_sha256:
    case SignatureScheme.ecdsa_secp384r1_sha384:
    case SignatureScheme.ecdsa_secp521r1_sha512:
    case SignatureScheme.rsa_pss_rsae_sha256:
    case SignatureScheme.rsa_pss_rsae_sha384:
    case SignatureScheme.rsa_pss_rsae_sha512:
    case SignatureScheme.rsa_pss_pss_sha256:
    case SignatureScheme.rsa_pss_pss_sha384:
    case SignatureScheme.rsa_pss_pss_sha512:
    case SignatureScheme.ed25519:
    case SignatureScheme.ed448:
      return true;
    default:
      return false;
  }
}

/** Whether `key` can make or check a TLS 1.3 signature with `scheme` (4.2.3: ECDSA names its curve). */
export function schemeFitsKey(scheme: number, key: { type: string; curve?: string }): boolean {
  switch (scheme) {
    case SignatureScheme.ecdsa_secp256r1_sha256:
      return key.type === 'ec' && key.curve === 'P-256';
    case SignatureScheme.ecdsa_secp384r1_sha384:
      return key.type === 'ec' && key.curve === 'P-384';
    case SignatureScheme.ecdsa_secp521r1_sha512:
      return key.type === 'ec' && key.curve === 'P-521';
    case SignatureScheme.rsa_pss_rsae_sha256:
    case SignatureScheme.rsa_pss_rsae_sha384:
    case SignatureScheme.rsa_pss_rsae_sha512:
      return key.type === 'rsa';
    case SignatureScheme.rsa_pss_pss_sha256:
    case SignatureScheme.rsa_pss_pss_sha384:
    case SignatureScheme.rsa_pss_pss_sha512:
      return key.type === 'rsa-pss';
    case SignatureScheme.ed25519:
      return key.type === 'ed25519';
    default:
      return false;
  }
}

/**
 * The schemes we may sign with using `key`: what the provider can make with it, within the
 * caller's `signingSchemes` when set.
 */
function signableSchemes(
  provider: { signatureSchemesFor(key: PrivateKey): readonly number[] },
  key: PrivateKey,
  allowed: readonly number[] | undefined,
): readonly number[] {
  const ours = provider.signatureSchemesFor(key);
  return allowed === undefined ? ours : ours.filter((s) => allowed.includes(s));
}

/**
 * The first of the peer's schemes (their preference order) our key can make in TLS 1.3, among
 * `allowed` (`signingSchemes`) when set.
 */
export function chooseScheme(
  provider: { signatureSchemesFor(key: CertificateEntry['key']): readonly number[] },
  entry: CertificateEntry,
  peerSchemes: readonly number[],
  allowed: readonly number[] | undefined,
): number | undefined {
  const ours = signableSchemes(provider, entry.key, allowed);
  return peerSchemes.find(
    (s) => isTls13SignatureScheme(s) && ours.includes(s) && schemeFitsKey(s, entry.key),
  );
}

/** Schemes a TLS 1.2 ServerKeyExchange or CertificateVerify may use by default (no SHA-1). */
export function isTls12SignatureScheme(scheme: number): boolean {
  switch (scheme) {
    case SignatureScheme.ecdsa_secp256r1_sha256:
    case SignatureScheme.ecdsa_secp384r1_sha384:
    case SignatureScheme.ecdsa_secp521r1_sha512:
    case SignatureScheme.rsa_pss_rsae_sha256:
    case SignatureScheme.rsa_pss_rsae_sha384:
    case SignatureScheme.rsa_pss_rsae_sha512:
    case SignatureScheme.rsa_pkcs1_sha256:
    case SignatureScheme.rsa_pkcs1_sha384:
    case SignatureScheme.rsa_pkcs1_sha512:
    case SignatureScheme.ed25519:
      return true;
    default:
      return false;
  }
}

/**
 * rsa_pkcs1_sha1 and ecdsa_sha1: RFC 9155 deprecates them in TLS 1.2 (and TLS 1.3 forbids
 * them), so tlskit never offers, accepts or signs them unless the caller lists them in
 * `signatureSchemes`, and then in TLS 1.2 only.
 */
export function isSha1SignatureScheme(scheme: number): boolean {
  return scheme === SignatureScheme.rsa_pkcs1_sha1 || scheme === SignatureScheme.ecdsa_sha1;
}

/** Whether a TLS 1.2 signature with `scheme` can come from a key of this type. */
export function scheme12FitsKey(scheme: number, key: { type: string }): boolean {
  if (!isTls12SignatureScheme(scheme) && !isSha1SignatureScheme(scheme)) return false;
  if (scheme === SignatureScheme.ed25519) return key.type === 'ed25519';
  // ecdsa_* code points end in 0x03; in TLS 1.2 the curve comes from the key.
  if ((scheme & 0xff) === 0x03) return key.type === 'ec';
  return key.type === 'rsa';
}

/**
 * Our key's first scheme (in the peer's order) that TLS 1.2 allows, among `allowed`
 * (`signingSchemes`) when set. A SHA-1 scheme only when it is in our own TLS 1.2 list
 * (`configured`, from the caller's `signatureSchemes`), and only as a last resort: when nothing
 * stronger is in common, whatever the peer prefers (RFC 9155).
 */
export function chooseScheme12(
  provider: CryptoProvider,
  key: PrivateKey,
  peerSchemes: readonly number[],
  configured: readonly number[],
  allowed: readonly number[] | undefined,
): number | undefined {
  const ours = signableSchemes(provider, key, allowed);
  return (
    peerSchemes.find((s) => isTls12SignatureScheme(s) && ours.includes(s)) ??
    peerSchemes.find((s) => isSha1SignatureScheme(s) && configured.includes(s) && ours.includes(s))
  );
}
