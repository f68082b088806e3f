/**
 * BoringSSL's cipher rule strings as -cipher passes them: the lists below are what BoringSSL's
 * rules select (its ssl_cipher.cc semantics, and the choices the runner's CipherNegotiation-*
 * tests expect of an equal-preference group).
 */
import { describe, expect, it } from 'vitest';
import {
  CipherRuleError,
  cipherOptions,
  orderForClient,
  parseCipherRule,
} from '../src/cipher-rules.js';
import { Unsupported } from '../src/options.js';

const codes = (rule: string): number[] => parseCipherRule(rule).groups.flat();

describe('parseCipherRule', () => {
  it('adds by alias without the deprecated suites, in BoringSSL order', () => {
    expect(codes('AES128')).toEqual([
      0xc02b, 0xc02f, 0xc009, 0xc013, 0xc035, 0x009c, 0x002f, 0x008c,
    ]);
    // DEFAULT is ALL: no 3DES, no CBC-SHA256; !AES then leaves the ChaCha20 suites.
    expect(codes('DEFAULT:!AES')).toEqual([0xcca9, 0xcca8, 0xccac]);
    expect(codes('ALL:3DES').at(-1)).toBe(0x000a);
    expect(codes('ALL')).not.toContain(0x000a);
  });

  it('ands the aliases of a + chain, and an exact name needs no alias', () => {
    expect(codes('ECDHE+AESGCM')).toEqual([0xc02b, 0xc02f, 0xc02c, 0xc030]);
    expect(codes('TLS_RSA_WITH_3DES_EDE_CBC_SHA')).toEqual([0x000a]);
    expect(codes('ECDHE-RSA-AES128-GCM-SHA256:TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA')).toEqual([
      0xc02f, 0xc014,
    ]);
  });

  it('deletes, moves to the end and kills', () => {
    expect(codes('ECDHE+AESGCM:-AES128:AES128')).toEqual([
      0xc02c, 0xc030, 0xc02b, 0xc02f, 0xc009, 0xc013, 0xc035, 0x009c, 0x002f, 0x008c,
    ]);
    expect(codes('ECDHE+AESGCM:+AES128')).toEqual([0xc02c, 0xc030, 0xc02b, 0xc02f]);
    // Killed suites never come back (AES128 covers the CBC and GCM ones).
    expect(codes('ECDHE+AESGCM:!AES128:AES128')).toEqual([0xc02c, 0xc030]);
    expect(codes('ECDHE+AESGCM:!AES128')).toEqual([0xc02c, 0xc030]);
    expect(codes('CHACHA20:AES128:@STRENGTH')).toEqual([
      0xcca9, 0xcca8, 0xccac, 0xc02b, 0xc02f, 0xc009, 0xc013, 0xc035, 0x009c, 0x002f, 0x008c,
    ]);
  });

  it('keeps equal-preference groups', () => {
    const rule =
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:' +
      '[TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384|TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256|TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA]:' +
      'TLS_RSA_WITH_AES_128_GCM_SHA256';
    const preference = parseCipherRule(rule);
    expect(preference.hasGroups).toBe(true);
    expect(preference.groups).toEqual([[0xc02f], [0xc030, 0xcca8, 0xc014], [0x009c]]);
    // Within the group the client's order decides (CipherNegotiation-5 and -6).
    const keep = (): boolean => true;
    expect(orderForClient(preference, [0xcca8, 0xc030], keep)).toEqual([
      0xc02f, 0xcca8, 0xc030, 0xc014, 0x009c,
    ]);
    expect(orderForClient(preference, [0xc030, 0xcca8], keep)).toEqual([
      0xc02f, 0xc030, 0xcca8, 0xc014, 0x009c,
    ]);
  });

  it('refuses what the strict parser refuses', () => {
    for (const bad of [
      'NOSUCH',
      '[AES128',
      '[AES128]:-AES256',
      'AES128,AES256',
      '!ALL',
      'RSA+ECDHE',
      '@FOO',
    ]) {
      expect(() => parseCipherRule(bad), bad).toThrow(CipherRuleError);
    }
  });
});

describe('cipherOptions', () => {
  it("keeps tlskit's TLS 1.3 suites and the TLS 1.2 suites it implements, in the rule's order", () => {
    expect(cipherOptions(undefined)).toEqual({});
    expect(cipherOptions('CHACHA20:AES128').cipherSuites).toEqual([
      0x1301, 0x1302, 0x1303, 0xcca9, 0xcca8, 0xc02b, 0xc02f,
    ]);
  });

  it('is unimplemented when the rule selects no suite tlskit implements', () => {
    expect(() => cipherOptions('3DES')).toThrow(Unsupported);
    expect(() =>
      cipherOptions('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA:TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'),
    ).toThrow(Unsupported);
  });
});
