/**
 * Encrypted PKCS#8 keys (PBES2: PBKDF2 + AES-CBC) as `openssl pkcs8 -topk8 -v2 ...` writes them.
 * OpenSSL encrypts, we decrypt: the oracle for the result is `openssl pkey -pubout`, and for the
 * failures node:crypto's createPrivateKey, whose error codes we share.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TlsError } from '@tlskit/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { privateKeySpki } from '../src/index.js';
import { PROVIDERS } from './providers.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tlskit-encrypted-key-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const passphrase = 'correct horse battery staple';

/** `openssl pkcs8 -topk8` of a fixture with the given PBES2 options; returns the PEM. */
function encrypt(fixture: string, args: string[]): string {
  return execFileSync(
    'openssl',
    ['pkcs8', '-topk8', '-in', join(FIXTURES, fixture), '-passout', `pass:${passphrase}`, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

const spkiOf = (fixture: string): Uint8Array =>
  new Uint8Array(readFileSync(join(FIXTURES, fixture.replace(/(-sec1)?\.pem$/, '.spki.der'))));

/** The code node:crypto's createPrivateKey throws for the same input (undefined if it accepts it). */
function nodeCode(pem: string, pass?: string): string | undefined {
  try {
    createPrivateKey(pass === undefined ? pem : { key: pem, passphrase: pass });
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

const keys = ['p256.pem', 'p384.pem', 'ed25519.pem', 'rsa2048.pem'];
const schemes: [string, string[]][] = [
  ['aes-256-cbc, hmacWithSHA256', ['-v2', 'aes-256-cbc']],
  ['aes-128-cbc, hmacWithSHA1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
  ['aes-192-cbc, hmacWithSHA512', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA512']],
];

describe('encrypted PKCS#8 private keys', () => {
  for (const fixture of keys) {
    for (const [scheme, args] of schemes) {
      it(`opens ${fixture} encrypted with ${scheme} to the key openssl encrypted`, () => {
        const pem = encrypt(fixture, args);
        expect(pem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
        expect(privateKeySpki(pem, { passphrase })).toEqual(spkiOf(fixture));
      });
    }
  }

  describe.each(PROVIDERS)('through the %s provider', (_name, create) => {
    it('imports the key with a passphrase and signs with it', async () => {
      const provider = create();
      const key = await provider.importPrivateKey(encrypt('p256.pem', ['-v2', 'aes-256-cbc']), {
        passphrase,
      });
      expect(key.publicKey.spki).toEqual(spkiOf('p256.pem'));
      const [scheme] = provider.signatureSchemesFor(key);
      const message = new TextEncoder().encode('signed with a decrypted key');
      const signature = await provider.sign(scheme!, key, message);
      expect(await provider.verify(scheme!, key.publicKey, message, signature)).toBe(true);
    });
  });

  it('refuses an encrypted key without a passphrase with ERR_MISSING_PASSPHRASE', () => {
    const pem = encrypt('p256.pem', ['-v2', 'aes-256-cbc']);
    // node:crypto refuses it too (its code depends on the form: ERR_MISSING_PASSPHRASE for DER,
    // an OpenSSL one for PEM); we always use node's name for the concept.
    expect(nodeCode(pem)).toMatch(/^ERR_/);
    const error = catchError(() => privateKeySpki(pem));
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'ERR_MISSING_PASSPHRASE' });
    expect(error.message).toMatch(/passphrase/);
  });

  it('refuses a wrong passphrase with ERR_OSSL_BAD_DECRYPT, as node:crypto', () => {
    const pem = encrypt('rsa2048.pem', ['-v2', 'aes-256-cbc']);
    expect(nodeCode(pem, 'wrong')).toBe('ERR_OSSL_BAD_DECRYPT');
    // Many wrong passphrases: a few pass the padding check by chance and must still fail.
    for (let i = 0; i < 40; i++) {
      expect(catchError(() => privateKeySpki(pem, { passphrase: `wrong ${i}` }))).toMatchObject({
        code: 'ERR_OSSL_BAD_DECRYPT',
      });
    }
  });

  it('refuses legacy PEM encryption (Proc-Type) by name instead of "not base64"', () => {
    const legacy = execFileSync(
      'openssl',
      ['ec', '-in', join(FIXTURES, 'p256-sec1.pem'), '-aes256', '-passout', `pass:${passphrase}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(legacy).toContain('Proc-Type: 4,ENCRYPTED');
    const error = catchError(() => privateKeySpki(legacy, { passphrase }));
    expect(error).toMatchObject({ code: 'ERR_UNSUPPORTED_KEY' });
    expect(error.message).toMatch(/openssl pkcs8 -topk8/);
  });
});

describe('private keys that are not keys', () => {
  const cases: [string, string, RegExp][] = [
    ['a certificate (cert and key swapped)', certificatePem(), /CERTIFICATE.*swapped/],
    ['a file path', '/etc/tlskit/server.key', /file name/],
    ['a truncated PEM', readFileSync(join(FIXTURES, 'p256.pem'), 'utf8').slice(0, 80), /truncated/],
    ['an empty text', '', /empty/],
    [
      'a PEM body without its BEGIN and END lines',
      readFileSync(join(FIXTURES, 'rsa2048.pem'), 'utf8').split('\n').slice(1, -2).join('\n'),
      /base64 without/,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(`says what is wrong with ${what}`, () => {
      const error = catchError(() => privateKeySpki(text));
      expect(error).toBeInstanceOf(TlsError);
      expect(error).toMatchObject({ code: 'ERR_DECODE' });
      expect(error.message).toMatch(message);
    });
  }
});

function certificatePem(): string {
  return execFileSync(
    'openssl',
    ['req', '-x509', '-new', '-key', join(FIXTURES, 'p256.pem'), '-subj', '/CN=x', '-days', '1'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
