/**
 * What every hello gets before the version is known (RFC 8446 4.1.2, 4.1.3, 4.2.1, D.5): the
 * role hubs read ClientHello1 and ServerHello1 with these to choose a version, and the TLS 1.3
 * states read ClientHello2 and the ServerHello after a HelloRetryRequest with the same checks.
 */
import {
  type ClientHello,
  checkExtensionsAllowed,
  ExtensionType,
  findExtension,
  HandshakeType,
  nameOf,
  ProtocolVersion,
  type ServerHello,
} from '@tlskit/wire';
import { expectMessage, type RawMessage } from './codec.js';
import type { HandshakeContext } from './context.js';
import { protocolVersion } from './errors.js';

/** A ClientHello and the versions it offers. */
export interface ClientHelloVersions {
  readonly ch: ClientHello;
  /** supported_versions, empty without the extension. */
  readonly versions: readonly number[];
  /** The highest version the client speaks. */
  readonly clientMax: number;
  /** Whether TLS 1.3 is offered (only through supported_versions, RFC 8446 4.2.1). */
  readonly offers13: boolean;
  readonly offers12: boolean;
}

/** Decodes a ClientHello, records its random, and reads the versions it offers. */
export function readClientHello(
  engine: HandshakeContext,
  m: RawMessage,
  state: string,
): ClientHelloVersions {
  const ch = expectMessage(m, HandshakeType.clientHello, state);
  engine.setClientRandom(ch.random);
  // RFC 8446 D.5: legacy_version 0x0300 or lower is refused whatever supported_versions says.
  if (ch.legacyVersion <= ProtocolVersion.SSLv3) {
    throw protocolVersion(
      `ClientHello legacy_version ${nameOf(ProtocolVersion, ch.legacyVersion)}`,
    );
  }
  checkExtensionsAllowed(ch.extensions, 'client_hello');
  const sv = findExtension(ch.extensions, ExtensionType.supportedVersions);
  const versions: readonly number[] = sv !== undefined && 'versions' in sv ? sv.versions : [];
  // RFC 8446 4.2.1: supported_versions decides; without it the client speaks at most 1.2.
  const clientMax = sv === undefined ? ch.legacyVersion : Math.max(...versions);
  const offers12 =
    sv === undefined
      ? ch.legacyVersion >= ProtocolVersion.TLSv1_2
      : versions.includes(ProtocolVersion.TLSv1_2);
  return {
    ch,
    versions,
    clientMax,
    offers13: versions.includes(ProtocolVersion.TLSv1_3),
    offers12,
  };
}

/**
 * Decodes a ServerHello and reads the version its supported_versions selects (RFC 8446 4.2.1);
 * `selectedVersion` is undefined without one: the server chose TLS 1.2 or older.
 */
export function readServerHello(
  m: RawMessage,
  state: string,
): { sh: ServerHello; selectedVersion: number | undefined } {
  const sh = expectMessage(m, HandshakeType.serverHello, state);
  // RFC 8446 D.5: legacy_version 0x0300 or lower is protocol_version, whatever else it says.
  if (sh.legacyVersion <= ProtocolVersion.SSLv3) {
    throw protocolVersion(
      `ServerHello legacy_version ${nameOf(ProtocolVersion, sh.legacyVersion)}`,
    );
  }
  const sv = findExtension(sh.extensions, ExtensionType.supportedVersions);
  return {
    sh,
    selectedVersion: sv !== undefined && 'selectedVersion' in sv ? sv.selectedVersion : undefined,
  };
}
