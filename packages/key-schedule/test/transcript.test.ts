/**
 * TranscriptHash against node:crypto hashing of the concatenated messages (RFC 8446 4.4.1).
 */
import { createHash } from 'node:crypto';
import { createNobleProvider } from '@tlskit/crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageHash, TranscriptHash } from '../src/index.js';
import { h } from './vectors.js';

const provider = createNobleProvider();
const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return new Uint8Array(hash.digest());
};
const m1 = h('0100000401020304');
const m2 = h('020000020506');
const m3 = h('08000000');

describe('TranscriptHash', () => {
  it('hashes the concatenated messages and stays usable after each digest', () => {
    const t = new TranscriptHash(provider, 'SHA-256');
    t.update(m1);
    expect(t.digest()).toEqual(sha256(m1));
    t.update(m2);
    expect(t.digest()).toEqual(sha256(m1, m2));
  });

  it('buffers messages until the hash is selected (a client learns it from ServerHello)', () => {
    const t = new TranscriptHash(provider);
    expect(t.hashName).toBeUndefined();
    t.update(m1);
    expect(() => t.digest()).toThrow(/selectHash/);
    t.selectHash('SHA-256');
    t.update(m2);
    expect(t.digest()).toEqual(sha256(m1, m2));
    expect(() => t.selectHash('SHA-384')).toThrow(/already SHA-256/);
  });

  it('copies buffered messages, so a reused caller buffer does not change the transcript', () => {
    const t = new TranscriptHash(provider);
    const buffer = m1.slice();
    t.update(buffer);
    buffer.fill(0);
    t.selectHash('SHA-256');
    expect(t.digest()).toEqual(sha256(m1));
  });

  it('forks: a clone and digestWith leave the original untouched (PSK binders)', () => {
    const t = new TranscriptHash(provider, 'SHA-256');
    t.update(m1);
    const fork = t.clone();
    fork.update(m2);
    expect(t.digestWith(m3)).toEqual(sha256(m1, m3));
    expect(t.digest()).toEqual(sha256(m1));
    expect(fork.digest()).toEqual(sha256(m1, m2));
  });

  it('forks before the hash is selected', () => {
    const t = new TranscriptHash(provider);
    t.update(m1);
    const fork = t.clone();
    fork.update(m2);
    t.selectHash('SHA-256');
    fork.selectHash('SHA-256');
    expect(t.digest()).toEqual(sha256(m1));
    expect(fork.digest()).toEqual(sha256(m1, m2));
  });

  it('replaces ClientHello1 with message_hash after a HelloRetryRequest (RFC 8446 4.4.1)', () => {
    const t = new TranscriptHash(provider, 'SHA-256');
    t.update(m1);
    t.replaceWithMessageHash();
    t.update(m2);
    const synthetic = new Uint8Array([254, 0, 0, 32, ...sha256(m1)]);
    expect(messageHash(sha256(m1))).toEqual(synthetic);
    expect(t.digest()).toEqual(sha256(synthetic, m2));
  });

  it('lets a stateless server rebuild the transcript from Hash(ClientHello1) in its cookie', () => {
    const t = TranscriptHash.fromClientHello1Hash(provider, 'SHA-256', sha256(m1));
    t.update(m2);
    const synthetic = new Uint8Array([254, 0, 0, 32, ...sha256(m1)]);
    expect(t.digest()).toEqual(sha256(synthetic, m2));
  });

  it('equals one hash over the concatenation however the messages are split and forked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.nat(12),
        fc.boolean(),
        (messages, forkAt, buffered) => {
          const t = new TranscriptHash(provider, buffered ? undefined : 'SHA-256');
          let fork: TranscriptHash | undefined;
          messages.forEach((m, i) => {
            if (i === forkAt) fork = t.clone();
            t.update(m);
          });
          t.selectHash('SHA-256');
          expect(t.digest()).toEqual(sha256(...messages));
          if (fork !== undefined) {
            fork.selectHash('SHA-256');
            expect(fork.digest()).toEqual(sha256(...messages.slice(0, forkAt)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
