/**
 * GREASE (RFC 8701): reserved values a client sprinkles through its ClientHello, and a server
 * through its NewSessionTicket, so that peers which choke on unknown values are found before a
 * real new value needs to pass them. Each value is 0x?A?A with the two nibbles equal
 * (0x0A0A .. 0xFAFA); a peer must ignore it and never select it.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import {
  type CipherSuite,
  type Extension,
  ExtensionType,
  type NamedGroup,
  type ProtocolVersion,
} from '@tlskit/wire';

/** The GREASE values of one connection, kept for its ClientHello2 (RFC 8446 4.1.2: the same). */
export interface GreaseValues {
  readonly cipherSuite: number;
  readonly group: number;
  readonly version: number;
  /** Two different extension types: one empty, one with a byte of data (RFC 8701 3.1). */
  readonly extensions: readonly [number, number];
}

/** RFC 8701 section 2: the GREASE value of index 0..15. */
function greaseValue(index: number): number {
  return ((index & 0x0f) << 12) | 0x0a00 | ((index & 0x0f) << 4) | 0x0a;
}

/** True for the 16 GREASE code points (RFC 8701 section 2). */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

/** Random GREASE values for one connection. */
export function chooseGrease(provider: CryptoProvider): GreaseValues {
  const r = provider.randomBytes(5);
  const first = r[3]! & 0x0f;
  // A different second extension type: a block may hold each type once.
  const second = (first + 1 + (r[4]! % 15)) & 0x0f;
  return {
    cipherSuite: greaseValue(r[0]!),
    group: greaseValue(r[1]!),
    version: greaseValue(r[2]!),
    extensions: [greaseValue(first), greaseValue(second)],
  };
}

/** `suites` with the GREASE cipher suite first (RFC 8701 3.1). */
export function greaseCipherSuites(
  suites: readonly CipherSuite[],
  grease: GreaseValues | undefined,
): CipherSuite[] {
  return grease === undefined ? [...suites] : [grease.cipherSuite as CipherSuite, ...suites];
}

/**
 * The ClientHello extensions with GREASE added (RFC 8701 3.1): a GREASE group first in
 * supported_groups, a GREASE version first in supported_versions, a one-byte GREASE key share
 * first in key_share (ClientHello1 only: ClientHello2 carries just the share the retry asked
 * for, RFC 8446 4.2.8), an empty GREASE extension first and a one-byte one last (the caller
 * puts pre_shared_key after it).
 */
export function greaseExtensions(
  extensions: readonly Extension[],
  grease: GreaseValues,
  helloRetry: boolean,
): Extension[] {
  const out = extensions.map((e): Extension => {
    if (e.type === ExtensionType.supportedGroups && 'groups' in e) {
      return { ...e, groups: [grease.group as NamedGroup, ...e.groups] };
    }
    if (e.type === ExtensionType.supportedVersions && 'versions' in e) {
      return { ...e, versions: [grease.version as ProtocolVersion, ...e.versions] };
    }
    if (e.type === ExtensionType.keyShare && 'clientShares' in e && !helloRetry) {
      const share = { group: grease.group as NamedGroup, keyExchange: Uint8Array.of(0) };
      return { ...e, clientShares: [share, ...e.clientShares] };
    }
    return e;
  });
  const [first, last] = grease.extensions;
  return [
    { type: first as ExtensionType, raw: new Uint8Array(0) },
    ...out,
    { type: last as ExtensionType, raw: Uint8Array.of(0) },
  ];
}

/**
 * RFC 8701 3.2: a server may add GREASE extensions to its NewSessionTicket; the client must
 * ignore them. An empty one, of a random GREASE type.
 */
export function greaseTicketExtension(provider: CryptoProvider): Extension {
  return {
    type: greaseValue(provider.randomBytes(1)[0]!) as ExtensionType,
    raw: new Uint8Array(0),
  };
}
