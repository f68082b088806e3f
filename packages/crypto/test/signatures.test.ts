import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROVIDERS } from './providers.js';
import { describe, expect, it } from 'vitest';
import { hex, wycheproof } from './vectors.js';

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();

  /** Runs a Wycheproof signature-verification file through importPublicKey + verify. */
  describe.each([
    ['ecdsa_secp256r1_sha256_test.json', 0x0403],
    ['ecdsa_secp384r1_sha384_test.json', 0x0503],
    // P-224 keys sign as ECDSA with SHA-256 in TLS 1.2 (the legacy opt-in curve).
    ['ecdsa_secp224r1_sha256_test.json', 0x0403],
    ['ed25519_test.json', 0x0807],
    ['rsa_pss_2048_sha256_mgf1_32_test.json', 0x0804],
    ['rsa_pss_2048_sha384_mgf1_48_test.json', 0x0805],
    ['rsa_pss_4096_sha384_mgf1_48_test.json', 0x0805],
    ['rsa_signature_2048_sha256_test.json', 0x0401],
  ])('Wycheproof %s', (file, scheme) => {
    const groups = wycheproof(file).testGroups;
    const total = groups.reduce((n, g) => n + g.tests.length, 0);
    it(`accepts every valid and rejects every invalid signature (${total} cases)`, async () => {
      const acceptable: Record<string, boolean> = {};
      for (const g of groups) {
        const key = await p.importPublicKey(hex(g.publicKeyDer as string));
        for (const t of g.tests) {
          const ok = await p.verify(scheme, key, hex(t.msg as string), hex(t.sig as string));
          if (t.result === 'acceptable') acceptable[`${t.tcId} ${t.flags.join(',')}`] = ok;
          else expect(ok, `tcId ${t.tcId} ${t.comment} ${t.flags}`).toBe(t.result === 'valid');
        }
      }
      // The one acceptable case (PKCS#1 DigestInfo without the NULL parameter) is rejected:
      // WebCrypto rebuilds the DigestInfo with NULL and compares (RFC 8017 8.2.2 step 4).
      expect(acceptable).toEqual(
        file.startsWith('rsa_signature') ? { '8 MissingNull': false } : {},
      );
    });
  });

  describe('signature verification', () => {
    it('resolves false for a scheme that does not fit the key', async () => {
      const g = wycheproof('ecdsa_secp256r1_sha256_test.json').testGroups[0]!;
      const key = await p.importPublicKey(hex(g.publicKeyDer as string));
      const t = g.tests[0]!;
      expect(await p.verify(0x0403, key, hex(t.msg as string), hex(t.sig as string))).toBe(true);
      expect(await p.verify(0x0807, key, hex(t.msg as string), hex(t.sig as string))).toBe(false);
      expect(await p.verify(0x0804, key, hex(t.msg as string), hex(t.sig as string))).toBe(false);
      expect(await p.verify(0xffff, key, hex(t.msg as string), hex(t.sig as string))).toBe(false);
    });

    it('resolves false for a PublicKey whose SPKI does not parse', async () => {
      const bogus = { type: 'ec' as const, curve: 'P-256', spki: new Uint8Array([0x30, 0x01]) };
      expect(await p.verify(0x0403, bogus, new Uint8Array(0), new Uint8Array(64))).toBe(false);
    });

    it('verifies SHA-1 schemes only when allowed', async () => {
      const pem = fileURLToPath(new URL('./fixtures/p256.pem', import.meta.url));
      const priv = await p.importPrivateKey(readFileSync(pem, 'utf8'));
      // An ecdsa_sha1 signature made by OpenSSL, the independent signer.
      const msg = new TextEncoder().encode('legacy');
      const der = new Uint8Array(
        execFileSync('openssl', ['dgst', '-sha1', '-sign', pem], { input: msg }),
      );
      expect(await p.verify(0x0203, priv.publicKey, msg, der)).toBe(false);
      const legacy = create({ allowSha1Signatures: true });
      expect(await legacy.verify(0x0203, priv.publicKey, msg, der)).toBe(true);
      expect(p.supportedSignatureSchemes).not.toContain(0x0203);
    });
  });
});
