import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashName, IncrementalHash } from './provider.js';

/** The noble hash constructor for a TLS hash name. */
type NobleHash = typeof sha256 | typeof sha384 | typeof sha512 | typeof sha1;

const HASHES: Readonly<Record<HashName, NobleHash>> = {
  'SHA-1': sha1,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};

/** Output length in bytes of each hash. */
export const HASH_LENGTH: Readonly<Record<HashName, number>> = {
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
};

/** Looks up a hash, failing with a message that names the bad value (a caller error). */
export function nobleHash(name: HashName): NobleHash {
  const h = Object.hasOwn(HASHES, name) ? HASHES[name] : undefined;
  if (h === undefined) {
    throw new TypeError(
      `unsupported hash ${JSON.stringify(name)}: expected one of ${Object.keys(HASHES).join(', ')}`,
    );
  }
  return h;
}

/** One-shot digest. */
export function hash(name: HashName, data: Uint8Array): Uint8Array {
  return nobleHash(name)(data);
}

interface NobleHashState {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleHashState;
}

class NobleIncrementalHash implements IncrementalHash {
  readonly hashName: HashName;
  readonly outputLength: number;
  readonly #state: NobleHashState;

  constructor(name: HashName, state: NobleHashState) {
    this.hashName = name;
    this.outputLength = HASH_LENGTH[name];
    this.#state = state;
  }

  update(data: Uint8Array): void {
    this.#state.update(data);
  }

  // The transcript hash is read at several points of the handshake (RFC 8446 4.4.1), so
  // digest() finalises a copy and leaves the running state untouched.
  digest(): Uint8Array {
    return this.#state.clone().digest();
  }

  clone(): IncrementalHash {
    return new NobleIncrementalHash(this.hashName, this.#state.clone());
  }
}

/** An incremental hash whose `digest()` does not consume it. */
export function createHash(name: HashName): IncrementalHash {
  return new NobleIncrementalHash(name, nobleHash(name).create() as NobleHashState);
}

/** HMAC (RFC 2104). */
export function hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleHmac(nobleHash(name), key, data);
}

/** HKDF-Extract (RFC 5869 2.2). An empty salt means HashLen zero bytes, as the RFC says. */
export function hkdfExtract(name: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return extract(nobleHash(name), ikm, salt.length === 0 ? undefined : salt);
}

/** HKDF-Expand (RFC 5869 2.3). `length` may be at most 255 * HashLen. */
export function hkdfExpand(
  name: HashName,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const max = 255 * HASH_LENGTH[name];
  if (!Number.isSafeInteger(length) || length < 0 || length > max) {
    throw new RangeError(
      `HKDF-Expand length must be an integer in 0..${max} for ${name}, got ${length}`,
    );
  }
  if (prk.length < HASH_LENGTH[name]) {
    // RFC 5869 2.3: PRK is "at least HashLen octets"; a shorter one is a caller bug.
    throw new RangeError(
      `HKDF-Expand PRK must be at least ${HASH_LENGTH[name]} bytes for ${name}, got ${prk.length}`,
    );
  }
  if (length === 0) return new Uint8Array(0);
  return expand(nobleHash(name), prk, info, length);
}
