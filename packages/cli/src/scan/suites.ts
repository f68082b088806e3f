/**
 * What a cipher suite's IANA name says about it: the key exchange, whether it authenticates the
 * server, and the weaknesses a scan reports. The names follow one grammar
 * (`TLS_<kx>_WITH_<cipher>_<mac>`, TLS 1.3 `TLS_<aead>_<hash>`), so the properties are read
 * from the name rather than listed 350 times.
 */
import { ianaCipherSuites, isKnown, nameOf } from '@tlskit/wire';

/** A weakness of a TLS 1.2-and-earlier suite, each a finding of its own (see findings.ts). */
export type SuiteWeakness =
  /** No encryption at all. */
  | 'null'
  /** 40/56-bit export-grade keys (FREAK, Logjam). */
  | 'export'
  /** No server authentication: anyone in the middle can answer. */
  | 'anonymous'
  | 'rc4'
  /** Single DES (56-bit key), or IDEA/RC2 of the same era. */
  | 'des'
  /** 64-bit block ciphers: Sweet32. */
  | '3des'
  /** RSA key transport: no forward secrecy, Bleichenbacher/ROBOT oracles. */
  | 'rsa-kx'
  /** CBC with MAC-then-encrypt: Lucky Thirteen and padding oracles. */
  | 'cbc';

/** Properties of one suite. */
export interface SuiteInfo {
  readonly value: number;
  readonly name: string;
  /** The key exchange part, e.g. `ECDHE_RSA`, `DHE_RSA`, `RSA`, `DH_anon`; `TLS13` for TLS 1.3 suites. */
  readonly keyExchange: string;
  readonly forwardSecret: boolean;
  readonly weaknesses: readonly SuiteWeakness[];
}

/** RFC 8446 B.4 suites: 0x13xx. */
export function isTls13Suite(value: number): boolean {
  return value >> 8 === 0x13;
}

/** Signalling values, not suites: never chosen by a server. */
const signalling: ReadonlySet<number> = new Set([
  ianaCipherSuites.TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  ianaCipherSuites.TLS_FALLBACK_SCSV,
]);

/**
 * Every IANA suite a TLS 1.2-or-earlier server could choose, in registry order: what the
 * enumeration offers (tlskit itself speaks only a handful of them).
 */
export const legacySuites: readonly number[] = Object.values(ianaCipherSuites).filter(
  (value) => !isTls13Suite(value) && !signalling.has(value) && value !== 0,
);

/** The TLS 1.3 suites (RFC 8446 B.4 and the AEGIS additions). */
export const tls13Suites: readonly number[] = Object.values(ianaCipherSuites).filter(isTls13Suite);

/** Reads the properties of suite `value` from its IANA name. */
export function suiteInfo(value: number): SuiteInfo {
  const name = nameOf(ianaCipherSuites, value);
  if (isTls13Suite(value)) {
    return { value, name, keyExchange: 'TLS13', forwardSecret: true, weaknesses: [] };
  }
  if (!isKnown(ianaCipherSuites, value)) {
    return { value, name, keyExchange: 'unknown', forwardSecret: false, weaknesses: [] };
  }
  const [kxPart = '', cipherPart = ''] = name.replace(/^TLS_/, '').split('_WITH_');
  const keyExchange = kxPart.replace(/_EXPORT$/, '');
  const weaknesses: SuiteWeakness[] = [];
  if (/(^|_)NULL(_|$)/.test(cipherPart)) weaknesses.push('null');
  if (/EXPORT|_40_/.test(name) || /DES40|_40$/.test(cipherPart)) weaknesses.push('export');
  if (/anon/.test(keyExchange) || keyExchange === 'NULL') weaknesses.push('anonymous');
  if (/RC4/.test(cipherPart)) weaknesses.push('rc4');
  if (/(^|_)DES_|DES40|IDEA|RC2/.test(cipherPart)) weaknesses.push('des');
  if (/3DES|28147/.test(cipherPart)) weaknesses.push('3des');
  if (keyExchange === 'RSA' || keyExchange === 'RSA_PSK') weaknesses.push('rsa-kx');
  if (/CBC/.test(cipherPart) && !weaknesses.includes('des') && !weaknesses.includes('3des')) {
    weaknesses.push('cbc');
  }
  const forwardSecret = /^(ECDHE|DHE)/.test(keyExchange) || keyExchange === 'PSK_DHE';
  return { value, name, keyExchange, forwardSecret, weaknesses };
}

/**
 * `suites` strongest first (fewest weaknesses, anonymous last): the probes after the enumeration
 * want the certificate (an anonymous suite sends none) and a handshake worth drawing.
 */
export function strongestFirst(suites: readonly number[]): number[] {
  const cost = (s: number): number => {
    const { weaknesses } = suiteInfo(s);
    return (weaknesses.includes('anonymous') ? 100 : 0) + weaknesses.length;
  };
  return [...suites].sort((a, b) => cost(a) - cost(b));
}
