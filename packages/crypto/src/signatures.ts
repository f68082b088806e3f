import { ed25519 } from '@noble/curves/ed25519.js';
import { SignatureScheme as S } from '@tlskit/wire';
import { decodeEcdsaSignature, encodeEcdsaSignature } from './der.js';
import { HASH_LENGTH, hash } from './hash.js';
import { type DecodedPrivateKey, type DecodedPublicKey, decodeSpki, NIST_CURVES } from './keys.js';
import type { HashName, PrivateKey, PublicKey } from './provider.js';
import { type SignatureSchemeInfo, signatureSchemeInfo } from './signatureSchemes.js';

/** Options that change what `verify` accepts. */
export interface VerifyPolicy {
  /** Verify ecdsa_sha1 and rsa_pkcs1_sha1 (old X.509 chains only; never TLS 1.3). */
  readonly allowSha1: boolean;
}

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (s === undefined) {
    throw new Error(
      'RSA signatures need WebCrypto (globalThis.crypto.subtle), which this runtime lacks',
    );
  }
  return s;
}

/** WebCrypto keys are bound to an algorithm and hash at import, so cache one per use. */
const cryptoKeyCache = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>();

function rsaCryptoKey(
  der: Uint8Array,
  format: 'spki' | 'pkcs8',
  algorithm: 'RSA-PSS' | 'RSASSA-PKCS1-v1_5',
  hashName: HashName,
): Promise<CryptoKey> {
  let perKey = cryptoKeyCache.get(der);
  if (perKey === undefined) {
    perKey = new Map();
    cryptoKeyCache.set(der, perKey);
  }
  const id = `${algorithm}/${hashName}`;
  let key = perKey.get(id);
  if (key === undefined) {
    key = subtle().importKey(
      format,
      der as Uint8Array<ArrayBuffer>,
      { name: algorithm, hash: hashName },
      false,
      [format === 'spki' ? 'verify' : 'sign'],
    );
    perKey.set(id, key);
  }
  return key;
}

function rsaParams(s: SignatureSchemeInfo): RsaPssParams | AlgorithmIdentifier {
  // RFC 8446 4.2.3: the PSS salt length equals the digest length.
  return s.algorithm === 'rsa-pkcs1'
    ? { name: 'RSASSA-PKCS1-v1_5' }
    : { name: 'RSA-PSS', saltLength: HASH_LENGTH[s.hash ?? 'SHA-256'] };
}

function keyMatches(s: SignatureSchemeInfo, type: string): boolean {
  return s.keyType === type;
}

const decodedPublicKeys = new WeakMap<Uint8Array, DecodedPublicKey | null>();

/** Decodes (once) the SPKI of a PublicKey; null when it does not parse. */
function decodedPublic(key: PublicKey): DecodedPublicKey | null {
  let d = decodedPublicKeys.get(key.spki);
  if (d === undefined) {
    try {
      d = decodeSpki(key.spki);
    } catch {
      d = null;
    }
    decodedPublicKeys.set(key.spki, d);
  }
  return d;
}

/**
 * Verifies `signature` over `message` with the scheme's hash. Resolves false for anything
 * that does not verify: a malformed signature or key, a scheme the key cannot produce, an
 * unknown scheme. ECDSA uses the curve of the key (callers enforce TLS 1.3's curve match).
 */
export async function verifySignature(
  policy: VerifyPolicy,
  code: number,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const s = signatureSchemeInfo(code);
  if (s === undefined || (s.legacy && !policy.allowSha1)) return false;
  const k = decodedPublic(key);
  if (k === null || !keyMatches(s, k.type)) return false;
  try {
    if (k.type === 'ec') {
      const curve = NIST_CURVES[k.curve];
      const size = curve.lengths.secretKey ?? 0;
      const rs = decodeEcdsaSignature(signature, size);
      if (rs === undefined) return false;
      // prehash:false because the scheme, not the curve, chooses the hash; lowS:false because
      // TLS and X.509 accept both s and n - s.
      return curve.verify(rs, hash(s.hash ?? 'SHA-256', message), k.point, {
        prehash: false,
        lowS: false,
        format: 'compact',
      });
    }
    if (k.type === 'ed25519') {
      if (signature.length !== 64) return false;
      // zip215:false is RFC 8032's strict decoding: canonical R and S < L.
      return ed25519.verify(signature, message, k.key, { zip215: false });
    }
    const algorithm = s.algorithm === 'rsa-pkcs1' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS';
    // RFC 8017 8.2.2 / 8.1.2: the signature is exactly as long as the modulus.
    if (signature.length !== Math.ceil(k.bits / 8)) return false;
    const ck = await rsaCryptoKey(k.rsaSpki, 'spki', algorithm, s.hash ?? 'SHA-256');
    return await subtle().verify(
      rsaParams(s),
      ck,
      signature as Uint8Array<ArrayBuffer>,
      message as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/** Signs with a scheme the key can produce (see {@link schemesForKey}). */
export async function signWith(
  code: number,
  k: DecodedPrivateKey,
  message: Uint8Array,
): Promise<Uint8Array> {
  const s = signatureSchemeInfo(code);
  if (s === undefined || s.legacy || !schemesForKey(k).includes(code)) {
    throw new TypeError(
      `cannot sign with scheme 0x${code.toString(16).padStart(4, '0')} using a ${k.type} key; use one of signatureSchemesFor(key)`,
    );
  }
  if (k.type === 'ec') {
    const curve = NIST_CURVES[k.curve];
    // RFC 6979 deterministic nonces: no randomness needed, so replays are exact.
    const rs = curve.sign(hash(s.hash ?? 'SHA-256', message), k.d, {
      prehash: false,
      lowS: false,
      format: 'compact',
    });
    return encodeEcdsaSignature(rs);
  }
  if (k.type === 'ed25519') return ed25519.sign(message, k.seed);
  const algorithm = s.algorithm === 'rsa-pkcs1' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS';
  const ck = await rsaCryptoKey(k.rsaPkcs8, 'pkcs8', algorithm, s.hash ?? 'SHA-256');
  return new Uint8Array(await subtle().sign(rsaParams(s), ck, message as Uint8Array<ArrayBuffer>));
}

const RSAE_SCHEMES = [
  S.rsa_pss_rsae_sha256,
  S.rsa_pss_rsae_sha384,
  S.rsa_pss_rsae_sha512,
  S.rsa_pkcs1_sha256,
  S.rsa_pkcs1_sha384,
  S.rsa_pkcs1_sha512,
];
const PSS_SCHEMES = [S.rsa_pss_pss_sha256, S.rsa_pss_pss_sha384, S.rsa_pss_pss_sha512];
const EC_SCHEMES = {
  'P-256': S.ecdsa_secp256r1_sha256,
  'P-384': S.ecdsa_secp384r1_sha384,
  'P-521': S.ecdsa_secp521r1_sha512,
} as const;

/** The schemes a private key can sign with, most preferred first (PSS before PKCS#1 v1.5). */
export function schemesForKey(k: DecodedPrivateKey): readonly number[] {
  switch (k.type) {
    case 'ec':
      // RFC 8446 4.2.3: in TLS 1.3 the ECDSA scheme names the curve, so one scheme per curve.
      return [EC_SCHEMES[k.curve]];
    case 'ed25519':
      return [S.ed25519];
    case 'rsa':
      return RSAE_SCHEMES;
    case 'rsa-pss':
      return PSS_SCHEMES;
  }
}

/** Private key material, kept out of the PrivateKey object so it never shows up in logs. */
export const privateKeyMaterial = new WeakMap<PrivateKey, DecodedPrivateKey>();
