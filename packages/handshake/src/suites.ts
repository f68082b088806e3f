import type { AeadName, HashName } from '@tlskit/crypto';
import { CipherSuite, nameOf } from '@tlskit/wire';

/** What the engine needs to know about a TLS 1.3 cipher suite (RFC 8446 B.4). */
export interface Suite13 {
  readonly code: number;
  readonly name: string;
  readonly hash: HashName;
  readonly hashLength: number;
  readonly aead: AeadName;
  readonly keyLength: number;
}

const suites13: readonly Suite13[] = [
  suite(CipherSuite.TLS_AES_128_GCM_SHA256, 'SHA-256', 'AES-128-GCM', 16),
  suite(CipherSuite.TLS_AES_256_GCM_SHA384, 'SHA-384', 'AES-256-GCM', 32),
  suite(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, 'SHA-256', 'CHACHA20-POLY1305', 32),
];

function suite(code: number, hash: HashName, aead: AeadName, keyLength: number): Suite13 {
  const hashLength = hash === 'SHA-384' ? 48 : 32;
  return { code, name: nameOf(CipherSuite, code), hash, hashLength, aead, keyLength };
}

/** The TLS 1.3 suite for a code point, or undefined. */
export function suite13(code: number): Suite13 | undefined {
  return suites13.find((s) => s.code === code);
}

/** The TLS 1.3 suites tlskit implements, in default preference order. */
export const defaultSuites13: readonly number[] = suites13.map((s) => s.code);
