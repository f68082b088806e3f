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
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call (WebCrypto spec).
  for (let off = 0; off < length; off += 65536) {
    c.getRandomValues(out.subarray(off, Math.min(length, off + 65536)));
  }
  return out;
}
