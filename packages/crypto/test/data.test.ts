import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CIPHER_SUITES,
  cipherSuiteInfo,
  NAMED_GROUPS,
  namedGroupInfo,
  nobleProvider,
  SIGNATURE_SCHEMES,
  signatureSchemeFitsKey,
  signatureSchemeInfo,
} from '../src/index.js';

/** `openssl ciphers -stdname -V` lines, keyed by IANA name: the independent registry. */
function opensslSuites(): Map<
  string,
  { code: number; openssl: string; version: string; enc: string; au: string }
> {
  const out = execFileSync('openssl', ['ciphers', '-stdname', '-V', 'ALL:@SECLEVEL=0'], {
    encoding: 'utf8',
  });
  const map = new Map();
  for (const line of out.split('\n')) {
    const m = /0x(\w\w),0x(\w\w) - (\S+)\s+- (\S+)\s+(\S+) Kx=\S+\s+Au=(\S+)\s+Enc=(\S+)/.exec(
      line,
    );
    if (m === null) continue;
    map.set(m[3], {
      code: Number.parseInt(`${m[1]}${m[2]}`, 16),
      openssl: m[4],
      version: m[5],
      au: m[6],
      enc: m[7],
    });
  }
  return map;
}

describe('cipher suites', () => {
  const reference = opensslSuites();

  it.each(CIPHER_SUITES.map((s) => [s.name, s] as const))('%s matches OpenSSL', (_name, s) => {
    const ref = reference.get(s.name);
    expect(ref, `${s.name} not known to OpenSSL`).toBeDefined();
    expect(s.code).toBe(ref?.code);
    expect(s.openssl).toBe(ref?.openssl);
    expect(s.version).toBe(ref?.version === 'TLSv1.3' ? 'TLS1.3' : 'TLS1.2');
    const enc = {
      'AES-128-GCM': 'AESGCM(128)',
      'AES-256-GCM': 'AESGCM(256)',
      'CHACHA20-POLY1305': 'CHACHA20/POLY1305(256)',
    };
    expect(ref?.enc).toBe(enc[s.aead]);
    expect(s.keyLength * 8).toBe(Number(/\((\d+)\)/.exec(ref?.enc ?? '')?.[1]));
    if (s.version === 'TLS1.2') expect(ref?.au).toBe(s.auth === 'ecdsa' ? 'ECDSA' : 'RSA');
    // The hash is the one the IANA name ends with.
    expect(s.name.endsWith(s.hash.replace('-', ''))).toBe(true);
  });

  it('has the three TLS 1.3 suites and the six TLS 1.2 ECDHE AEAD suites, nothing else', () => {
    expect(CIPHER_SUITES.filter((s) => s.version === 'TLS1.3')).toHaveLength(3);
    expect(CIPHER_SUITES.filter((s) => s.version === 'TLS1.2')).toHaveLength(6);
    expect(CIPHER_SUITES.every((s) => s.name.includes('GCM') || s.name.includes('CHACHA20'))).toBe(
      true,
    );
  });

  it('gives TLS 1.2 GCM a 4-byte fixed IV and an 8-byte explicit nonce (RFC 5288 3)', () => {
    for (const s of CIPHER_SUITES) {
      const gcm12 = s.version === 'TLS1.2' && s.aead !== 'CHACHA20-POLY1305';
      expect([s.ivLength, s.explicitNonceLength]).toEqual(gcm12 ? [4, 8] : [12, 0]);
    }
    expect(cipherSuiteInfo(0x1301)?.name).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteInfo(0x002f)).toBeUndefined(); // TLS_RSA_WITH_AES_128_CBC_SHA: never.
  });
});

describe('named groups', () => {
  it('lists exactly the groups the provider implements, in its preference order', () => {
    expect(NAMED_GROUPS.filter((g) => !g.legacy).map((g) => g.code)).toEqual([
      ...nobleProvider.supportedGroups,
    ]);
    // secp224r1: implemented, never listed (a caller must name it), TLS 1.2 only.
    expect(NAMED_GROUPS.filter((g) => g.legacy).map((g) => [g.code, g.tls12, g.tls13])).toEqual([
      [0x0015, true, false],
    ]);
    expect(nobleProvider.keyExchange(0x0015)?.name).toBe('secp224r1');
    expect(namedGroupInfo(0x11ec)?.name).toBe('X25519MLKEM768');
    expect(namedGroupInfo(0x0100)?.kind).toBe('ffdhe');
    expect(namedGroupInfo(0x0103)).toBeUndefined(); // ffdhe6144: not implemented
  });

  it.each(NAMED_GROUPS.map((g) => [g.name, g] as const))(
    '%s shares have the documented lengths',
    async (_n, g) => {
      const kx = nobleProvider.keyExchange(g.code)!;
      const share = await kx.generate();
      expect(share.publicKey.length).toBe(g.initiatorShareLength);
      const answer = await kx.respond(share.publicKey);
      expect(answer.publicKey.length).toBe(g.responderShareLength);
      expect(answer.sharedSecret.length).toBe(g.sharedSecretLength);
      expect(kx.name).toBe(g.name);
    },
  );
});

describe('signature schemes', () => {
  it('marks PKCS#1 v1.5 and SHA-1 as not allowed in TLS 1.3 (RFC 8446 4.2.3)', () => {
    for (const s of SIGNATURE_SCHEMES) {
      expect(s.tls13, s.name).toBe(s.algorithm !== 'rsa-pkcs1' && s.hash !== 'SHA-1');
    }
    expect(signatureSchemeInfo(0x0807)).toMatchObject({ name: 'ed25519', keyType: 'ed25519' });
    expect(signatureSchemeInfo(0x0809)).toMatchObject({ keyType: 'rsa-pss', hash: 'SHA-256' });
  });

  it('advertises every non-legacy scheme and no SHA-1 one', () => {
    expect([...nobleProvider.supportedSignatureSchemes]).toEqual(
      SIGNATURE_SCHEMES.filter((s) => !s.legacy).map((s) => s.code),
    );
  });
});

describe('signatureSchemeFitsKey', () => {
  const ec = (curve: string) => ({ type: 'ec' as const, curve, spki: new Uint8Array(0) });
  const rsa = { type: 'rsa' as const, bits: 2048, spki: new Uint8Array(0) };
  const pss = { type: 'rsa-pss' as const, bits: 2048, spki: new Uint8Array(0) };

  it('requires the ECDSA curve to match the scheme in TLS 1.3 only (RFC 8446 4.2.3)', () => {
    expect(signatureSchemeFitsKey(0x0403, ec('P-256'), 'TLS1.3')).toBe(true);
    expect(signatureSchemeFitsKey(0x0503, ec('P-256'), 'TLS1.3')).toBe(false);
    expect(signatureSchemeFitsKey(0x0503, ec('P-256'), 'TLS1.2')).toBe(true);
  });

  it('keeps PKCS#1 v1.5 out of TLS 1.3 and separates rsae from pss keys', () => {
    expect(signatureSchemeFitsKey(0x0401, rsa, 'TLS1.3')).toBe(false);
    expect(signatureSchemeFitsKey(0x0401, rsa, 'TLS1.2')).toBe(true);
    expect(signatureSchemeFitsKey(0x0804, rsa, 'TLS1.3')).toBe(true);
    expect(signatureSchemeFitsKey(0x0804, pss, 'TLS1.3')).toBe(false);
    expect(signatureSchemeFitsKey(0x0809, pss, 'TLS1.3')).toBe(true);
    expect(signatureSchemeFitsKey(0x0809, rsa, 'TLS1.3')).toBe(false);
  });

  it('never fits SHA-1 or unknown schemes', () => {
    expect(signatureSchemeFitsKey(0x0203, ec('P-256'), 'TLS1.2')).toBe(false);
    expect(signatureSchemeFitsKey(0x0201, rsa, 'TLS1.2')).toBe(false);
    expect(signatureSchemeFitsKey(0x0808, ec('P-256'), 'TLS1.3')).toBe(false);
  });
});
