import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  generateHpkeX25519KeyPair,
  HpkeAead,
  HpkeKdf,
  HpkeKem,
  hpkeX25519PublicKey,
  setupBaseRecipient,
  setupBaseSender,
} from '../src/index.js';
import { PROVIDERS } from './providers.js';
import { hex, toHex } from './vectors.js';

interface Vector {
  section: string;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  skEm: string;
  pkEm: string;
  skRm: string;
  pkRm: string;
  enc: string;
  encryptions: { aad: string; pt: string; ct: string }[];
}

const file = new URL('../../../vectors/rfc9180/base-x25519.json', import.meta.url);
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] }).vectors;

describe.each(PROVIDERS)('%s provider: HPKE', (_name, create) => {
  const p = create();

  describe.each(vectors)('RFC 9180 $section', (v) => {
    const suite = { kem: v.kem_id, kdf: v.kdf_id, aead: v.aead_id };

    it('derives the published public keys and sender encryptions', async () => {
      expect(toHex(hpkeX25519PublicKey(hex(v.skRm)))).toBe(v.pkRm);
      const { enc, context } = await setupBaseSender(
        p,
        suite,
        hex(v.pkRm),
        hex(v.info),
        hex(v.skEm),
      );
      expect(toHex(enc)).toBe(v.enc);
      for (const e of v.encryptions) {
        expect(toHex(await context.seal(hex(e.aad), hex(e.pt)))).toBe(e.ct);
      }
    });

    it('opens the published ciphertexts in order, and nothing altered', async () => {
      const context = await setupBaseRecipient(p, suite, hex(v.enc), hex(v.skRm), hex(v.info));
      expect(context).toBeDefined();
      const first = v.encryptions[0]!;
      const flipped = hex(first.ct);
      flipped[0]! ^= 1;
      expect(await context!.open(hex(first.aad), flipped)).toBeNull();
      expect(await context!.open(hex(v.encryptions[1]!.aad), hex(first.ct))).toBeNull();
      // Failed opens did not move the sequence number: the vector still opens in order.
      for (const e of v.encryptions) {
        expect(toHex((await context!.open(hex(e.aad), hex(e.ct)))!)).toBe(e.pt);
      }
    });
  });

  it('refuses an enc that is not a usable X25519 key, and unsupported suites', async () => {
    const suite = {
      kem: HpkeKem.DHKEM_X25519_HKDF_SHA256,
      kdf: HpkeKdf.HKDF_SHA256,
      aead: HpkeAead.AES_128_GCM,
    };
    const { privateKey } = generateHpkeX25519KeyPair(p);
    const info = new Uint8Array(0);
    expect(
      await setupBaseRecipient(p, suite, new Uint8Array(31), privateKey, info),
    ).toBeUndefined();
    // The all-zero point has small order: its shared secret is zero (RFC 9180 7.1.4).
    expect(
      await setupBaseRecipient(p, suite, new Uint8Array(32), privateKey, info),
    ).toBeUndefined();
    const other = { ...suite, kem: 0x0010 };
    expect(
      await setupBaseRecipient(p, other, new Uint8Array(32), privateKey, info),
    ).toBeUndefined();
    await expect(setupBaseSender(p, other, new Uint8Array(32), info)).rejects.toThrow(RangeError);
  });

  it.each([HpkeAead.AES_128_GCM, HpkeAead.AES_256_GCM, HpkeAead.CHACHA20_POLY1305])(
    'round-trips with a fresh key pair (AEAD %i, SHA-384 KDF)',
    async (aead) => {
      const suite = { kem: HpkeKem.DHKEM_X25519_HKDF_SHA256, kdf: HpkeKdf.HKDF_SHA384, aead };
      const keys = generateHpkeX25519KeyPair(p);
      const info = new TextEncoder().encode('tls ech');
      const sender = await setupBaseSender(p, suite, keys.publicKey, info);
      const recipient = await setupBaseRecipient(p, suite, sender.enc, keys.privateKey, info);
      for (const text of ['one', 'two']) {
        const aad = new TextEncoder().encode(text);
        const ct = await sender.context.seal(aad, new TextEncoder().encode(text));
        expect(new TextDecoder().decode((await recipient!.open(aad, ct))!)).toBe(text);
      }
    },
  );
});
