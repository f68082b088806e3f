import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OutputQueue } from '../src/core/output-queue.js';

const join = (chunks: readonly Uint8Array[]) => Buffer.concat(chunks).toString('hex');

describe('OutputQueue', () => {
  it('keeps the bytes and their order, whatever the chunk sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 1200 }), { maxLength: 30 }), (chunks) => {
        const queue = new OutputQueue();
        for (const chunk of chunks) queue.push(chunk);
        expect(join(queue.take())).toBe(join(chunks));
        expect(queue.take()).toEqual([]);
      }),
    );
  });

  it('passes large chunks through as they are and joins runs of small ones', () => {
    const big = new Uint8Array(16_384).fill(7);
    const queue = new OutputQueue();
    for (const chunk of [Uint8Array.of(23, 3, 3), big, Uint8Array.of(1), Uint8Array.of(2), big]) {
      queue.push(chunk);
    }
    const out = queue.take();
    expect(out.map((c) => c.length)).toEqual([3, 16_384, 2, 16_384]);
    expect(out[1]).toBe(big);
    expect(out[3]).toBe(big);
  });
});
