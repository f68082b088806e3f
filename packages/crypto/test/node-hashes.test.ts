import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { BUFFERED_HASH_LIMIT, BufferedNodeHash, nodeHmac } from '../src/node-hashes.js';
import type { HashName, IncrementalHash } from '../src/provider.js';
import { toHex } from './vectors.js';

// The node provider's object-free hashing (issue 14), checked against @noble/hashes and
// node:crypto's own streaming objects at the edges the Wycheproof vectors do not reach: the
// move from buffered to streaming input, and messages too long for the HMAC scratch buffer.
const NOBLE = { 'SHA-256': sha256, 'SHA-384': sha384 } as const;
const OPENSSL = { 'SHA-256': 'sha256', 'SHA-384': 'sha384' } as const;

describe.each(['SHA-256', 'SHA-384'] as const)('%s', (name: 'SHA-256' | 'SHA-384') => {
  it('digests a transcript before, across and after the move to a streaming hash', () => {
    const h = new BufferedNodeHash(name);
    const reference = createHash(OPENSSL[name]);
    const forks: [IncrementalHash, string][] = [];
    let total = 0;
    // Pieces of 1 byte to 5 KiB, up to three times the limit.
    for (let i = 0; total < 3 * BUFFERED_HASH_LIMIT; i++) {
      const piece = randomBytes(((i * 977) % 5000) + 1);
      h.update(piece);
      reference.update(piece);
      total += piece.length;
      const want = reference.copy().digest('hex');
      expect(toHex(h.digest()), `after ${total} bytes`).toBe(want);
      if (i % 4 === 0) forks.push([h.clone(), want]);
    }
    expect(forks.length).toBeGreaterThan(3);
    // Each clone kept its own state while the original moved on.
    for (const [fork, want] of forks) expect(toHex(fork.digest())).toBe(want);
    const tail = randomBytes(100);
    const [first, firstDigest] = forks[0]!;
    first.update(tail);
    expect(toHex(first.digest())).not.toBe(firstDigest);
  });

  it('computes HMAC for keys and messages of every size class', () => {
    const block = name === 'SHA-384' ? 128 : 64;
    const keys = [0, 1, 32, block - 1, block, block + 1, 300].map((n) => randomBytes(n));
    const messages = [0, 1, 55, 56, 200, 1024 - block, 1024 - block + 1, 5000].map((n) =>
      randomBytes(n),
    );
    for (const key of keys) {
      for (const message of messages) {
        const want = toHex(nobleHmac(NOBLE[name], key, message));
        const got = toHex(nodeHmac(name as HashName, key, message));
        expect(got, `key ${key.length}, message ${message.length}`).toBe(want);
        expect(createHmac(OPENSSL[name], key).update(message).digest('hex')).toBe(want);
      }
    }
  });
});

it('leaves a caller key and message untouched', () => {
  const key = randomBytes(40);
  const message = randomBytes(70);
  const [k, m] = [Buffer.from(key), Buffer.from(message)];
  nodeHmac('SHA-256', key, message);
  expect(key.equals(k) && message.equals(m)).toBe(true);
});
