import { describe, expect, it } from 'vitest';
import { secureRandomBytes } from '../src/index.js';

describe('secureRandomBytes', () => {
  it('hands out pooled small draws in arrays of their own, never the same bytes twice', () => {
    const seen = new Set<string>();
    // More than one 4 KiB pool's worth, so a refill happens in between.
    for (let i = 0; i < 300; i++) {
      const r = secureRandomBytes(32);
      expect(r.length).toBe(32);
      expect(r.byteOffset).toBe(0);
      expect(r.buffer.byteLength).toBe(32);
      const key = Buffer.from(r).toString('hex');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('serves large and empty draws, and refuses bad lengths', () => {
    expect(secureRandomBytes(70_000).length).toBe(70_000);
    expect(secureRandomBytes(0).length).toBe(0);
    expect(() => secureRandomBytes(-1)).toThrow(RangeError);
  });
});
