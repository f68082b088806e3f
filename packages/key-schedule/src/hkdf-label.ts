/**
 * The two TLS 1.3 building blocks of RFC 8446 section 7.1 on top of the provider's HKDF.
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { HASH_LENGTH } from '@tlskit/crypto';
import { checkBytes, checkLength, utf8 } from './bytes.js';

const LABEL_PREFIX = utf8('tls13 ');

/** Output length of `hash` in bytes (Hash.length in RFC 8446). */
export function hashLength(hash: HashName): number {
  const length = Object.hasOwn(HASH_LENGTH, hash) ? HASH_LENGTH[hash] : undefined;
  if (length === undefined) {
    throw new TypeError(`unsupported hash ${JSON.stringify(hash)}`);
  }
  return length;
}

/** The encoded text labels: a handful of fixed strings, each encoded once (bounded). */
const labelCache = new Map<string, Uint8Array>();

function labelBytesOf(label: string): Uint8Array {
  let bytes = labelCache.get(label);
  if (bytes === undefined) {
    bytes = utf8(label);
    if (labelCache.size < 64) labelCache.set(label, bytes);
  }
  return bytes;
}

/**
 * HKDF-Expand-Label(Secret, Label, Context, Length) of RFC 8446 section 7.1:
 * HKDF-Expand(Secret, HkdfLabel, Length) where HkdfLabel is
 * `uint16 length || opaque label<7..255> = "tls13 " + Label || opaque context<0..255>`.
 *
 * @param label - the label without the "tls13 " prefix, as text (`"key"`) or bytes.
 * @throws RangeError when the label, context or length is out of the ranges HkdfLabel allows
 *   (a caller error: TLS only ever passes fixed labels and hash-sized contexts).
 */
export function hkdfExpandLabel(
  provider: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string | Uint8Array,
  context: Uint8Array,
  length: number,
): Uint8Array {
  checkBytes('secret', secret);
  checkBytes('context', context);
  const labelBytes = typeof label === 'string' ? labelBytesOf(label) : label;
  checkBytes('label', labelBytes);
  // RFC 8446 7.1: opaque label<7..255>, and "tls13 " takes 6 of those bytes.
  checkLength('"tls13 " + label length', LABEL_PREFIX.length + labelBytes.length, 7, 255);
  checkLength('context length', context.length, 0, 255);
  // HKDF-Expand yields at most 255 * Hash.length bytes (RFC 5869 section 2.3).
  checkLength('length', length, 0, Math.min(0xffff, 255 * hashLength(hash)));
  const info = new Uint8Array(2 + 1 + LABEL_PREFIX.length + labelBytes.length + 1 + context.length);
  let o = 0;
  info[o++] = length >> 8;
  info[o++] = length & 0xff;
  info[o++] = LABEL_PREFIX.length + labelBytes.length;
  info.set(LABEL_PREFIX, o);
  o += LABEL_PREFIX.length;
  info.set(labelBytes, o);
  o += labelBytes.length;
  info[o++] = context.length;
  info.set(context, o);
  return provider.hkdfExpand(hash, secret, info, length);
}

/**
 * Derive-Secret(Secret, Label, Messages) of RFC 8446 section 7.1, given the transcript hash of
 * Messages (so the caller hashes incrementally, see `TranscriptHash`):
 * HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length).
 *
 * @throws RangeError when `transcriptHash` is not Hash.length bytes (a caller error).
 */
export function deriveSecret(
  provider: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  const length = hashLength(hash);
  checkBytes('transcriptHash', transcriptHash, length);
  return hkdfExpandLabel(provider, hash, secret, label, transcriptHash, length);
}

/** Transcript-Hash of no messages, the context of the "derived", binder and exporter steps. */
export function emptyHash(provider: CryptoProvider, hash: HashName): Uint8Array {
  return sharedEmptyHash(provider, hash).slice();
}

/**
 * A value computed once per provider and hash, for values that depend on nothing else.
 * @internal
 */
export class PerProviderHash<T> {
  readonly #values = new WeakMap<CryptoProvider, Map<HashName, T>>();
  readonly #make: (provider: CryptoProvider, hash: HashName) => T;

  constructor(make: (provider: CryptoProvider, hash: HashName) => T) {
    this.#make = make;
  }

  get(provider: CryptoProvider, hash: HashName): T {
    let byHash = this.#values.get(provider);
    if (byHash === undefined) {
      byHash = new Map();
      this.#values.set(provider, byHash);
    }
    let value = byHash.get(hash);
    if (value === undefined) {
      value = this.#make(provider, hash);
      byHash.set(hash, value);
    }
    return value;
  }
}

/** The empty hashes: each handshake needs a few. */
const emptyHashes = new PerProviderHash((provider, hash) => provider.hash(hash, new Uint8Array(0)));

/**
 * {@link emptyHash} without the copy, for this package's own derivations, which only read it.
 * @internal
 */
export function sharedEmptyHash(provider: CryptoProvider, hash: HashName): Uint8Array {
  return emptyHashes.get(provider, hash);
}
