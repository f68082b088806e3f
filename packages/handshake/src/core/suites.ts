import { CIPHER_SUITES, type CipherSuiteInfo, HASH_LENGTH } from '@tlskit/crypto';

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
