import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  CipherSuite,
  ExtensionType,
  ianaCipherSuites,
  ianaExtensionTypes,
  ianaNamedGroups,
  ianaSignatureSchemes,
  isKnown,
  NamedGroup,
  nameOf,
  SignatureScheme,
} from '../src/index.js';

// Every suite OpenSSL knows, with its code point and RFC name: an independent copy of the
// registry. `@SECLEVEL=0` and COMPLEMENTOFALL bring in NULL, EXPORT-free legacy and anonymous suites.
function opensslSuites(): [number, string][] | undefined {
  const run = spawnSync(
    'openssl',
    ['ciphers', '-V', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'],
    {
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
  if (run.status !== 0) return undefined;
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [bytes = '', , name = ''] = line.trim().split(/\s+/);
      const [hi = '', lo = ''] = bytes.split(',');
      return [(Number(hi) << 8) | Number(lo), name];
    });
}

describe('IANA tables', () => {
  it('name every cipher suite OpenSSL knows, with the same code point', () => {
    const suites = opensslSuites();
    if (suites === undefined) return expect.fail('openssl ciphers did not run');
    expect(suites.length).toBeGreaterThan(100);
    for (const [value, name] of suites) expect(nameOf(ianaCipherSuites, value)).toBe(name);
  });

  it('hold every code point tlskit implements, under the same name', () => {
    const pairs: [Readonly<Record<string, number>>, Readonly<Record<string, number>>][] = [
      [CipherSuite, ianaCipherSuites],
      [NamedGroup, ianaNamedGroups],
      [SignatureScheme, ianaSignatureSchemes],
      [ExtensionType, ianaExtensionTypes],
    ];
    for (const [ours, iana] of pairs) {
      for (const value of Object.values(ours)) {
        expect(isKnown(iana, value)).toBe(true);
        expect(nameOf(iana, value)).toBe(nameOf(ours, value));
      }
    }
  });

  it('keep IANA spellings that a camelCase table would convert', () => {
    expect(nameOf(ianaNamedGroups, 26)).toBe('brainpoolP256r1');
    expect(nameOf(ianaNamedGroups, 0x11ec)).toBe('X25519MLKEM768');
    expect(nameOf(ianaSignatureSchemes, 0x081a)).toBe('ecdsa_brainpoolP256r1tls13_sha256');
    expect(nameOf(ianaCipherSuites, 0x0017)).toBe('TLS_DH_anon_EXPORT_WITH_RC4_40_MD5');
    expect(nameOf(ianaExtensionTypes, 36)).toBe('TLMSP');
  });

  it('carry the code points of the RFCs that define them', () => {
    // RFC 7507, RFC 5746, RFC 7919, RFC 8422, RFC 8446 B.4, RFC 8998.
    expect(ianaCipherSuites.TLS_FALLBACK_SCSV).toBe(0x5600);
    expect(ianaCipherSuites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV).toBe(0x00ff);
    expect(ianaNamedGroups.ffdhe8192).toBe(0x0104);
    expect(ianaNamedGroups.sect571r1).toBe(14);
    expect(ianaCipherSuites.TLS_AES_128_CCM_8_SHA256).toBe(0x1305);
    expect(ianaCipherSuites.TLS_SM4_GCM_SM3).toBe(0x00c6);
    expect(ianaExtensionTypes.signed_certificate_timestamp).toBe(18);
    expect(ianaSignatureSchemes.rsa_pkcs1_sha1).toBe(0x0201);
  });

  it('list each code point once', () => {
    for (const table of [
      ianaCipherSuites,
      ianaNamedGroups,
      ianaSignatureSchemes,
      ianaExtensionTypes,
    ]) {
      const values = Object.values(table);
      expect(new Set(values).size).toBe(values.length);
    }
  });
});
