/**
 * ByteQueue: reads must equal the concatenation of what was pushed, however it was chunked, and a
 * message arriving as many one-byte chunks must cost linear time (issue 11: a ClientHello sent as
 * one-byte records used to take seconds per 64 KiB because each consumed chunk was shifted off).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../src/index.js';

describe('ByteQueue', () => {
  it('returns exactly the pushed bytes, in order, whatever the chunking and take sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 60 }),
        fc.array(fc.nat(100), { minLength: 1, maxLength: 60 }),
        (chunks, takes) => {
          const queue = new ByteQueue();
          const expected: number[] = [];
          for (const c of chunks) {
            queue.push(c);
            expected.push(...c);
          }
          const got: number[] = [];
          for (const t of takes) {
            const n = Math.min(t, queue.length);
            if (n > 0) expect(queue.peek(0)).toBe(expected[got.length]);
            got.push(...queue.take(n));
          }
          got.push(...queue.take(queue.length));
          expect(got).toEqual(expected);
          expect(queue.length).toBe(0);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('joins 131,072 one-byte chunks in linear time', () => {
    const queue = new ByteQueue();
    const n = 131_072;
    const started = performance.now();
    for (let i = 0; i < n; i++) queue.push(Uint8Array.of(i & 0xff));
    for (let i = 0; i < 4; i++) expect(queue.peek(i)).toBe(i);
    const all = queue.take(n);
    // Linear: tens of milliseconds. Quadratic (before issue 11): about 20 seconds.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(all[n - 1]).toBe((n - 1) & 0xff);
  });

  it('keeps answering after taking one byte at a time from many chunks', () => {
    const queue = new ByteQueue();
    for (let i = 0; i < 5_000; i++) queue.push(Uint8Array.of(i & 0xff, 0xaa));
    for (let i = 0; i < 5_000; i++) {
      expect(queue.take(1)[0]).toBe(i & 0xff);
      expect(queue.peek(0)).toBe(0xaa);
      queue.take(1);
    }
    expect(queue.length).toBe(0);
    queue.push(Uint8Array.of(7));
    expect(queue.take(1)).toEqual(Uint8Array.of(7));
  });
});
