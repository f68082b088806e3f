import { ed25519 } from '@noble/curves/ed25519.js';
import { fromHex, SignatureScheme as S } from '@tlskit/wire';
import type { SignatureFunctions } from './backend.js';
import { decodeEcdsaSignature, encodeEcdsaSignature } from './der.js';
import { hash } from './hash.js';
import { type DecodedPrivateKey, type DecodedPublicKey, decodeSpki, NIST_CURVES } from './keys.js';
import type { PrivateKey, PublicKey } from './provider.js';
import { signatureSchemeInfo } from './signatureSchemes.js';
import { subtleRsa } from './subtle.js';

/** Options that change what `verify` accepts and `sign` produces. */
export interface VerifyPolicy {
  /**
   * Verify and sign ecdsa_sha1 and rsa_pkcs1_sha1 (old X.509 chains and old TLS 1.2 peers
   * only; never TLS 1.3).
   */
  readonly allowSha1: boolean;
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
  fns: SignatureFunctions,
  policy: VerifyPolicy,
  code: number,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const s = signatureSchemeInfo(code);
  if (s === undefined || (s.legacy && !policy.allowSha1)) return false;
  const k = decodedPublic(key);
  if (k === null || s.keyType !== k.type) return false;
  try {
    if (k.type === 'ec') {
      const curve = NIST_CURVES[k.curve];
      const size = curve.lengths.secretKey ?? 0;
      const rs = decodeEcdsaSignature(signature, size);
      // Range 0 < r, s < n checked here so every backend gets the same answer.
      if (
        rs === undefined ||
        !inRange(curve, rs.subarray(0, size)) ||
        !inRange(curve, rs.subarray(size))
      ) {
        return false;
      }
      return await fns.ecdsaVerify(k.curve, s.hash ?? 'SHA-256', k.point, rs, message);
    }
    if (k.type === 'ed25519') {
      if (signature.length !== 64) return false;
      return await fns.ed25519Verify(k.key, message, signature);
    }
    // RFC 8017 8.2.2 / 8.1.2: the signature is exactly as long as the modulus.
    if (signature.length !== Math.ceil(k.bits / 8)) return false;
    return await fns.rsaVerify(s, k.rsaSpki, message, signature);
  } catch {
    return false;
  }
}

const orderBytes = new Map<object, Uint8Array>();

/**
 * 0 < scalar < n, as big-endian bytes of the curve's length. r and s are public, so a plain
 * byte comparison serves (noble's isValidSecretKey went through hex and a bigint; issue 7).
 */
function inRange(curve: (typeof NIST_CURVES)['P-256'], scalar: Uint8Array): boolean {
  let n = orderBytes.get(curve);
  if (n === undefined) {
    const size = curve.lengths.secretKey ?? 0;
    n = fromHex(curve.Point.Fn.ORDER.toString(16).padStart(2 * size, '0'));
    orderBytes.set(curve, n);
  }
  if (scalar.length !== n.length || scalar.every((b) => b === 0)) return false;
  for (let i = 0; i < n.length; i++) {
    if (scalar[i] !== n[i]) return scalar[i]! < n[i]!;
  }
  return false; // equal to n
}

/** Signs with a scheme the key can produce (see {@link schemesForKey}). */
export async function signWith(
  fns: SignatureFunctions,
  policy: VerifyPolicy,
  code: number,
  k: DecodedPrivateKey,
  message: Uint8Array,
): Promise<Uint8Array> {
  const s = signatureSchemeInfo(code);
  if (s === undefined || !schemesForKey(k, policy).includes(code)) {
    throw new TypeError(
      `cannot sign with scheme 0x${code.toString(16).padStart(4, '0')} using a ${k.type} key; use one of signatureSchemesFor(key)`,
    );
  }
  if (k.type === 'ec') {
    return encodeEcdsaSignature(await fns.ecdsaSign(k.curve, s.hash ?? 'SHA-256', k.d, message));
  }
  if (k.type === 'ed25519') return fns.ed25519Sign(k.seed, message);
  return fns.rsaSign(s, k.rsaPkcs8, message);
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
/** Hash length of each RSASSA-PSS scheme, in bytes. */
const PSS_HASH_BYTES: ReadonlyMap<number, number> = new Map([
  [S.rsa_pss_rsae_sha256, 32],
  [S.rsa_pss_rsae_sha384, 48],
  [S.rsa_pss_rsae_sha512, 64],
  [S.rsa_pss_pss_sha256, 32],
  [S.rsa_pss_pss_sha384, 48],
  [S.rsa_pss_pss_sha512, 64],
]);

/**
 * RFC 8017 9.1.1: EMSA-PSS needs emLen >= hLen + sLen + 2, and TLS sets sLen = hLen (RFC 8446
 * 4.2.3). A small key cannot produce a long-hash PSS signature (1024 bits: no SHA-512).
 */
function pssFits(scheme: number, modulusBits: number): boolean {
  const hashBytes = PSS_HASH_BYTES.get(scheme);
  return hashBytes === undefined || Math.ceil((modulusBits - 1) / 8) >= 2 * hashBytes + 2;
}

const EC_SCHEMES = {
  // No TLS 1.3 scheme names P-224; TLS 1.2 names only the hash (RFC 5246 7.4.1.4.1), so a
  // P-224 key signs as "ECDSA with SHA-256", the code point TLS 1.3 calls ecdsa_secp256r1_sha256.
  'P-224': S.ecdsa_secp256r1_sha256,
  'P-256': S.ecdsa_secp256r1_sha256,
  'P-384': S.ecdsa_secp384r1_sha384,
  'P-521': S.ecdsa_secp521r1_sha512,
} as const;

/**
 * The schemes a private key can sign with, most preferred first (PSS before PKCS#1 v1.5). The
 * SHA-1 schemes come last, and only when the provider was built with `allowSha1Signatures`.
 */
export function schemesForKey(
  k: DecodedPrivateKey,
  policy: VerifyPolicy = { allowSha1: false },
): readonly number[] {
  switch (k.type) {
    case 'ec':
      // RFC 8446 4.2.3: in TLS 1.3 the ECDSA scheme names the curve, so one scheme per curve.
      return policy.allowSha1 ? [EC_SCHEMES[k.curve], S.ecdsa_sha1] : [EC_SCHEMES[k.curve]];
    case 'ed25519':
      return [S.ed25519];
    case 'rsa': {
      const schemes = RSAE_SCHEMES.filter((scheme) => pssFits(scheme, k.bits));
      return policy.allowSha1 ? [...schemes, S.rsa_pkcs1_sha1] : schemes;
    }
    case 'rsa-pss':
      return PSS_SCHEMES.filter((scheme) => pssFits(scheme, k.bits));
  }
}

/** Private key material, kept out of the PrivateKey object so it never shows up in logs. */
export const privateKeyMaterial = new WeakMap<PrivateKey, DecodedPrivateKey>();

/** @noble/curves ECDSA and Ed25519; RSA through WebCrypto. */
export const nobleSignatures: SignatureFunctions = {
  async ecdsaVerify(curveName, hashName, point, rs, message) {
    // prehash:false because the scheme, not the curve, chooses the hash; lowS:false because
    // TLS and X.509 accept both s and n - s.
    return NIST_CURVES[curveName].verify(rs, hash(hashName, message), point, {
      prehash: false,
      lowS: false,
      format: 'compact',
    });
  },
  async ecdsaSign(curveName, hashName, d, message) {
    // RFC 6979 deterministic nonces: no randomness needed, so replays are exact.
    return NIST_CURVES[curveName].sign(hash(hashName, message), d, {
      prehash: false,
      lowS: false,
      format: 'compact',
    });
  },
  // zip215:false is RFC 8032's strict decoding: canonical R and S < L.
  ed25519Verify: async (publicKey, message, signature) =>
    ed25519.verify(signature, message, publicKey, { zip215: false }),
  ed25519Sign: async (seed, message) => ed25519.sign(message, seed),
  ...subtleRsa,
};
