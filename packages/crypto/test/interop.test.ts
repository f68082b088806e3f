import { PROVIDERS } from './providers.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureScheme } from '@tlskit/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from './vectors.js';

// OpenSSL is the independent oracle: our signatures must verify there, its signatures here,
// and our SPKI for an imported private key must equal `openssl pkey -pubout`.
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tlskit-crypto-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();
  const message = new TextEncoder().encode('TLS 1.3, server CertificateVerify\0 transcript hash');
  writeFileSync(join(work, 'msg'), message);

  function openssl(args: string[]): string {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  interface Case {
    fixture: string;
    schemes: number[];
  }

  // The digest OpenSSL should use, read off each IANA scheme name (independent of our tables).
  const digestOf = (scheme: number): string => {
    const name = Object.entries(SignatureScheme).find(([, code]) => code === scheme)?.[0] ?? '';
    return /sha(\d+)$/.exec(name)?.[0] ?? 'none';
  };

  function sigopts(scheme: number): string[] {
    const pss = (scheme >= 0x0804 && scheme <= 0x0806) || (scheme >= 0x0809 && scheme <= 0x080b);
    return pss
      ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest']
      : scheme === 0x0401 || scheme === 0x0501 || scheme === 0x0601
        ? ['-sigopt', 'rsa_padding_mode:pkcs1']
        : [];
  }

  function opensslVerify(key: string, scheme: number, sig: Uint8Array): boolean {
    const sigFile = join(work, `sig-${scheme}`);
    writeFileSync(sigFile, sig);
    const args =
      scheme === 0x0807
        ? [
            'pkeyutl',
            '-verify',
            '-inkey',
            key,
            '-rawin',
            '-in',
            join(work, 'msg'),
            '-sigfile',
            sigFile,
          ]
        : [
            'dgst',
            `-${digestOf(scheme)}`,
            '-prverify',
            key,
            ...sigopts(scheme),
            '-signature',
            sigFile,
            join(work, 'msg'),
          ];
    try {
      return /Verified OK|Signature Verified Successfully/.test(openssl(args));
    } catch {
      return false;
    }
  }

  function opensslSign(key: string, scheme: number): Uint8Array {
    const out = join(work, `osig-${scheme}`);
    const args =
      scheme === 0x0807
        ? ['pkeyutl', '-sign', '-inkey', key, '-rawin', '-in', join(work, 'msg'), '-out', out]
        : [
            'dgst',
            `-${digestOf(scheme)}`,
            '-sign',
            key,
            ...sigopts(scheme),
            '-out',
            out,
            join(work, 'msg'),
          ];
    openssl(args);
    return new Uint8Array(readFileSync(out));
  }

  const cases: Case[] = [
    { fixture: 'p256', schemes: [0x0403] },
    { fixture: 'p384', schemes: [0x0503] },
    { fixture: 'p521', schemes: [0x0603] },
    { fixture: 'ed25519', schemes: [0x0807] },
    { fixture: 'rsa2048', schemes: [0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601] },
    { fixture: 'rsapss2048', schemes: [0x0809, 0x080a, 0x080b] },
  ];

  describe.each(cases)('$fixture key against OpenSSL', ({ fixture, schemes }) => {
    const pem = join(FIXTURES, `${fixture}.pem`);

    it('imports the PKCS#8 PEM and derives the public key OpenSSL derives', async () => {
      const key = await p.importPrivateKey(readFileSync(pem, 'utf8'));
      expect([...p.signatureSchemesFor(key)]).toEqual(schemes);
      if (fixture !== 'rsapss2048') {
        // OpenSSL writes RSASSA-PSS parameters we do not reproduce; every other SPKI matches.
        expect(toHex(key.publicKey.spki)).toBe(
          toHex(readFileSync(join(FIXTURES, `${fixture}.spki.der`))),
        );
      }
      const pub = await p.importPublicKey(readFileSync(join(FIXTURES, `${fixture}.spki.der`)));
      expect(pub.type).toBe(key.type);
    });

    it.each(schemes)(
      'signs with scheme %i so that OpenSSL verifies, and verifies OpenSSL',
      async (scheme) => {
        const key = await p.importPrivateKey(readFileSync(pem, 'utf8'));
        const sig = await p.sign(scheme, key, message);
        expect(opensslVerify(pem, scheme, sig)).toBe(true);
        const pub = await p.importPublicKey(readFileSync(join(FIXTURES, `${fixture}.spki.der`)));
        expect(await p.verify(scheme, pub, message, sig)).toBe(true);
        const theirs = opensslSign(pem, scheme);
        expect(await p.verify(scheme, pub, message, theirs)).toBe(true);
        const tampered = theirs.slice();
        tampered[tampered.length - 1]! ^= 1;
        expect(await p.verify(scheme, pub, message, tampered)).toBe(false);
      },
    );
  });

  describe('legacy PEM forms', () => {
    it('imports SEC1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY" as the same keys', async () => {
      const sec1 = await p.importPrivateKey(readFileSync(join(FIXTURES, 'p256-sec1.pem'), 'utf8'));
      expect(toHex(sec1.publicKey.spki)).toBe(toHex(readFileSync(join(FIXTURES, 'p256.spki.der'))));
      const pkcs1 = await p.importPrivateKey(
        readFileSync(join(FIXTURES, 'rsa2048-pkcs1.pem'), 'utf8'),
      );
      expect(toHex(pkcs1.publicKey.spki)).toBe(
        toHex(readFileSync(join(FIXTURES, 'rsa2048.spki.der'))),
      );
      expect(pkcs1.bits).toBe(2048);
      const sig = await p.sign(0x0804, pkcs1, message);
      expect(opensslVerify(join(FIXTURES, 'rsa2048.pem'), 0x0804, sig)).toBe(true);
    });

    it('imports PKCS#8 DER bytes', async () => {
      const der = execFileSync('openssl', [
        'pkcs8',
        '-topk8',
        '-nocrypt',
        '-in',
        join(FIXTURES, 'p384.pem'),
        '-outform',
        'DER',
      ]);
      const key = await p.importPrivateKey(new Uint8Array(der));
      expect(key).toMatchObject({ type: 'ec', curve: 'P-384' });
    });
  });
});
