import { describe, expect, it } from 'vitest';
import { BytesCache, bytesKey, concatBytes, fromHex } from '../src/index.js';

describe('bytesKey', () => {
  it('is one code unit per byte, also past the 4096-byte chunk', () => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff);
    const key = bytesKey(bytes);
    expect(key.length).toBe(5000);
    expect(key.charCodeAt(4999)).toBe(bytes[4999]);
    expect(bytesKey(Uint8Array.of(0, 255))).toBe('\u0000\u00ff');
  });
});

describe('BytesCache', () => {
  it('makes a value once per content, from a private copy', () => {
    const cache = new BytesCache<Uint8Array>(4);
    const input = Uint8Array.of(1, 2, 3);
    let made = 0;
    const make = (copy: Uint8Array) => {
      made++;
      return copy;
    };
    const first = cache.get(input, make);
    input[0] = 9; // the caller reuses its buffer: the cached value must not change
    expect(first).toEqual(Uint8Array.of(1, 2, 3));
    expect(cache.get(Uint8Array.of(1, 2, 3), make)).toBe(first);
    expect(made).toBe(1);
    expect(cache.get(input, make)).toEqual(Uint8Array.of(9, 2, 3));
    expect(made).toBe(2);
  });

  it('never answers for other bytes of the same bucket, also across evictions', () => {
    // Two inputs with the same 32-bit FNV-1a (0xd8b74c4e), found by a birthday search.
    const a = fromHex('f92498c95669921a');
    const b = fromHex('76e01d72a762ce9b');
    const cache = new BytesCache<string>(2);
    expect(cache.get(a, () => 'a')).toBe('a');
    expect(cache.get(b, () => 'b')).toBe('b');
    expect(cache.get(a, () => 'a again')).toBe('a');
    expect(cache.get(b, () => 'b again')).toBe('b');
    // A third entry evicts a; a comes back made anew, and b (same bucket) stays correct.
    expect(cache.get(Uint8Array.of(1), () => 'one')).toBe('one');
    expect(cache.get(a, () => 'a new')).toBe('a new');
    expect(cache.get(b, () => 'b new')).toBe('b new');
    expect(cache.get(a, () => 'a newer')).toBe('a new');
    expect(cache.size).toBe(2);
  });

  it('holds at most `limit` entries and skips inputs over `maxLength`', () => {
    const cache = new BytesCache<number>(2, 3);
    for (let i = 0; i < 5; i++) cache.get(Uint8Array.of(i), () => i);
    expect(cache.size).toBe(2);
    expect(cache.get(Uint8Array.of(0), () => 42)).toBe(42); // evicted, made again
    expect(cache.get(Uint8Array.of(1, 2, 3, 4), () => 7)).toBe(7);
    expect(cache.size).toBe(2);
  });
});

describe('concatBytes', () => {
  it('joins parts in order into a new array, and hands back a lone part as it is', () => {
    const a = Uint8Array.of(1, 2);
    const b = Uint8Array.of(3);
    const joined = concatBytes([a, new Uint8Array(0), b]);
    expect([...joined]).toEqual([1, 2, 3]);
    expect(joined.buffer).not.toBe(a.buffer);
    expect(concatBytes([a])).toBe(a);
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });
});
