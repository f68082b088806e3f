import { PROVIDERS } from './providers.js';
import { describe, expect, it } from 'vitest';
import type { HashName } from '../src/index.js';
import { hex, toHex, wycheproof } from './vectors.js';

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();

  describe('hash', () => {
    // FIPS 180-4 example "abc" digests: independent truth.
    const abc = new TextEncoder().encode('abc');
    const known: [HashName, string][] = [
      ['SHA-1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
      ['SHA-256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      [
        'SHA-384',
        'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
      ],
      [
        'SHA-512',
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      ],
    ];
    it.each(known)('computes the FIPS 180-4 digest of "abc" with %s', (name, digest) => {
      expect(toHex(p.hash(name, abc))).toBe(digest);
    });

    it('reads an incremental hash many times without consuming it', () => {
      const h = p.createHash('SHA-256');
      h.update(abc.subarray(0, 1));
      const partial = h.digest();
      expect(toHex(h.digest())).toBe(toHex(partial));
      h.update(abc.subarray(1));
      expect(toHex(h.digest())).toBe(known[1]![1]);
      expect(toHex(h.digest())).toBe(known[1]![1]);
      expect(h.outputLength).toBe(32);
    });

    it('clones an incremental hash into an independent state', () => {
      const h = p.createHash('SHA-384');
      h.update(abc.subarray(0, 2));
      const c = h.clone();
      h.update(abc.subarray(2));
      expect(toHex(h.digest())).toBe(known[2]![1]);
      expect(toHex(c.digest())).not.toBe(known[2]![1]);
      c.update(abc.subarray(2));
      expect(toHex(c.digest())).toBe(known[2]![1]);
    });

    it('rejects an unknown hash name with a message naming it', () => {
      expect(() => p.hash('MD5' as HashName, abc)).toThrow(/MD5/);
    });
  });

  describe.each([
    ['hmac_sha256_test.json', 'SHA-256'],
    ['hmac_sha384_test.json', 'SHA-384'],
  ] as const)('Wycheproof %s', (file, name) => {
    const groups = wycheproof(file).testGroups;
    const tests = groups.flatMap((g) => g.tests.map((t) => [t, g.tagSize as number] as const));
    it(`accepts every valid and rejects every invalid tag (${tests.length} cases)`, () => {
      for (const [t, tagSize] of tests) {
        const mac = p.hmac(name, hex(t.key as string), hex(t.msg as string));
        // Wycheproof truncated tags: compare the leading tagSize bits, as a verifier would.
        const tag = mac.subarray(0, tagSize / 8);
        const ok = toHex(tag) === t.tag;
        expect(ok, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === 'valid');
      }
    });
  });

  describe.each([
    ['hkdf_sha256_test.json', 'SHA-256'],
    ['hkdf_sha384_test.json', 'SHA-384'],
  ] as const)('Wycheproof %s', (file, name) => {
    const tests = wycheproof(file).testGroups.flatMap((g) => g.tests);
    it(`derives every valid output and refuses every invalid size (${tests.length} cases)`, () => {
      for (const t of tests) {
        const run = () => {
          const prk = p.hkdfExtract(name, hex(t.salt as string), hex(t.ikm as string));
          return p.hkdfExpand(name, prk, hex(t.info as string), Number(t.size));
        };
        if (t.result === 'valid') {
          expect(toHex(run()), `tcId ${t.tcId}`).toBe(t.okm);
        } else {
          expect(run, `tcId ${t.tcId} ${t.comment}`).toThrow(RangeError);
        }
      }
    });
  });
});
