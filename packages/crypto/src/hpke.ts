/**
 * HPKE (RFC 9180), base mode only, with DHKEM(X25519, HKDF-SHA256): what Encrypted ClientHello
 * (RFC 9849) needs. The KDF (HKDF-SHA256/384/512) and the AEAD (AES-128-GCM, AES-256-GCM,
 * ChaCha20-Poly1305) run on the caller's CryptoProvider, like the rest of TLS. The KEM's
 * Diffie-Hellman does not: a provider's key exchange only makes ephemeral shares, while the
 * recipient of HPKE holds a long-term X25519 private key, so DHKEM uses @noble/curves' X25519
 * (the same function the noble provider's x25519 group uses) on the raw keys.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { concatBytes } from '@tlskit/wire';
import type { AeadKey, AeadName, CryptoProvider, HashName } from './provider.js';

const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** HPKE KEM identifiers (RFC 9180 7.1) this module implements. */
export const HpkeKem = { DHKEM_X25519_HKDF_SHA256: 0x0020 } as const;
/** HPKE KDF identifiers (RFC 9180 7.2). */
export const HpkeKdf = { HKDF_SHA256: 0x0001, HKDF_SHA384: 0x0002, HKDF_SHA512: 0x0003 } as const;
/** HPKE AEAD identifiers (RFC 9180 7.3); export-only (0xffff) is not offered. */
export const HpkeAead = {
  AES_128_GCM: 0x0001,
  AES_256_GCM: 0x0002,
  CHACHA20_POLY1305: 0x0003,
} as const;

/** An HPKE ciphersuite: KEM, KDF and AEAD identifiers. */
export interface HpkeSuite {
  readonly kem: number;
  readonly kdf: number;
  readonly aead: number;
}

const kdfs: ReadonlyMap<number, { hash: HashName; nh: number }> = new Map([
  [HpkeKdf.HKDF_SHA256, { hash: 'SHA-256', nh: 32 }],
  [HpkeKdf.HKDF_SHA384, { hash: 'SHA-384', nh: 48 }],
  [HpkeKdf.HKDF_SHA512, { hash: 'SHA-512', nh: 64 }],
]);
const aeads: ReadonlyMap<number, { name: AeadName; nk: number }> = new Map([
  [HpkeAead.AES_128_GCM, { name: 'AES-128-GCM', nk: 16 }],
  [HpkeAead.AES_256_GCM, { name: 'AES-256-GCM', nk: 32 }],
  [HpkeAead.CHACHA20_POLY1305, { name: 'CHACHA20-POLY1305', nk: 32 }],
]);

/** Whether this module implements `suite` (any KEM other than X25519 is not). */
export function hpkeSupported(suite: HpkeSuite): boolean {
  return (
    suite.kem === HpkeKem.DHKEM_X25519_HKDF_SHA256 && kdfs.has(suite.kdf) && aeads.has(suite.aead)
  );
}

/** Nenc, Npk, Nsk of DHKEM(X25519, HKDF-SHA256). */
const X25519_LENGTH = 32;
/** Nn of every AEAD here. */
const NONCE_LENGTH = 12;
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const HPKE_V1 = ascii('HPKE-v1');
const EMPTY = new Uint8Array(0);

function u16(n: number): Uint8Array {
  return new Uint8Array([n >> 8, n & 0xff]);
}

/** LabeledExtract and LabeledExpand (RFC 9180 4) for one suite_id. */
class LabeledKdf {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly hash: HashName,
    private readonly suiteId: Uint8Array,
  ) {}

  extract(salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
    return this.provider.hkdfExtract(
      this.hash,
      salt,
      concat(HPKE_V1, this.suiteId, ascii(label), ikm),
    );
  }

  expand(prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array {
    const labeled = concat(u16(length), HPKE_V1, this.suiteId, ascii(label), info);
    return this.provider.hkdfExpand(this.hash, prk, labeled, length);
  }
}

function dhkem(provider: CryptoProvider): LabeledKdf {
  return new LabeledKdf(
    provider,
    'SHA-256',
    concat(ascii('KEM'), u16(HpkeKem.DHKEM_X25519_HKDF_SHA256)),
  );
}

/** X25519, or undefined for a peer key that is not 32 bytes or gives the all-zero output. */
function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | undefined {
  if (publicKey.length !== X25519_LENGTH) return undefined;
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(privateKey, publicKey);
  } catch {
    return undefined;
  }
  // RFC 9180 7.1.4: a zero output (a small-order peer key) is an error. Constant time over it.
  let acc = 0;
  for (const b of shared) acc |= b;
  return acc === 0 ? undefined : shared;
}

/** DHKEM ExtractAndExpand (RFC 9180 4.1). */
function kemSharedSecret(
  provider: CryptoProvider,
  dhValue: Uint8Array,
  enc: Uint8Array,
  pkR: Uint8Array,
): Uint8Array {
  const kem = dhkem(provider);
  const prk = kem.extract(EMPTY, 'eae_prk', dhValue);
  return kem.expand(prk, 'shared_secret', concat(enc, pkR), 32);
}

/** The X25519 public key of a 32-byte private key (SerializePublicKey(pk(sk))). */
export function hpkeX25519PublicKey(privateKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(privateKey);
}

/** A fresh X25519 key pair for HPKE, from the provider's randomness. */
export function generateHpkeX25519KeyPair(provider: CryptoProvider): {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
} {
  const privateKey = provider.randomBytes(X25519_LENGTH).slice();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

/**
 * An HPKE encryption context (RFC 9180 5.2): the sender seals, the recipient opens, each
 * message with the next nonce. Not safe for concurrent use: await each call.
 */
export class HpkeContext {
  private seq = 0;
  private constructor(
    private readonly key: AeadKey,
    private readonly baseNonce: Uint8Array,
  ) {}

  /** @internal The key schedule (RFC 9180 5.1), base mode. */
  static async create(
    provider: CryptoProvider,
    suite: HpkeSuite,
    sharedSecret: Uint8Array,
    info: Uint8Array,
  ): Promise<HpkeContext> {
    const kdf = kdfs.get(suite.kdf)!;
    const aead = aeads.get(suite.aead)!;
    const suiteId = concat(ascii('HPKE'), u16(suite.kem), u16(suite.kdf), u16(suite.aead));
    const ls = new LabeledKdf(provider, kdf.hash, suiteId);
    const context = concat(
      new Uint8Array([0]), // mode_base
      ls.extract(EMPTY, 'psk_id_hash', EMPTY),
      ls.extract(EMPTY, 'info_hash', info),
    );
    const secret = ls.extract(sharedSecret, 'secret', EMPTY);
    const key = ls.expand(secret, 'key', context, aead.nk);
    const baseNonce = ls.expand(secret, 'base_nonce', context, NONCE_LENGTH);
    return new HpkeContext(await provider.importAeadKey(aead.name, key), baseNonce);
  }

  private nextNonce(): Uint8Array {
    // Past 2^32 messages the counter would need more than a JS bitwise int; TLS uses two.
    if (this.seq >= 0xffffffff) throw new RangeError('HPKE message limit reached');
    const nonce = this.baseNonce.slice();
    const seq = this.seq++;
    for (let i = 0; i < 4; i++) nonce[NONCE_LENGTH - 1 - i]! ^= (seq >>> (8 * i)) & 0xff;
    return nonce;
  }

  /** Seals `plaintext` with `aad` (ciphertext || tag). */
  seal(aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.key.seal(this.nextNonce(), aad, plaintext);
  }

  /**
   * Opens `ciphertext` with `aad`: the plaintext, or null when it does not authenticate. A
   * failure does not advance the sequence number (RFC 9180 5.2), so a later open may succeed.
   */
  async open(aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null> {
    const nonce = this.nextNonce();
    const plain = await this.key.open(nonce, aad, ciphertext);
    if (plain === null) this.seq--;
    return plain;
  }
}

/**
 * SetupBaseS (RFC 9180 5.1.1): encapsulates to `recipientPublicKey` and returns `enc` with the
 * sender's context. `ephemeralPrivateKey` is for test vectors only; by default it is random.
 * @throws RangeError for a suite {@link hpkeSupported} refuses or an unusable public key.
 */
export async function setupBaseSender(
  provider: CryptoProvider,
  suite: HpkeSuite,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  ephemeralPrivateKey: Uint8Array = provider.randomBytes(X25519_LENGTH).slice(),
): Promise<{ enc: Uint8Array; context: HpkeContext }> {
  if (!hpkeSupported(suite)) throw new RangeError('unsupported HPKE suite');
  const enc = x25519.getPublicKey(ephemeralPrivateKey);
  const dhValue = dh(ephemeralPrivateKey, recipientPublicKey);
  if (dhValue === undefined) throw new RangeError('unusable HPKE recipient public key');
  const shared = kemSharedSecret(provider, dhValue, enc, recipientPublicKey);
  return { enc, context: await HpkeContext.create(provider, suite, shared, info) };
}

/**
 * SetupBaseR (RFC 9180 5.1.1): decapsulates `enc` with the recipient's private key. Resolves
 * undefined for an unsupported suite or an `enc` that is not a usable X25519 public key (the
 * peer's bytes never make it throw).
 */
export async function setupBaseRecipient(
  provider: CryptoProvider,
  suite: HpkeSuite,
  enc: Uint8Array,
  recipientPrivateKey: Uint8Array,
  info: Uint8Array,
): Promise<HpkeContext | undefined> {
  if (!hpkeSupported(suite)) return undefined;
  const dhValue = dh(recipientPrivateKey, enc);
  if (dhValue === undefined) return undefined;
  const pkR = x25519.getPublicKey(recipientPrivateKey);
  const shared = kemSharedSecret(provider, dhValue, enc, pkR);
  return HpkeContext.create(provider, suite, shared, info);
}
