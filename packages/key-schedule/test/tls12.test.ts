/**
 * The TLS 1.2 PRF and what is built on it, against OpenSSL 3's TLS1-PRF KDF. OpenSSL takes the
 * label and seed as one `seed` parameter, so each case hands it label || seed written out by
 * the RFC's definition, independently of the code under test.
 *
 * The fixed outputs below were made with OpenSSL 3.0.19:
 *   openssl kdf -keylen N -kdfopt digest:SHA256 -kdfopt hexsecret:S -kdfopt hexseed:HEX(label)||SEED TLS1-PRF
 * The live cases run the same command on random inputs and are skipped when openssl is missing.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createNobleProvider } from '@tlskit/crypto';
import { describe, expect, it } from 'vitest';
import {
  type PrfHash,
  tls12ExportKeyingMaterial,
  tls12ExtendedMasterSecret,
  tls12FinishedVerifyData,
  tls12KeyBlock,
  tls12MasterSecret,
  tls12Prf,
} from '../src/index.js';
import { h } from './vectors.js';

const provider = createNobleProvider();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const haveOpenssl = openssl.status === 0 && /^OpenSSL 3/.test(openssl.stdout);
if (!haveOpenssl) {
  console.warn('openssl 3 not found on PATH: skipping the live TLS1-PRF comparisons');
}

/** OpenSSL's TLS1-PRF: P_hash(secret, labelAndSeed) truncated to `length`. */
function opensslPrf(
  hash: PrfHash,
  secret: Uint8Array,
  labelAndSeed: Uint8Array,
  length: number,
): Uint8Array {
  const digest = hash === 'SHA-256' ? 'SHA256' : 'SHA384';
  const run = spawnSync(
    'openssl',
    [
      'kdf',
      '-keylen',
      String(length),
      '-kdfopt',
      `digest:${digest}`,
      '-kdfopt',
      `hexsecret:${hex(secret)}`,
      '-kdfopt',
      `hexseed:${hex(labelAndSeed)}`,
      'TLS1-PRF',
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (run.status !== 0) throw new Error(`openssl kdf failed: ${run.stderr}`);
  return h(run.stdout.replace(/:/g, ''));
}

describe('TLS 1.2 PRF against OpenSSL outputs recorded in the repository', () => {
  const recorded = [
    {
      hash: 'SHA-256',
      secret: '9bbe436ba940f017b17652849a71db35',
      seed: 'a0ba9f936cda311827a6f796ffd5198c',
      output:
        'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af' +
        '0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff7' +
        '0187347b66',
    },
    {
      hash: 'SHA-384',
      secret: 'b80b733d6ceefcdc71566ea48e5567df',
      seed: 'cd665cf6a8447dd6ff8b27555edb7465',
      output:
        '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0' +
        'e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425' +
        '9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d' +
        '73e56f',
    },
  ] as const;
  for (const c of recorded) {
    it(`matches P_${c.hash.replace('-', '')} for ${c.output.length / 2} bytes ("test label")`, () => {
      const out = tls12Prf(
        provider,
        c.hash,
        h(c.secret),
        'test label',
        h(c.seed),
        c.output.length / 2,
      );
      expect(hex(out)).toBe(c.output);
    });
  }

  it('returns an empty output for length 0 and rejects a negative length', () => {
    expect(tls12Prf(provider, 'SHA-256', h('00'), 'x', h(''), 0)).toEqual(new Uint8Array(0));
    expect(() => tls12Prf(provider, 'SHA-256', h('00'), 'x', h(''), -1)).toThrow(RangeError);
  });
});

describe.skipIf(!haveOpenssl)('TLS 1.2 derivations against live openssl kdf TLS1-PRF', () => {
  const hashes: PrfHash[] = ['SHA-256', 'SHA-384'];

  it('matches the PRF on random secrets, seeds and lengths', () => {
    for (let i = 0; i < 12; i++) {
      const hash = hashes[i % 2]!;
      const secret = randomBytes(1 + ((i * 7) % 64));
      const seed = randomBytes((i * 13) % 80);
      const length = 1 + ((i * 37) % 200);
      const out = tls12Prf(provider, hash, secret, 'some label', seed, length);
      expect(hex(out)).toBe(hex(opensslPrf(hash, secret, cat(ascii('some label'), seed), length)));
    }
  });

  it('derives the master secret and the extended master secret (RFC 5246 8.1, RFC 7627 4)', () => {
    for (const hash of hashes) {
      const pms = randomBytes(32);
      const cr = randomBytes(32);
      const sr = randomBytes(32);
      const sessionHash = randomBytes(hash === 'SHA-256' ? 32 : 48);
      expect(hex(tls12MasterSecret(provider, hash, pms, cr, sr))).toBe(
        hex(opensslPrf(hash, pms, cat(ascii('master secret'), cr, sr), 48)),
      );
      expect(hex(tls12ExtendedMasterSecret(provider, hash, pms, sessionHash))).toBe(
        hex(opensslPrf(hash, pms, cat(ascii('extended master secret'), sessionHash), 48)),
      );
    }
  });

  it('splits the key block into keys and implicit IVs for GCM and ChaCha20-Poly1305 (RFC 5246 6.3)', () => {
    const cases = [
      { hash: 'SHA-256', aead: 'AES-128-GCM', key: 16, iv: 4 },
      { hash: 'SHA-384', aead: 'AES-256-GCM', key: 32, iv: 4 },
      { hash: 'SHA-256', aead: 'CHACHA20-POLY1305', key: 32, iv: 12 },
    ] as const;
    for (const c of cases) {
      const ms = randomBytes(48);
      const cr = randomBytes(32);
      const sr = randomBytes(32);
      const block = opensslPrf(
        c.hash,
        ms,
        cat(ascii('key expansion'), sr, cr),
        2 * c.key + 2 * c.iv,
      );
      const kb = tls12KeyBlock(provider, c.hash, ms, cr, sr, c.aead);
      expect(hex(kb.clientWriteKey)).toBe(hex(block.subarray(0, c.key)));
      expect(hex(kb.serverWriteKey)).toBe(hex(block.subarray(c.key, 2 * c.key)));
      expect(hex(kb.clientWriteIv)).toBe(hex(block.subarray(2 * c.key, 2 * c.key + c.iv)));
      expect(hex(kb.serverWriteIv)).toBe(hex(block.subarray(2 * c.key + c.iv)));
    }
  });

  it('computes 12-byte Finished verify_data for both senders (RFC 5246 7.4.9)', () => {
    for (const hash of hashes) {
      const ms = randomBytes(48);
      const handshakeHash = randomBytes(hash === 'SHA-256' ? 32 : 48);
      for (const sender of ['client', 'server'] as const) {
        const out = tls12FinishedVerifyData(provider, hash, ms, sender, handshakeHash);
        expect(out.length).toBe(12);
        expect(hex(out)).toBe(
          hex(opensslPrf(hash, ms, cat(ascii(`${sender} finished`), handshakeHash), 12)),
        );
      }
    }
  });

  it('exports keying material with and without a context (RFC 5705 4)', () => {
    const ms = randomBytes(48);
    const cr = randomBytes(32);
    const sr = randomBytes(32);
    const context = randomBytes(5);
    const label = 'EXPERIMENTAL tlskit';
    const withContext = tls12ExportKeyingMaterial(
      provider,
      'SHA-256',
      ms,
      cr,
      sr,
      label,
      context,
      40,
    );
    const without = tls12ExportKeyingMaterial(
      provider,
      'SHA-256',
      ms,
      cr,
      sr,
      label,
      undefined,
      40,
    );
    expect(hex(withContext)).toBe(
      hex(opensslPrf('SHA-256', ms, cat(ascii(label), cr, sr, h('0005'), context), 40)),
    );
    expect(hex(without)).toBe(hex(opensslPrf('SHA-256', ms, cat(ascii(label), cr, sr), 40)));
    // RFC 5705 4: an empty context is not the same as no context.
    const empty = tls12ExportKeyingMaterial(
      provider,
      'SHA-256',
      ms,
      cr,
      sr,
      label,
      new Uint8Array(0),
      40,
    );
    expect(hex(empty)).not.toBe(hex(without));
  });
});

describe('TLS 1.2 caller errors', () => {
  it('refuses exporter labels that TLS itself uses (RFC 5705 4)', () => {
    const z = new Uint8Array(32);
    expect(() =>
      tls12ExportKeyingMaterial(
        provider,
        'SHA-256',
        new Uint8Array(48),
        z,
        z,
        'key expansion',
        undefined,
        16,
      ),
    ).toThrow(/reserved/);
  });

  it('refuses randoms that are not 32 bytes', () => {
    expect(() =>
      tls12MasterSecret(
        provider,
        'SHA-256',
        new Uint8Array(32),
        new Uint8Array(31),
        new Uint8Array(32),
      ),
    ).toThrow(/clientRandom must be 32 bytes/);
  });
});
