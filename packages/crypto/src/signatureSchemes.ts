import type { HashName, KeyType } from './provider.js';

/** An elliptic curve a signature key can be on. */
export type CurveName = 'P-256' | 'P-384' | 'P-521';

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

function scheme(
  code: number,
  name: string,
  algorithm: SignatureAlgorithm,
  keyType: KeyType,
  hash: HashName | undefined,
  extra: { curve?: CurveName; tls13?: boolean; legacy?: boolean } = {},
): SignatureSchemeInfo {
  return {
    code,
    name,
    algorithm,
    keyType,
    ...(hash === undefined ? {} : { hash }),
    ...(extra.curve === undefined ? {} : { curve: extra.curve }),
    tls13: extra.tls13 ?? false,
    legacy: extra.legacy ?? false,
  };
}

/** Every signature scheme the noble provider knows, most preferred first. */
export const SIGNATURE_SCHEMES: readonly SignatureSchemeInfo[] = [
  scheme(0x0403, 'ecdsa_secp256r1_sha256', 'ecdsa', 'ec', 'SHA-256', {
    curve: 'P-256',
    tls13: true,
  }),
  scheme(0x0503, 'ecdsa_secp384r1_sha384', 'ecdsa', 'ec', 'SHA-384', {
    curve: 'P-384',
    tls13: true,
  }),
  scheme(0x0603, 'ecdsa_secp521r1_sha512', 'ecdsa', 'ec', 'SHA-512', {
    curve: 'P-521',
    tls13: true,
  }),
  scheme(0x0807, 'ed25519', 'ed25519', 'ed25519', undefined, { tls13: true }),
  scheme(0x0804, 'rsa_pss_rsae_sha256', 'rsa-pss-rsae', 'rsa', 'SHA-256', { tls13: true }),
  scheme(0x0805, 'rsa_pss_rsae_sha384', 'rsa-pss-rsae', 'rsa', 'SHA-384', { tls13: true }),
  scheme(0x0806, 'rsa_pss_rsae_sha512', 'rsa-pss-rsae', 'rsa', 'SHA-512', { tls13: true }),
  scheme(0x0809, 'rsa_pss_pss_sha256', 'rsa-pss-pss', 'rsa-pss', 'SHA-256', { tls13: true }),
  scheme(0x080a, 'rsa_pss_pss_sha384', 'rsa-pss-pss', 'rsa-pss', 'SHA-384', { tls13: true }),
  scheme(0x080b, 'rsa_pss_pss_sha512', 'rsa-pss-pss', 'rsa-pss', 'SHA-512', { tls13: true }),
  scheme(0x0401, 'rsa_pkcs1_sha256', 'rsa-pkcs1', 'rsa', 'SHA-256'),
  scheme(0x0501, 'rsa_pkcs1_sha384', 'rsa-pkcs1', 'rsa', 'SHA-384'),
  scheme(0x0601, 'rsa_pkcs1_sha512', 'rsa-pkcs1', 'rsa', 'SHA-512'),
  scheme(0x0203, 'ecdsa_sha1', 'ecdsa', 'ec', 'SHA-1', { legacy: true }),
  scheme(0x0201, 'rsa_pkcs1_sha1', 'rsa-pkcs1', 'rsa', 'SHA-1', { legacy: true }),
];

const BY_CODE = new Map(SIGNATURE_SCHEMES.map((s) => [s.code, s]));

/** The scheme for a code point, or undefined when unknown. */
export function signatureSchemeInfo(code: number): SignatureSchemeInfo | undefined {
  return BY_CODE.get(code);
}
