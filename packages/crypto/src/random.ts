/** A source of random bytes: the provider draws every secret from one of these. */
export type RandomSource = (length: number) => Uint8Array;

/**
 * Random bytes from the runtime's CSPRNG (`globalThis.crypto.getRandomValues`). Throws when the
 * runtime has none: silently falling back to `Math.random` would make every key guessable.
 */
export function secureRandomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`randomBytes length must be a non-negative integer, got ${length}`);
  }
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c === undefined || typeof c.getRandomValues !== 'function') {
    throw new Error(
      'no cryptographically secure random source: globalThis.crypto.getRandomValues is missing; ' +
        'run on a runtime with WebCrypto or pass createNobleProvider({ randomBytes })',
    );
  }
  if (length <= POOLED_MAX) {
    if (poolAt + length > pool.length) {
      pool.fill(0); // the unused tail of the old pool is never handed out: wipe it
      pool = new Uint8Array(POOL_SIZE);
      c.getRandomValues(pool);
      poolAt = 0;
    }
    // A copy with its own buffer; the bytes handed out are wiped from the pool, never reused.
    const out = pool.slice(poolAt, poolAt + length);
    pool.fill(0, poolAt, poolAt + length);
    poolAt += length;
    return out;
  }
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call (WebCrypto spec).
  for (let off = 0; off < length; off += 65536) {
    c.getRandomValues(out.subarray(off, Math.min(length, off + 65536)));
  }
  return out;
}

/**
 * Small draws (randoms, session ids, key shares, nonces: about ten per handshake) come from a
 * pool filled 4 KiB at a time: one getRandomValues call per ~30 handshakes instead of one per
 * draw (issue 7). The pool lives in this module only.
 */
const POOL_SIZE = 4096;
const POOLED_MAX = 256;
let pool: Uint8Array = new Uint8Array(0);
let poolAt = 0;
