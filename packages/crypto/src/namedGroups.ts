import { NamedGroup } from '@tlskit/wire';

/** A key exchange group tlskit implements, as data. */
export interface NamedGroupInfo {
  /** The NamedGroup code point. */
  readonly code: NamedGroup;
  /** IANA name. */
  readonly name: string;
  /**
   * `ecdhe`: a Diffie-Hellman curve; `hybrid`: ML-KEM-768 combined with X25519; `ffdhe`: an
   * RFC 7919 finite-field group (TLS 1.3 only in tlskit).
   */
  readonly kind: 'ecdhe' | 'hybrid' | 'ffdhe';
  /** Bytes of the share the initiator (1.3 client, 1.2 server) sends. */
  readonly initiatorShareLength: number;
  /** Bytes of the share the responder (1.3 server, 1.2 client) sends. */
  readonly responderShareLength: number;
  readonly sharedSecretLength: number;
  /** Usable for TLS 1.2 ECDHE (RFC 8422); the hybrid and the FFDHE groups are TLS 1.3 only. */
  readonly tls12: boolean;
  /** Usable in TLS 1.3; secp224r1 is not (RFC 8446 4.2.7 lists 0x0001..0x0016 as obsolete). */
  readonly tls13: boolean;
  /**
   * A weak group kept for old TLS 1.2 peers (secp224r1, about 112-bit security): a provider
   * implements it (`keyExchange`) but leaves it out of `supportedGroups`, so it is used only
   * when a caller lists it in its own groups.
   */
  readonly legacy: boolean;
}

/**
 * The groups of every tlskit provider, most preferred first (post-quantum hybrid first, FFDHE
 * last: its shares are large and its arithmetic slow, so it is negotiated only with peers that
 * have nothing else).
 */
export const NAMED_GROUPS: readonly NamedGroupInfo[] = [
  {
    code: NamedGroup.X25519MLKEM768,
    name: 'X25519MLKEM768',
    kind: 'hybrid',
    // draft-ietf-tls-ecdhe-mlkem: ML-KEM-768 ek (1184) || X25519 (32); ct (1088) || X25519 (32).
    initiatorShareLength: 1216,
    responderShareLength: 1120,
    sharedSecretLength: 64,
    tls12: false,
    tls13: true,
    legacy: false,
  },
  ecdhe(NamedGroup.x25519, 'x25519', 32, 32),
  // RFC 8446 4.2.8.2: uncompressed points, 1 + 2 * field size.
  ecdhe(NamedGroup.secp256r1, 'secp256r1', 65, 32),
  ecdhe(NamedGroup.secp384r1, 'secp384r1', 97, 48),
  ecdhe(NamedGroup.secp521r1, 'secp521r1', 133, 66),
  ecdhe(NamedGroup.x448, 'x448', 56, 56),
  // RFC 8446 4.2.8.1 / 7.4.1: the public value and the secret are left-padded to p's length.
  ffdhe(NamedGroup.ffdhe2048, 'ffdhe2048', 256),
  ffdhe(NamedGroup.ffdhe3072, 'ffdhe3072', 384),
  ffdhe(NamedGroup.ffdhe4096, 'ffdhe4096', 512),
  // RFC 8422 5.1.1 (secp224r1, 21): legacy, TLS 1.2 only, never in supportedGroups.
  {
    ...ecdhe(NamedGroup.secp224r1, 'secp224r1', 57, 28),
    tls13: false,
    legacy: true,
  },
];

function ffdhe(code: NamedGroup, name: string, primeLength: number): NamedGroupInfo {
  return {
    code,
    name,
    kind: 'ffdhe',
    initiatorShareLength: primeLength,
    responderShareLength: primeLength,
    sharedSecretLength: primeLength,
    tls12: false,
    tls13: true,
    legacy: false,
  };
}

function ecdhe(code: NamedGroup, name: string, share: number, secret: number): NamedGroupInfo {
  return {
    code,
    name,
    kind: 'ecdhe',
    initiatorShareLength: share,
    responderShareLength: share,
    sharedSecretLength: secret,
    tls12: true,
    tls13: true,
    legacy: false,
  };
}

const BY_CODE = new Map<number, NamedGroupInfo>(NAMED_GROUPS.map((g) => [g.code, g]));

/** The group for a code point, or undefined when tlskit does not implement it. */
export function namedGroupInfo(code: number): NamedGroupInfo | undefined {
  return BY_CODE.get(code);
}
