/**
 * The cipher suites of both versions, from `@tlskit/crypto`'s table, and the groups TLS 1.2 can
 * use: what the options resolve against and what each version's states look up.
 */
import { CIPHER_SUITES, type CipherSuiteInfo, cipherSuiteInfo, HASH_LENGTH } from '@tlskit/crypto';
import type { PrfHash } from '@tlskit/key-schedule';
import { NamedGroup } from '@tlskit/wire';

/** A TLS 1.3 cipher suite (from `@tlskit/crypto`'s table) with its hash length at hand. */
export interface Suite13 extends CipherSuiteInfo {
  readonly version: 'TLS1.3';
  readonly hashLength: number;
}

/** The TLS 1.3 suite for a code point, or undefined (unknown, or a TLS 1.2 suite). */
export function suite13(code: number): Suite13 | undefined {
  return SUITES13.get(code);
}

/** Built once: suite13 runs several times per handshake (issue 7). */
const SUITES13 = new Map<number, Suite13>(
  CIPHER_SUITES.filter((info) => info.version === 'TLS1.3').map((info) => [
    info.code,
    Object.freeze({ ...info, version: 'TLS1.3', hashLength: HASH_LENGTH[info.hash] }),
  ]),
);

/** The TLS 1.3 suites tlskit implements, in default preference order. */
export const defaultSuites13: readonly number[] = CIPHER_SUITES.filter(
  (s) => s.version === 'TLS1.3',
).map((s) => s.code);

/** A TLS 1.2 suite from `@tlskit/crypto`'s table. */
export interface Suite12 extends CipherSuiteInfo {
  readonly version: 'TLS1.2';
  readonly hash: PrfHash;
  readonly auth: 'ecdsa' | 'rsa';
}

/** The TLS 1.2 suite for a code point, or undefined. */
export function suite12(code: number): Suite12 | undefined {
  const info = cipherSuiteInfo(code);
  if (info === undefined || info.version !== 'TLS1.2' || info.auth === undefined) return undefined;
  return info as Suite12;
}

/** The TLS 1.2 suites tlskit implements, in default preference order. */
export const defaultSuites12: readonly number[] = CIPHER_SUITES.filter(
  (s) => s.version === 'TLS1.2',
).map((s) => s.code);

/**
 * RFC 8422 5.1.1: the groups ECDHE in TLS 1.2 may use (no hybrids; RFC 7919 FFDHE would need
 * DHE suites, which tlskit does not implement).
 */
export const groups12: readonly number[] = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.secp521r1,
  NamedGroup.x448,
  NamedGroup.secp224r1,
];

/**
 * Whether TLS 1.3 may use a group: not secp224r1, which RFC 8446 4.2.7 lists among the obsolete
 * code points (0x0001..0x0016) that TLS 1.3 MUST NOT offer or negotiate.
 */
export function isTls13Group(group: number): boolean {
  return group !== NamedGroup.secp224r1;
}
