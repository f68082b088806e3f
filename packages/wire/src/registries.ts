/**
 * TLS code points as `as const` tables (IANA "Transport Layer Security (TLS) Parameters").
 *
 * Each table is a plain object of literal numbers, so `HandshakeType.clientHello` has the literal
 * type `1` and narrows discriminated unions. The matching type of the same name is the union of
 * the known literals and a branded `number` for values the table does not list: an unknown code
 * point received from a peer is still a valid value, survives a round trip, and prints as hex
 * (see {@link nameOf}). TypeScript `enum` is avoided because it is not erasable syntax.
 */

import { isIanaSpelled } from './spelling.js';

declare const codePointBrand: unique symbol;

/** A code point not listed in a table, branded with the table's name so registries do not mix. */
export type UnknownCodePoint<Registry extends string> = number & {
  readonly [codePointBrand]: Registry;
};

/** RFC 8446 section 5.1 / RFC 5246 section 6.2.1 ContentType. */
export const ContentType = {
  invalid: 0,
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
} as const;
/** A ContentType code point (uint8). */
export type ContentType =
  | (typeof ContentType)[keyof typeof ContentType]
  | UnknownCodePoint<'ContentType'>;

/** RFC 8446 section 4 / RFC 5246 section 7.4 HandshakeType. */
export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  newSessionTicket: 4,
  endOfEarlyData: 5,
  helloRetryRequest: 6,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
  certificateUrl: 21,
  certificateStatus: 22,
  supplementalData: 23,
  keyUpdate: 24,
  compressedCertificate: 25,
  messageHash: 254,
} as const;
/** A HandshakeType code point (uint8). */
export type HandshakeType =
  | (typeof HandshakeType)[keyof typeof HandshakeType]
  | UnknownCodePoint<'HandshakeType'>;

/** ExtensionType (RFC 8446 section 4.2 and the RFCs it cites). */
export const ExtensionType = {
  serverName: 0,
  maxFragmentLength: 1,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  useSrtp: 14,
  heartbeat: 15,
  applicationLayerProtocolNegotiation: 16,
  signedCertificateTimestamp: 18,
  clientCertificateType: 19,
  serverCertificateType: 20,
  padding: 21,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  compressCertificate: 27,
  recordSizeLimit: 28,
  sessionTicket: 35,
  preSharedKey: 41,
  earlyData: 42,
  supportedVersions: 43,
  cookie: 44,
  pskKeyExchangeModes: 45,
  certificateAuthorities: 47,
  oidFilters: 48,
  postHandshakeAuth: 49,
  signatureAlgorithmsCert: 50,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;
/** An ExtensionType code point (uint16). */
export type ExtensionType =
  | (typeof ExtensionType)[keyof typeof ExtensionType]
  | UnknownCodePoint<'ExtensionType'>;

/** CipherSuite: the TLS 1.3 suites (RFC 8446 B.4) and the TLS 1.2 ECDHE AEAD suites tlskit speaks. */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_AES_128_CCM_SHA256: 0x1304,
  TLS_AES_128_CCM_8_SHA256: 0x1305,
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
  /** RFC 5746 section 3.3: signalling value standing in for an empty renegotiation_info. */
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV: 0x00ff,
  /** RFC 7507: the client is retrying with a lower version. */
  TLS_FALLBACK_SCSV: 0x5600,
} as const;
/** A CipherSuite code point (uint16). */
export type CipherSuite =
  | (typeof CipherSuite)[keyof typeof CipherSuite]
  | UnknownCodePoint<'CipherSuite'>;

/** NamedGroup (RFC 8446 section 4.2.7, RFC 8422, RFC 7919, draft-ietf-tls-ecdhe-mlkem). */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  /** RFC 8422: TLS 1.2 only (obsolete in TLS 1.3, RFC 8446 4.2.7); a legacy opt-in in tlskit. */
  secp224r1: 0x0015,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
  SecP256r1MLKEM768: 0x11eb,
  X25519MLKEM768: 0x11ec,
  SecP384r1MLKEM1024: 0x11ed,
} as const;
/** A NamedGroup code point (uint16). */
export type NamedGroup =
  | (typeof NamedGroup)[keyof typeof NamedGroup]
  | UnknownCodePoint<'NamedGroup'>;

/** SignatureScheme (RFC 8446 section 4.2.3); in TLS 1.2 the same uint16 is SignatureAndHashAlgorithm. */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
} as const;
/** A SignatureScheme code point (uint16). */
export type SignatureScheme =
  | (typeof SignatureScheme)[keyof typeof SignatureScheme]
  | UnknownCodePoint<'SignatureScheme'>;

/** AlertLevel (RFC 8446 section 6). */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
/** An AlertLevel code point (uint8). */
export type AlertLevel =
  | (typeof AlertLevel)[keyof typeof AlertLevel]
  | UnknownCodePoint<'AlertLevel'>;

/** AlertDescription (RFC 8446 section 6, RFC 5246 section 7.2). */
export const AlertDescription = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  recordOverflow: 22,
  handshakeFailure: 40,
  badCertificate: 42,
  unsupportedCertificate: 43,
  certificateRevoked: 44,
  certificateExpired: 45,
  certificateUnknown: 46,
  illegalParameter: 47,
  unknownCa: 48,
  accessDenied: 49,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  insufficientSecurity: 71,
  internalError: 80,
  inappropriateFallback: 86,
  userCanceled: 90,
  noRenegotiation: 100,
  missingExtension: 109,
  unsupportedExtension: 110,
  unrecognizedName: 112,
  badCertificateStatusResponse: 113,
  unknownPskIdentity: 115,
  certificateRequired: 116,
  noApplicationProtocol: 120,
  /** RFC 9849 11.2: the server rejected Encrypted ClientHello. */
  echRequired: 121,
} as const;
/** An AlertDescription code point (uint8). */
export type AlertDescription =
  | (typeof AlertDescription)[keyof typeof AlertDescription]
  | UnknownCodePoint<'AlertDescription'>;

/** ProtocolVersion (uint16). */
export const ProtocolVersion = {
  SSLv3: 0x0300,
  TLSv1_0: 0x0301,
  TLSv1_1: 0x0302,
  TLSv1_2: 0x0303,
  TLSv1_3: 0x0304,
} as const;
/** A ProtocolVersion code point (uint16). */
export type ProtocolVersion =
  | (typeof ProtocolVersion)[keyof typeof ProtocolVersion]
  | UnknownCodePoint<'ProtocolVersion'>;

/** PskKeyExchangeMode (RFC 8446 section 4.2.9). */
export const PskKeyExchangeMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;
/** A PskKeyExchangeMode code point (uint8). */
export type PskKeyExchangeMode =
  | (typeof PskKeyExchangeMode)[keyof typeof PskKeyExchangeMode]
  | UnknownCodePoint<'PskKeyExchangeMode'>;

/** ECPointFormat (RFC 8422 section 5.1.2). */
export const EcPointFormat = {
  uncompressed: 0,
  ansiX962CompressedPrime: 1,
  ansiX962CompressedChar2: 2,
} as const;
/** An ECPointFormat code point (uint8). */
export type EcPointFormat =
  | (typeof EcPointFormat)[keyof typeof EcPointFormat]
  | UnknownCodePoint<'EcPointFormat'>;

/** KeyUpdateRequest (RFC 8446 section 4.6.3). */
export const KeyUpdateRequest = { updateNotRequested: 0, updateRequested: 1 } as const;
/** A KeyUpdateRequest value; only the two listed values are legal on the wire. */
export type KeyUpdateRequest = (typeof KeyUpdateRequest)[keyof typeof KeyUpdateRequest];

/** ClientCertificateType (RFC 5246 section 7.4.4, RFC 8422 section 5.5), used by the TLS 1.2 CertificateRequest. */
export const ClientCertificateType = { rsa_sign: 1, dss_sign: 2, ecdsa_sign: 64 } as const;
/** A ClientCertificateType code point (uint8). */
export type ClientCertificateType =
  | (typeof ClientCertificateType)[keyof typeof ClientCertificateType]
  | UnknownCodePoint<'ClientCertificateType'>;

/** CertificateStatusType (RFC 6066 section 8). */
export const CertificateStatusType = { ocsp: 1 } as const;

/** ServerName NameType (RFC 6066 section 3). */
export const NameType = { hostName: 0 } as const;

/** ECCurveType (RFC 8422 section 5.4); TLS 1.2 ServerKeyExchange only allows named_curve. */
export const EcCurveType = { namedCurve: 3 } as const;

/**
 * The IANA name of a code point, e.g. `nameOf(NamedGroup, 0x11ec) === 'X25519MLKEM768'`, or a
 * hex string (`0x1a1a`) for a value the table does not list (GREASE values print this way).
 */
export function nameOf(table: Readonly<Record<string, number>>, value: number): string {
  return namesOf(table).get(value) ?? hexCode(value, table);
}

/** True when `value` is listed in `table`. */
export function isKnown(table: Readonly<Record<string, number>>, value: number): boolean {
  return namesOf(table).has(value);
}

const names = new WeakMap<object, Map<number, string>>();

/**
 * The IANA names of a (constant) table by value, built once per table: the codec names message
 * types and extensions on every encode and decode (issue 7). The first key of a value wins.
 */
function namesOf(table: Readonly<Record<string, number>>): Map<number, string> {
  let byValue = names.get(table);
  if (byValue === undefined) {
    byValue = new Map();
    const verbatim = isIanaSpelled(table);
    for (const key in table) {
      const value = table[key];
      if (value !== undefined && !byValue.has(value)) {
        byValue.set(value, verbatim ? key : ianaName(key));
      }
    }
    names.set(table, byValue);
  }
  return byValue;
}

/**
 * RFC 8701: GREASE values reserved for extensibility testing. For uint16 registries they are
 * 0x0A0A, 0x1A1A, ... 0xFAFA; a peer must treat them as any other unknown value.
 */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

function hexCode(value: number, table: Readonly<Record<string, number>>): string {
  let max = 0;
  for (const key in table) max = Math.max(max, table[key] ?? 0);
  const width = max > 0xff || value > 0xff ? 4 : 2;
  return `0x${value.toString(16).padStart(width, '0')}`;
}

// Table keys are camelCase JavaScript names; IANA spells most names in snake_case. Keys that
// already are IANA spellings (cipher suites, groups like X25519MLKEM768, signature schemes,
// TLSv1_3) are kept as written.
function ianaName(key: string): string {
  if (/[A-Z]/.test(key) && !/^(TLS|SSL|TLSv|X25519|SecP)/.test(key) && /^[a-z]/.test(key)) {
    return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  }
  return key;
}
