import { SignatureScheme as S } from '@tlskit/wire';
import type { HashName, KeyType, PrivateKey, PublicKey } from './provider.js';

/**
 * An elliptic curve a signature key can be on. P-224 is a legacy curve: its keys sign only in
 * TLS 1.2 (no TLS 1.3 scheme names it, RFC 8446 4.2.3), with the ECDSA schemes' hashes.
 */
export type CurveName = 'P-224' | 'P-256' | 'P-384' | 'P-521';

/** How a signature scheme signs. */
export type SignatureAlgorithm = 'ecdsa' | 'ed25519' | 'rsa-pss-rsae' | 'rsa-pss-pss' | 'rsa-pkcs1';

/** A TLS SignatureScheme (RFC 8446 4.2.3) as data. */
export interface SignatureSchemeInfo {
  /** The SignatureScheme code point. */
  readonly code: number;
  /** IANA name, e.g. `ecdsa_secp256r1_sha256`. */
  readonly name: string;
  readonly algorithm: SignatureAlgorithm;
  /** The hash applied to the message; absent for Ed25519, which hashes internally. */
  readonly hash?: HashName;
  /** The kind of key that produces it (RFC 8446 4.2.3: rsae needs rsaEncryption, pss needs RSASSA-PSS). */
  readonly keyType: KeyType;
  /** For ECDSA in TLS 1.3, the curve the scheme names (TLS 1.2 and X.509 only use the hash). */
  readonly curve?: CurveName;
  /** Allowed in TLS 1.3 CertificateVerify (RFC 8446 4.2.3: not PKCS#1 v1.5, not SHA-1). */
  readonly tls13: boolean;
  /** SHA-1 schemes: verification only, and only when the provider is told to allow them. */
  readonly legacy: boolean;
}

const KEY_TYPE: Readonly<Record<SignatureAlgorithm, KeyType>> = {
  ecdsa: 'ec',
  ed25519: 'ed25519',
  'rsa-pss-rsae': 'rsa',
  'rsa-pss-pss': 'rsa-pss',
  'rsa-pkcs1': 'rsa',
};

function scheme(
  name: keyof typeof S,
  algorithm: SignatureAlgorithm,
  hash?: HashName,
  curve?: CurveName,
): SignatureSchemeInfo {
  const legacy = hash === 'SHA-1';
  return {
    code: S[name],
    name,
    algorithm,
    keyType: KEY_TYPE[algorithm],
    ...(hash === undefined ? {} : { hash }),
    ...(curve === undefined ? {} : { curve }),
    // RFC 8446 4.2.3: PKCS#1 v1.5 only in certificates, SHA-1 not at all.
    tls13: algorithm !== 'rsa-pkcs1' && !legacy,
    legacy,
  };
}

/** Every signature scheme the noble provider knows, most preferred first. */
export const SIGNATURE_SCHEMES: readonly SignatureSchemeInfo[] = [
  scheme('ecdsa_secp256r1_sha256', 'ecdsa', 'SHA-256', 'P-256'),
  scheme('ecdsa_secp384r1_sha384', 'ecdsa', 'SHA-384', 'P-384'),
  scheme('ecdsa_secp521r1_sha512', 'ecdsa', 'SHA-512', 'P-521'),
  scheme('ed25519', 'ed25519'),
  scheme('rsa_pss_rsae_sha256', 'rsa-pss-rsae', 'SHA-256'),
  scheme('rsa_pss_rsae_sha384', 'rsa-pss-rsae', 'SHA-384'),
  scheme('rsa_pss_rsae_sha512', 'rsa-pss-rsae', 'SHA-512'),
  scheme('rsa_pss_pss_sha256', 'rsa-pss-pss', 'SHA-256'),
  scheme('rsa_pss_pss_sha384', 'rsa-pss-pss', 'SHA-384'),
  scheme('rsa_pss_pss_sha512', 'rsa-pss-pss', 'SHA-512'),
  scheme('rsa_pkcs1_sha256', 'rsa-pkcs1', 'SHA-256'),
  scheme('rsa_pkcs1_sha384', 'rsa-pkcs1', 'SHA-384'),
  scheme('rsa_pkcs1_sha512', 'rsa-pkcs1', 'SHA-512'),
  scheme('ecdsa_sha1', 'ecdsa', 'SHA-1'),
  scheme('rsa_pkcs1_sha1', 'rsa-pkcs1', 'SHA-1'),
];

const BY_CODE = new Map(SIGNATURE_SCHEMES.map((s) => [s.code, s]));

/** The scheme for a code point, or undefined when unknown. */
export function signatureSchemeInfo(code: number): SignatureSchemeInfo | undefined {
  return BY_CODE.get(code);
}

/**
 * Whether a peer may use `code` with this key in the given TLS version: the scheme is known
 * and fits the key type (RFC 8446 4.2.3: rsae schemes need an rsaEncryption key, pss schemes an
 * RSASSA-PSS key); in TLS 1.3 it must also be allowed in CertificateVerify (no PKCS#1 v1.5, no
 * SHA-1) and an ECDSA scheme must name the key's curve. TLS 1.2 ECDSA only names the hash
 * (RFC 5246 7.4.1.4.1). SHA-1 schemes never fit here; X.509 callers opt in on the provider.
 */
export function signatureSchemeFitsKey(
  code: number,
  key: PublicKey | PrivateKey,
  version: 'TLS1.3' | 'TLS1.2',
): boolean {
  const s = BY_CODE.get(code);
  if (s === undefined || s.legacy || s.keyType !== key.type) return false;
  if (version === 'TLS1.2') return true;
  return s.tls13 && (s.curve === undefined || s.curve === key.curve);
}
