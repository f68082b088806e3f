/**
 * The opt-in legacy algorithms (SHA-1 signatures, P-224) as BoGo's flags ask for them. The
 * provider implements them (`allowSha1Signatures`, secp224r1 outside `supportedGroups`); tlskit
 * then uses a SHA-1 scheme in TLS 1.2 only when it is listed in `signatureSchemes`. BoringSSL
 * keeps signing and verifying preferences apart, tlskit has one list: a SHA-1 scheme named in
 * any `-signing-prefs` joins the list, so the key may sign with it (it is then also accepted
 * from the peer, as BoringSSL accepts rsa_pkcs1_sha1 by default).
 */
import type { CryptoProvider } from '@tlskit/crypto';
import { createNodeProvider } from '@tlskit/crypto/node';
import type { Credential, ShimConfig } from './flags.js';

/** rsa_pkcs1_sha1 and ecdsa_sha1. */
const SHA1_SCHEMES: readonly number[] = [0x0201, 0x0203];

/** BoringSSL's private code point for the MD5+SHA-1 RSA signature of TLS 1.0 and 1.1. */
const RSA_PKCS1_MD5_SHA1 = 0xff01;

/**
 * A -signing-prefs or -verify-prefs list without rsa_pkcs1_md5_sha1, which BoringSSL accepts in
 * its preferences but never signs with or accepts in TLS 1.2 and 1.3; tlskit has no such scheme
 * to leave out. A list of nothing else stays as it is (and is then unimplemented), since an
 * empty list would mean "no preference".
 */
export function withoutMd5Sha1(prefs: readonly number[]): number[] {
  const kept = prefs.filter((scheme) => scheme !== RSA_PKCS1_MD5_SHA1);
  return kept.length > 0 ? kept : [...prefs];
}

/** The shim's provider: node:crypto, able to sign and verify SHA-1 when the flags ask for it. */
export function shimProvider(): CryptoProvider {
  return createNodeProvider({ allowSha1Signatures: true });
}

function signingPrefs(values: ReadonlyMap<string, unknown>): readonly number[] {
  const prefs = values.get('-signing-prefs');
  return Array.isArray(prefs) ? (prefs as number[]) : [];
}

/**
 * The `signatureSchemes` option: `verifyPrefs` (or, when empty, the provider's default schemes,
 * which never hold SHA-1), plus each SHA-1 scheme a `-signing-prefs` names. Undefined when
 * there is nothing to set, so tlskit's own default applies.
 */
export function signatureSchemesOption(
  config: ShimConfig,
  provider: CryptoProvider,
  verifyPrefs: readonly number[],
): number[] | undefined {
  const signing = [config.values, ...(config.credentials as Credential[]).map((c) => c.values)]
    .flatMap(signingPrefs)
    .filter((scheme) => SHA1_SCHEMES.includes(scheme));
  if (signing.length === 0) return verifyPrefs.length === 0 ? undefined : [...verifyPrefs];
  const base =
    verifyPrefs.length > 0
      ? verifyPrefs
      : provider.supportedSignatureSchemes.filter((scheme) => !SHA1_SCHEMES.includes(scheme));
  return [
    ...base,
    ...signing.filter((scheme, i) => !base.includes(scheme) && signing.indexOf(scheme) === i),
  ];
}
