/** Byte helpers shared by the codec, its tests and tools (hex dumps, fixtures). */

const HEX = '0123456789abcdef';

/** Lowercase hex of `bytes`, no separators. */
export function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/**
 * Bytes from hex text. Whitespace is ignored so that fixtures can be wrapped; anything else that
 * is not a hex digit, or an odd digit count, throws (this parses caller input, not peer input).
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    throw new Error('fromHex: expected an even number of hex digits (whitespace is ignored)');
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * The concatenation of `parts`: the part itself when there is exactly one (no copy, so it is not
 * a fresh array then), else one new array.
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Byte-wise equality. Not constant time: use it on public values only. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A string of one code unit per byte: it stands for exactly these bytes (no hashing, so no
 * collisions), for Map keys over whole encodings such as a certificate's DER.
 */
export function bytesKey(bytes: Uint8Array): string {
  let key = '';
  // apply takes the typed array as it is; a spread would build an array first (10x slower).
  for (let i = 0; i < bytes.length; i += 4096) {
    key += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return key;
}

/**
 * A map keyed by the full content of byte strings, holding at most `limit` entries (the oldest
 * goes first). For values derived from public data only (parsed certificates, decoded public
 * keys); inputs longer than `maxLength` bytes are not cached. A look-up hashes the bytes to
 * find a bucket and then compares them in full: a hash collision is never a hit.
 */
export class BytesCache<V> {
  readonly #buckets = new Map<number, { readonly bytes: Uint8Array; readonly value: V }[]>();
  readonly #order: { readonly hash: number; readonly bytes: Uint8Array }[] = [];

  constructor(
    readonly limit: number,
    readonly maxLength = 16_384,
  ) {}

  /** The value for `bytes`, made by `make` (from a private copy of them) when not cached. */
  get(bytes: Uint8Array, make: (copy: Uint8Array) => V): V {
    if (bytes.length > this.maxLength) return make(bytes.slice());
    const hash = fnv1a(bytes);
    const bucket = this.#buckets.get(hash);
    if (bucket !== undefined) {
      for (const entry of bucket) if (equalBytes(entry.bytes, bytes)) return entry.value;
    }
    // Copies: the caller may reuse its buffer, and the value may hold views of the bytes.
    const value = make(bytes.slice());
    const key = bytes.slice();
    if (this.#order.length >= this.limit) this.#evictOldest();
    // Looked up again: the eviction may have replaced or dropped this very bucket.
    const current = this.#buckets.get(hash);
    if (current === undefined) this.#buckets.set(hash, [{ bytes: key, value }]);
    else current.push({ bytes: key, value });
    this.#order.push({ hash, bytes: key });
    return value;
  }

  get size(): number {
    return this.#order.length;
  }

  #evictOldest(): void {
    const oldest = this.#order.shift();
    if (oldest === undefined) return;
    const bucket = this.#buckets.get(oldest.hash) ?? [];
    const rest = bucket.filter((entry) => entry.bytes !== oldest.bytes);
    if (rest.length === 0) this.#buckets.delete(oldest.hash);
    else this.#buckets.set(oldest.hash, rest);
  }
}

/** 32-bit FNV-1a: a bucket index only (BytesCache compares the bytes in full). */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
