/**
 * The primitives a provider implementation supplies. Everything TLS-specific (input checks,
 * point formats, DER, key import, scheme policy, error mapping) lives once in compose.ts; a
 * backend (noble, node:crypto, WebCrypto) only does arithmetic on already-validated inputs.
 */
import type { AeadKey, AeadName, HashName, IncrementalHash } from './provider.js';
import type { CurveName, SignatureSchemeInfo } from './signatureSchemes.js';

/**
 * Raw Diffie-Hellman in one group. Private keys are the bytes drawn from the random source
 * (for FFDHE, the big-endian exponent); public values and FFDHE secrets are left-padded to the
 * group's length.
 */
export interface DhFunctions {
  publicKey(privateKey: Uint8Array): Promise<Uint8Array>;
  /**
   * The raw shared secret (X25519/X448 output, the X coordinate for NIST curves, g^xy mod p
   * for FFDHE). Peer shares arrive checked (length, on the curve, 1 < y < p-1). May throw for
   * an invalid peer point; the caller turns any failure into illegal_parameter.
   */
  shared(privateKey: Uint8Array, peer: Uint8Array): Promise<Uint8Array>;
}

/** The RFC 7919 finite-field groups a backend implements. */
export type FfdheName = 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096';

/** Signature arithmetic on decoded keys. Verify functions may throw; callers map that to false. */
export interface SignatureFunctions {
  /** `rs` is fixed-width r || s; `point` an uncompressed point. */
  ecdsaVerify(
    curve: CurveName,
    hash: HashName,
    point: Uint8Array,
    rs: Uint8Array,
    message: Uint8Array,
  ): Promise<boolean>;
  /** Returns fixed-width r || s. */
  ecdsaSign(
    curve: CurveName,
    hash: HashName,
    d: Uint8Array,
    message: Uint8Array,
  ): Promise<Uint8Array>;
  ed25519Verify(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** `rsaSpki` is an rsaEncryption SubjectPublicKeyInfo; PSS uses salt length = hash length. */
  rsaVerify(
    scheme: SignatureSchemeInfo,
    rsaSpki: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
  /** `rsaPkcs8` is an rsaEncryption PKCS#8 PrivateKeyInfo. */
  rsaSign(
    scheme: SignatureSchemeInfo,
    rsaPkcs8: Uint8Array,
    message: Uint8Array,
  ): Promise<Uint8Array>;
}

/** Hashing is synchronous in every backend: the transcript hash is read between messages. */
export interface HashFunctions {
  hash(name: HashName, data: Uint8Array): Uint8Array;
  createHash(name: HashName): IncrementalHash;
  hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
}

/** An AEAD bound to a key, as AeadKey minus the name; here `open` may also throw for a bad tag. */
export type RawAead = Pick<AeadKey, 'seal' | 'open' | 'sealChunks'>;

export interface CryptoBackend {
  readonly name: string;
  readonly hashes: HashFunctions;
  /** Called with a checked key; the returned functions get checked nonces. */
  aead(algorithm: AeadName, key: Uint8Array): Promise<RawAead>;
  readonly x25519: DhFunctions;
  readonly x448: DhFunctions;
  readonly nist: Readonly<Record<CurveName, DhFunctions>>;
  /** RFC 7919 groups; `bigintFfdhe` (ffdhe.ts) where the platform has no DH of its own. */
  readonly ffdhe: Readonly<Record<FfdheName, DhFunctions>>;
  readonly signatures: SignatureFunctions;
}
