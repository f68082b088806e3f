/**
 * The opt-in legacy algorithms: P-224 (secp224r1 ECDHE and ECDSA keys) and the SHA-1 signature
 * schemes, with OpenSSL as the oracle: its curve parameters, its ECDH and its signatures
 * (through node:crypto and the openssl command). The Wycheproof P-224 files run with the other
 * curves' in groups.test.ts and signatures.test.ts.
 */
import { execFileSync } from 'node:child_process';
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NIST_CURVES } from '../src/keys.js';
import { PROVIDERS } from './providers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const P224_PEM = readFileSync(fixture('p224.pem'), 'utf8');
const RSA_PEM = readFileSync(fixture('rsa2048.pem'), 'utf8');
const P256_PEM = readFileSync(fixture('p256.pem'), 'utf8');
const message = new TextEncoder().encode('an old peer');

/** `openssl ecparam -param_enc explicit -text` for secp224r1, as big integers by field name. */
function opensslP224Parameters(): Record<string, bigint> {
  const text = execFileSync('openssl', [
    'ecparam',
    '-name',
    'secp224r1',
    '-param_enc',
    'explicit',
    '-text',
    '-noout',
  ]).toString('latin1');
  const fields: Record<string, bigint> = {};
  for (const m of text.matchAll(/^(\w[\w ()]*?):\s*\n((?:\s+[0-9a-f:]+\n)+)/gm)) {
    fields[m[1]!.split(' ')[0]!] = BigInt(`0x${m[2]!.replace(/[\s:]/g, '')}`);
  }
  return fields;
}

describe('P-224 curve', () => {
  const curve = NIST_CURVES['P-224'];

  it("has OpenSSL's secp224r1 domain parameters", () => {
    const o = opensslP224Parameters();
    const { Fp, Fn } = curve.Point;
    expect(Fp.ORDER).toBe(o.Prime);
    expect(Fn.ORDER).toBe(o.Order);
    expect(curve.Point.CURVE().a).toBe(o.A);
    expect(curve.Point.CURVE().b).toBe(o.B);
    const g = curve.Point.BASE.toBytes(false);
    expect(BigInt(`0x${Buffer.from(g).toString('hex')}`)).toBe(o.Generator);
  });

  it('derives the public key OpenSSL derives, for random scalars', () => {
    for (let i = 0; i < 8; i++) {
      const ecdh = createECDH('secp224r1');
      ecdh.generateKeys();
      const d = new Uint8Array(ecdh.getPrivateKey().length === 28 ? ecdh.getPrivateKey() : []);
      if (d.length !== 28) continue; // a scalar with a leading zero byte: skip, not pad
      expect(Buffer.from(curve.getPublicKey(d, false))).toEqual(ecdh.getPublicKey());
    }
  });
});

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();

  describe('secp224r1 (0x0015)', () => {
    it('is implemented but not in supportedGroups', () => {
      expect(p.supportedGroups).not.toContain(0x0015);
      expect(p.keyExchange(0x0015)?.name).toBe('secp224r1');
    });

    it("agrees with OpenSSL's ECDH in both roles", async () => {
      const kx = p.keyExchange(0x0015)!;
      const peer = createECDH('secp224r1');
      const peerShare = peer.generateKeys();
      // We respond to OpenSSL's share (TLS 1.2 client)...
      const answer = await kx.respond(new Uint8Array(peerShare));
      expect(answer.publicKey.length).toBe(57);
      expect(Buffer.from(answer.sharedSecret)).toEqual(
        peer.computeSecret(Buffer.from(answer.publicKey)),
      );
      // ...and OpenSSL responds to ours (TLS 1.2 server).
      const share = await kx.generate();
      const other = createECDH('secp224r1');
      other.generateKeys();
      expect(Buffer.from(await share.complete(new Uint8Array(other.getPublicKey())))).toEqual(
        other.computeSecret(Buffer.from(share.publicKey)),
      );
    });

    it('refuses a share off the curve, compressed or truncated, with illegal_parameter', async () => {
      const kx = p.keyExchange(0x0015)!;
      const good = new Uint8Array(createECDH('secp224r1').generateKeys());
      const offCurve = good.slice();
      offCurve[56]! ^= 1;
      const other = createECDH('secp224r1');
      other.generateKeys();
      const compressed = new Uint8Array(other.getPublicKey(null, 'compressed'));
      for (const bad of [offCurve, compressed, good.subarray(0, 56)]) {
        await expect(kx.respond(bad)).rejects.toMatchObject({ alert: 47 });
      }
    });
  });

  describe('ECDSA P-224 keys', () => {
    it('imports an OpenSSL P-224 key and signs ECDSA-SHA256 that OpenSSL verifies', async () => {
      const key = await p.importPrivateKey(P224_PEM);
      expect([key.type, key.curve, key.publicKey.curve]).toEqual(['ec', 'P-224', 'P-224']);
      expect(Buffer.from(key.publicKey.spki)).toEqual(readFileSync(fixture('p224.spki.der')));
      expect(p.signatureSchemesFor(key)).toEqual([0x0403]);
      const signature = await p.sign(0x0403, key, message);
      expect(nodeVerify('sha256', message, createPublicKey(P224_PEM), signature)).toBe(true);
    });

    it("verifies OpenSSL's P-224 signatures and rejects altered ones", async () => {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp224r1' });
      const key = await p.importPublicKey(
        new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
      );
      for (const [scheme, hash] of [
        [0x0403, 'sha256'],
        [0x0503, 'sha384'],
      ] as const) {
        const signature = new Uint8Array(nodeSign(hash, message, privateKey));
        expect(await p.verify(scheme, key, message, signature)).toBe(true);
        const altered = signature.slice();
        altered[altered.length - 1]! ^= 1;
        expect(await p.verify(scheme, key, message, altered)).toBe(false);
        expect(await p.verify(scheme, key, message.subarray(1), signature)).toBe(false);
      }
    });
  });

  describe('SHA-1 signatures', () => {
    it('neither lists nor signs them by default', async () => {
      const rsa = await p.importPrivateKey(RSA_PEM);
      expect(p.supportedSignatureSchemes).not.toContain(0x0201);
      expect(p.signatureSchemesFor(rsa)).not.toContain(0x0201);
      await expect(p.sign(0x0201, rsa, message)).rejects.toThrow(TypeError);
    });

    it('with allowSha1Signatures, lists them last and signs what OpenSSL verifies', async () => {
      const legacy = create({ allowSha1Signatures: true });
      expect(legacy.supportedSignatureSchemes.slice(-2)).toEqual([0x0203, 0x0201]);
      for (const [pem, scheme] of [
        [RSA_PEM, 0x0201],
        [P256_PEM, 0x0203],
        [P224_PEM, 0x0203],
      ] as const) {
        const key = await legacy.importPrivateKey(pem);
        expect(legacy.signatureSchemesFor(key).at(-1)).toBe(scheme);
        const signature = await legacy.sign(scheme, key, message);
        expect(nodeVerify('sha1', message, createPrivateKey(pem), signature)).toBe(true);
        // Our own verify agrees; a SHA-256 signature does not pass as SHA-1.
        expect(await legacy.verify(scheme, key.publicKey, message, signature)).toBe(true);
        const sha256 = new Uint8Array(nodeSign('sha256', message, createPrivateKey(pem)));
        expect(await legacy.verify(scheme, key.publicKey, message, sha256)).toBe(false);
      }
    });
  });
});
