import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashFunctions } from './backend.js';
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

/** Output length of a hash, failing with a message that names a bad value (a caller error). */
export function hashLength(name: HashName): number {
  const n = Object.hasOwn(HASH_LENGTH, name) ? HASH_LENGTH[name] : undefined;
  if (n === undefined) {
    throw new TypeError(
      `unsupported hash ${JSON.stringify(name)}: expected one of ${Object.keys(HASH_LENGTH).join(', ')}`,
    );
  }
  return n;
}

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

/** A library's running hash state; `clone` is noble's `clone()` or node's `copy()`. */
export interface HashState {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): HashState;
}

/** An IncrementalHash over any library's hash state. */
export class CloningHash implements IncrementalHash {
  readonly hashName: HashName;
  readonly outputLength: number;
  readonly #state: HashState;

  constructor(name: HashName, state: HashState) {
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
    return new CloningHash(this.hashName, this.#state.clone());
  }
}

/** An incremental hash whose `digest()` does not consume it. */
export function createHash(name: HashName): IncrementalHash {
  return new CloningHash(name, nobleHash(name).create() as HashState);
}

/** HMAC (RFC 2104). */
export function hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleHmac(nobleHash(name), key, data);
}

/** @noble/hashes SHA-2 and HMAC. */
export const nobleHashes: HashFunctions = { hash, createHash, hmac };

/** HKDF-Extract (RFC 5869 2.2) over a backend's HMAC. An empty salt means HashLen zero bytes. */
export function hkdfExtract(
  hmacFn: HashFunctions['hmac'],
  name: HashName,
  salt: Uint8Array,
  ikm: Uint8Array,
): Uint8Array {
  return hmacFn(name, salt.length === 0 ? new Uint8Array(hashLength(name)) : salt, ikm);
}

/** HKDF-Expand (RFC 5869 2.3) over a backend's HMAC. `length` may be at most 255 * HashLen. */
export function hkdfExpand(
  hmacFn: HashFunctions['hmac'],
  name: HashName,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const hashLen = hashLength(name);
  const max = 255 * hashLen;
  if (!Number.isSafeInteger(length) || length < 0 || length > max) {
    throw new RangeError(
      `HKDF-Expand length must be an integer in 0..${max} for ${name}, got ${length}`,
    );
  }
  if (prk.length < hashLen) {
    // RFC 5869 2.3: PRK is "at least HashLen octets"; a shorter one is a caller bug.
    throw new RangeError(
      `HKDF-Expand PRK must be at least ${hashLen} bytes for ${name}, got ${prk.length}`,
    );
  }
  if (length <= hashLen) {
    // One block, as every TLS 1.3 key, IV, secret and Finished key: T(1) = HMAC(PRK, info || 1).
    const input = new Uint8Array(info.length + 1);
    input.set(info);
    input[info.length] = 1;
    const t1 = hmacFn(name, prk, input);
    return length === hashLen ? t1 : t1.slice(0, length);
  }
  const out = new Uint8Array(length);
  // T(i) = HMAC(PRK, T(i-1) || info || i); the block buffer holds T(i-1) || info || i.
  const block = new Uint8Array(hashLen + info.length + 1);
  block.set(info, hashLen);
  let t = block.subarray(hashLen); // T(0) is empty
  for (let i = 1, off = 0; off < length; i++, off += hashLen) {
    block[block.length - 1] = i;
    const ti = hmacFn(name, prk, t);
    out.set(ti.subarray(0, Math.min(hashLen, length - off)), off);
    block.set(ti, 0);
    t = block;
  }
  return out;
}
