import { PROVIDERS } from './providers.js';
import { describe, expect, it } from 'vitest';
import type { AeadName } from '../src/index.js';
import { hex, toHex, wycheproof } from './vectors.js';

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();

  function aeadFor(file: string, keySize: number): AeadName {
    if (file.startsWith('chacha')) return 'CHACHA20-POLY1305';
    return keySize === 128 ? 'AES-128-GCM' : 'AES-256-GCM';
  }

  describe.each(['aes_gcm_test.json', 'chacha20_poly1305_test.json'])('Wycheproof %s', (file) => {
    const groups = wycheproof(file).testGroups;
    // TLS only uses 96-bit nonces, 128-bit tags and 128/256-bit keys (RFC 8446 5.3); other
    // groups are parameters the provider refuses, checked separately below.
    const tlsGroups = groups.filter(
      (g) => g.ivSize === 96 && g.tagSize === 128 && (g.keySize === 128 || g.keySize === 256),
    );
    const cases = tlsGroups.flatMap((g) =>
      g.tests.map((t) => [t, aeadFor(file, g.keySize as number)] as const),
    );

    it(`opens every valid and refuses every invalid ciphertext (${cases.length} cases)`, async () => {
      expect(cases.length).toBeGreaterThan(100);
      for (const [t, alg] of cases) {
        const key = await p.importAeadKey(alg, hex(t.key as string));
        const iv = hex(t.iv as string);
        const aad = hex(t.aad as string);
        const ct = hex(`${t.ct}${t.tag}`);
        const opened = await key.open(iv, aad, ct);
        if (t.result === 'valid') {
          expect(opened && toHex(opened), `tcId ${t.tcId}`).toBe(t.msg);
          expect(toHex(await key.seal(iv, aad, hex(t.msg as string))), `tcId ${t.tcId}`).toBe(
            `${t.ct}${t.tag}`,
          );
        } else {
          expect(opened, `tcId ${t.tcId} ${t.comment}`).toBeNull();
        }
      }
    });

    it('refuses the nonce and key sizes TLS does not use', async () => {
      const other = groups.filter((g) => !tlsGroups.includes(g));
      for (const g of other) {
        const t = g.tests[0]!;
        const alg = aeadFor(file, g.keySize as number);
        const run = async () => {
          const key = await p.importAeadKey(alg, hex(t.key as string));
          return key.open(hex(t.iv as string), hex(t.aad as string), hex(`${t.ct}${t.tag}`));
        };
        if (g.tagSize !== 128 && g.ivSize === 96 && (g.keySize === 128 || g.keySize === 256)) {
          // A truncated tag simply does not verify as a 16-byte one.
          expect(await run()).toBeNull();
        } else {
          await expect(run(), `group ${g.keySize}/${g.ivSize}`).rejects.toThrow(RangeError);
        }
      }
    });
  });

  describe('AEAD', () => {
    it('returns null for a ciphertext shorter than the tag', async () => {
      const key = await p.importAeadKey('AES-128-GCM', new Uint8Array(16));
      expect(await key.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(5))).toBeNull();
    });

    it('seals a view into a larger buffer without touching the rest', async () => {
      const key = await p.importAeadKey('CHACHA20-POLY1305', new Uint8Array(32).fill(7));
      const buf = new Uint8Array(64).fill(9);
      const view = buf.subarray(10, 30);
      const sealed = await key.seal(new Uint8Array(12), new Uint8Array(3), view);
      expect(sealed.length).toBe(36);
      expect(buf.every((b) => b === 9)).toBe(true);
      const opened = await key.open(new Uint8Array(12), new Uint8Array(3), sealed);
      expect(opened && toHex(opened)).toBe(toHex(view));
    });

    it('rejects a key of the wrong length', async () => {
      await expect(p.importAeadKey('AES-256-GCM', new Uint8Array(16))).rejects.toThrow(/32 bytes/);
    });
  });
});
