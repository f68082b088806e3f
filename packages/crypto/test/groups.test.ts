import { isTlsError } from '@tlskit/wire';
import { PROVIDERS } from './providers.js';
import { describe, expect, it } from 'vitest';
import { replaying } from './replay.js';
import { hex, toHex, wycheproof } from './vectors.js';

const X25519 = 0x001d;
const P256 = 0x0017;
const P384 = 0x0018;
const P521 = 0x0019;
const X448 = 0x001e;
const FFDHE2048 = 0x0100;
const FFDHE3072 = 0x0101;
const FFDHE4096 = 0x0102;
const HYBRID = 0x11ec;

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();
  async function expectIllegalParameter(p: Promise<unknown>): Promise<void> {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTlsError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  }

  describe.each([
    ['x25519_test.json', X25519, { acceptableAccepted: 223, acceptableRejected: 31 }],
    ['x448_test.json', X448, { acceptableAccepted: 234, acceptableRejected: 11 }],
  ] as const)('Wycheproof %s', (file, group, expected) => {
    const tests = wycheproof(file).testGroups.flatMap((g) => g.tests);
    it(`agrees on every valid case and never returns an all-zero secret (${tests.length} cases)`, async () => {
      let acceptableAccepted = 0;
      let acceptableRejected = 0;
      for (const t of tests) {
        const p = replaying(create, hex(t.private as string));
        const share = await p.keyExchange(group)!.generate();
        const result = await share.complete(hex(t.public as string)).then(
          (s) => toHex(s),
          (e: unknown) => e,
        );
        if (t.result === 'valid') {
          expect(result, `tcId ${t.tcId} ${t.comment}`).toBe(t.shared);
        } else if (t.result === 'invalid') {
          // Public keys of the wrong length.
          expect(result, `tcId ${t.tcId} ${t.comment}`).toMatchObject({ alert: 47 });
        } else if (typeof result === 'string') {
          // acceptable: RFC 7748 inputs (twist points, non-canonical u) that give a nonzero secret.
          expect(result, `tcId ${t.tcId}`).toBe(t.shared);
          expect(/^0+$/.test(result)).toBe(false);
          acceptableAccepted++;
        } else {
          expect(t.flags, `tcId ${t.tcId} rejected`).toContain('ZeroSharedSecret');
          expect(result).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
          acceptableRejected++;
        }
      }
      // Recorded in the README: acceptable cases are accepted unless the secret is all zero.
      expect({ acceptableAccepted, acceptableRejected }).toEqual(expected);
    }, 60_000);
  });

  describe('x25519', () => {
    // RFC 7748 6.1: Alice's and Bob's keys and the shared secret.
    const alicePriv = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const alicePub = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
    const bobPriv = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const bobPub = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';

    it('reproduces the RFC 7748 6.1 exchange from injected private keys', async () => {
      const alice = await replaying(create, alicePriv).keyExchange(X25519)!.generate();
      expect(toHex(alice.publicKey)).toBe(alicePub);
      const bob = await replaying(create, bobPriv).keyExchange(X25519)!.respond(alice.publicKey);
      expect(toHex(bob.publicKey)).toBe(bobPub);
      expect(toHex(bob.sharedSecret)).toBe(shared);
      expect(toHex(await alice.complete(hex(bobPub)))).toBe(shared);
    });

    it('rejects an all-zero shared secret (low-order peer point) with illegal_parameter', async () => {
      const share = await p.keyExchange(X25519)!.generate();
      await expectIllegalParameter(share.complete(new Uint8Array(32)));
      const one = new Uint8Array(32);
      one[0] = 1;
      await expectIllegalParameter(share.complete(one));
    });

    it('rejects a share of the wrong length with illegal_parameter', async () => {
      await expectIllegalParameter(p.keyExchange(X25519)!.respond(new Uint8Array(31)));
      await expectIllegalParameter(p.keyExchange(X25519)!.respond(new Uint8Array(33)));
    });
  });

  describe('x448', () => {
    // RFC 7748 6.2: Alice's and Bob's keys and the shared secret.
    const alicePriv = hex(
      '9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b',
    );
    const alicePub =
      '9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0';
    const bobPriv = hex(
      '1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d',
    );
    const bobPub =
      '3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609';
    const shared =
      '07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d';

    it('reproduces the RFC 7748 6.2 exchange from injected private keys', async () => {
      const alice = await replaying(create, alicePriv).keyExchange(X448)!.generate();
      expect(toHex(alice.publicKey)).toBe(alicePub);
      const bob = await replaying(create, bobPriv).keyExchange(X448)!.respond(alice.publicKey);
      expect(toHex(bob.publicKey)).toBe(bobPub);
      expect(toHex(bob.sharedSecret)).toBe(shared);
      expect(toHex(await alice.complete(hex(bobPub)))).toBe(shared);
    });

    it('rejects low-order shares (all-zero secret) and shares of the wrong length', async () => {
      const share = await p.keyExchange(X448)!.generate();
      const one = new Uint8Array(56);
      one[0] = 1;
      for (const bad of [new Uint8Array(56), one, new Uint8Array(55), new Uint8Array(57)]) {
        await expectIllegalParameter(share.complete(bad));
        await expectIllegalParameter(p.keyExchange(X448)!.respond(bad));
      }
      // Zero-padded: a good share with a byte more.
      const padded = new Uint8Array(57);
      padded.set(share.publicKey, 1);
      await expectIllegalParameter(p.keyExchange(X448)!.respond(padded));
    });
  });

  describe.each([
    [P256, 65],
    [P384, 97],
    [P521, 133],
  ])('NIST group %i', (group, length) => {
    it('agrees with itself and sends uncompressed points', async () => {
      const a = await p.keyExchange(group)!.generate();
      expect(a.publicKey.length).toBe(length);
      expect(a.publicKey[0]).toBe(4);
      const b = await p.keyExchange(group)!.respond(a.publicKey);
      expect(toHex(await a.complete(b.publicKey))).toBe(toHex(b.sharedSecret));
      expect(b.sharedSecret.length).toBe((length - 1) / 2);
    });

    it('rejects compressed, off-curve, truncated and identity shares', async () => {
      const g = p.keyExchange(group)!;
      const good = (await g.generate()).publicKey;
      const compressed = new Uint8Array(1 + (length - 1) / 2);
      compressed.set(good.subarray(0, compressed.length));
      compressed[0] = 2 + (good[length - 1]! & 1);
      const offCurve = good.slice();
      offCurve[length - 1]! ^= 1;
      const hybridFormat = good.slice();
      hybridFormat[0] = 6;
      const zeroPadded = new Uint8Array(length + 1);
      zeroPadded.set(good, 1);
      const originXY = new Uint8Array(length);
      originXY[0] = 4; // x = 0, y = 0
      for (const bad of [
        compressed,
        offCurve,
        hybridFormat,
        good.subarray(1),
        good.subarray(0, length - 1),
        zeroPadded,
        new Uint8Array(1), // the point at infinity (SEC 1 2.3.3)
        new Uint8Array(length),
        originXY,
      ]) {
        await expectIllegalParameter(g.respond(bad));
      }
    });
  });

  describe('X25519MLKEM768', () => {
    it('round-trips: both sides derive ML-KEM secret || X25519 secret', async () => {
      const g = p.keyExchange(HYBRID)!;
      const client = await g.generate();
      expect(client.publicKey.length).toBe(1184 + 32);
      const server = await g.respond(client.publicKey);
      expect(server.publicKey.length).toBe(1088 + 32);
      expect(server.sharedSecret.length).toBe(64);
      expect(toHex(await client.complete(server.publicKey))).toBe(toHex(server.sharedSecret));
    });

    it('concatenates the ML-KEM and X25519 secrets without hashing them', async () => {
      // Independent check: recompute both halves with noble directly from the same randomness.
      const { ml_kem768 } = await import('@noble/post-quantum/ml-kem.js');
      const { x25519 } = await import('@noble/curves/ed25519.js');
      const seed = new Uint8Array(64).fill(1);
      const cx = new Uint8Array(32).fill(2);
      const m = new Uint8Array(32).fill(3);
      const sx = new Uint8Array(32).fill(4);
      const client = await replaying(create, seed, cx).keyExchange(HYBRID)!.generate();
      const server = await replaying(create, m, sx).keyExchange(HYBRID)!.respond(client.publicKey);
      const ek = ml_kem768.keygen(seed).publicKey;
      expect(toHex(client.publicKey)).toBe(toHex(ek) + toHex(x25519.getPublicKey(cx)));
      const kem = ml_kem768.encapsulate(ek, m);
      expect(toHex(server.publicKey)).toBe(toHex(kem.cipherText) + toHex(x25519.getPublicKey(sx)));
      const xs = x25519.getSharedSecret(cx, x25519.getPublicKey(sx));
      expect(toHex(server.sharedSecret)).toBe(toHex(kem.sharedSecret) + toHex(xs));
    });

    it('rejects client and server shares of the wrong length', async () => {
      const g = p.keyExchange(HYBRID)!;
      await expectIllegalParameter(g.respond(new Uint8Array(1215)));
      await expectIllegalParameter(g.respond(new Uint8Array(32)));
      const client = await g.generate();
      await expectIllegalParameter(client.complete(new Uint8Array(1119)));
      await expectIllegalParameter(client.complete(new Uint8Array(1121)));
    });

    it('rejects an encapsulation key with unreduced coefficients', async () => {
      const g = p.keyExchange(HYBRID)!;
      const share = (await g.generate()).publicKey.slice();
      // The first 12-bit coefficient set to 0xFFF >= q = 3329 (FIPS 203 7.2 modulus check).
      share[0] = 0xff;
      share[1] = (share[1] ?? 0) | 0x0f;
      await expectIllegalParameter(g.respond(share));
    });

    it('rejects a low-order X25519 half with illegal_parameter', async () => {
      const g = p.keyExchange(HYBRID)!;
      const client = await g.generate();
      const zeroX = client.publicKey.slice();
      zeroX.fill(0, 1184);
      await expectIllegalParameter(g.respond(zeroX));
      const server = await g.respond(client.publicKey);
      const bad = server.publicKey.slice();
      bad.fill(0, 1088);
      await expectIllegalParameter(client.complete(bad));
    });
  });

  describe('key exchange', () => {
    it('lists the supported groups and returns undefined for others', () => {
      expect(p.supportedGroups).toEqual([
        HYBRID,
        X25519,
        P256,
        P384,
        P521,
        X448,
        FFDHE2048,
        FFDHE3072,
        FFDHE4096,
      ]);
      expect(p.keyExchange(0x0103)).toBeUndefined(); // ffdhe6144
      expect(p.keyExchange(0x11eb)).toBeUndefined(); // SecP256r1MLKEM768
    });

    it('draws every private key from the injected random source', async () => {
      const p = replaying(create, new Uint8Array(32).fill(5));
      await p.keyExchange(P256)!.generate();
      await expect(p.keyExchange(X25519)!.generate()).rejects.toThrow(/replay/);
    });
  });

  describe.each([
    ['ecdh_secp256r1_test.json', P256, 32, 230],
    ['ecdh_secp384r1_test.json', P384, 48, 230],
    ['ecdh_secp521r1_test.json', P521, 66, 228],
    // secp224r1: the legacy opt-in group (not in supportedGroups), on noble's generic curve code.
    ['ecdh_secp224r1_test.json', 0x0015, 28, 230],
  ] as const)('Wycheproof %s', (file, group, size, acceptableCount) => {
    const tests = wycheproof(file).testGroups.flatMap((g) => g.tests);
    it(`agrees on every valid case and rejects every invalid one (${tests.length} cases)`, async () => {
      const acceptable = { accepted: [] as string[], rejected: 0 };
      for (const t of tests) {
        // The peer key comes as an SPKI: importPublicKey is the strict parser under test; after it
        // succeeds the uncompressed point is the SPKI's last 1 + 2 * size bytes.
        const outcome = await (async () => {
          const spki = hex(t.public as string);
          await p.importPublicKey(spki);
          const raw = hex(t.private as string);
          const priv = new Uint8Array(size);
          const trimmed = raw.subarray(Math.max(0, raw.length - size));
          priv.set(trimmed, size - trimmed.length);
          const share = await replaying(create, priv).keyExchange(group)!.generate();
          return toHex(await share.complete(spki.subarray(spki.length - 1 - 2 * size)));
        })().catch((e: unknown) => e);
        if (t.result === 'valid') {
          expect(outcome, `tcId ${t.tcId} ${t.comment}`).toBe(t.shared);
        } else if (t.result === 'invalid') {
          expect(isTlsError(outcome), `tcId ${t.tcId} ${t.comment}`).toBe(true);
        } else if (typeof outcome === 'string') {
          expect(outcome).toBe(t.shared);
          acceptable.accepted.push(t.flags.join(','));
        } else {
          expect(isTlsError(outcome), `tcId ${t.tcId} ${String(outcome)}`).toBe(true);
          acceptable.rejected++;
        }
      }
      // Recorded in the README: all acceptable cases (BER-isms in the SPKI, compressed points,
      // explicit curve parameters) are rejected by the strict SPKI parser.
      expect(acceptable).toEqual({ accepted: [], rejected: acceptableCount });
    }, 180_000); // ~1,000 P-384/P-521 agreements; WebCrypto imports a key per operation
  });
});
