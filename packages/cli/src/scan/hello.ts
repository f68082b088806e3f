/**
 * Hand-built ClientHellos: the scanner offers what tlskit itself never would (SSL 3.0, EXPORT
 * and NULL suites, compression, empty key shares) to learn what the server accepts. Everything
 * is encoded with @tlskit/wire; nothing here needs keys, because every probe stops at the
 * server's first flight (or its HelloRetryRequest).
 */
import { randomBytes } from 'node:crypto';
import {
  type ClientHello,
  ContentType,
  concatBytes,
  type Extension,
  ExtensionType,
  encodeHandshake,
  encodeRecordHeader,
  HandshakeType,
  ianaNamedGroups,
  ianaSignatureSchemes,
  type KeyShareEntry,
  NameType,
  type ProtocolVersion,
} from '@tlskit/wire';

/** What one probe offers. */
export interface HelloSpec {
  /** legacy_version: the version offered, for TLS 1.2 and below. */
  readonly version: number;
  /** supported_versions (RFC 8446 4.2.1); absent for a pre-1.3 hello. */
  readonly supportedVersions?: readonly number[];
  readonly cipherSuites: readonly number[];
  /** supported_groups; default {@link offeredGroups}. */
  readonly groups?: readonly number[];
  /** key_share; default none (empty list) when TLS 1.3 is offered, so a server answers with a HelloRetryRequest. */
  readonly keyShares?: readonly KeyShareEntry[];
  /** SNI host name. */
  readonly serverName?: string | undefined;
  /** Compression methods; default `[0]` (null only). */
  readonly compressionMethods?: readonly number[];
  /** Ask for an OCSP staple and SCTs (RFC 6066 status_request, RFC 6962 signed_certificate_timestamp). */
  readonly askForStatus?: boolean;
  /** Leave out every extension (what an SSL 3.0 client sends). */
  readonly noExtensions?: boolean;
}

/** Groups every probe offers unless it probes groups: the common ones, strongest first. */
export const offeredGroups: readonly number[] = [
  ianaNamedGroups.x25519,
  ianaNamedGroups.secp256r1,
  ianaNamedGroups.secp384r1,
  ianaNamedGroups.secp521r1,
  ianaNamedGroups.x448,
  ianaNamedGroups.brainpoolP256r1,
  ianaNamedGroups.brainpoolP384r1,
  ianaNamedGroups.brainpoolP512r1,
  ianaNamedGroups.ffdhe2048,
  ianaNamedGroups.ffdhe3072,
  ianaNamedGroups.ffdhe4096,
  ianaNamedGroups.secp224r1,
  ianaNamedGroups.secp192r1,
];

/** Every signature scheme, SHA-1 included, so a legacy server can sign with what it has. */
const offeredSchemes: readonly number[] = [
  ianaSignatureSchemes.ecdsa_secp256r1_sha256,
  ianaSignatureSchemes.ecdsa_secp384r1_sha384,
  ianaSignatureSchemes.ecdsa_secp521r1_sha512,
  ianaSignatureSchemes.ed25519,
  ianaSignatureSchemes.ed448,
  ianaSignatureSchemes.rsa_pss_rsae_sha256,
  ianaSignatureSchemes.rsa_pss_rsae_sha384,
  ianaSignatureSchemes.rsa_pss_rsae_sha512,
  ianaSignatureSchemes.rsa_pss_pss_sha256,
  ianaSignatureSchemes.rsa_pss_pss_sha384,
  ianaSignatureSchemes.rsa_pss_pss_sha512,
  ianaSignatureSchemes.rsa_pkcs1_sha256,
  ianaSignatureSchemes.rsa_pkcs1_sha384,
  ianaSignatureSchemes.rsa_pkcs1_sha512,
  ianaSignatureSchemes.rsa_pkcs1_sha224,
  ianaSignatureSchemes.ecdsa_sha224,
  ianaSignatureSchemes.dsa_sha256,
  ianaSignatureSchemes.rsa_pkcs1_sha1,
  ianaSignatureSchemes.ecdsa_sha1,
  ianaSignatureSchemes.dsa_sha1,
];

const TLS13 = 0x0304;

/** The ClientHello handshake message of `spec`. */
export function clientHello(spec: HelloSpec): ClientHello {
  const offers13 = spec.supportedVersions?.includes(TLS13) ?? false;
  return {
    type: HandshakeType.clientHello,
    legacyVersion: spec.version as ProtocolVersion,
    random: new Uint8Array(randomBytes(32)),
    // RFC 8446 D.4: a non-empty session id keeps middleboxes calm; harmless below TLS 1.3.
    legacySessionId: new Uint8Array(randomBytes(32)),
    cipherSuites: [...spec.cipherSuites] as ClientHello['cipherSuites'],
    legacyCompressionMethods: Uint8Array.from(spec.compressionMethods ?? [0]),
    extensions: spec.noExtensions ? [] : extensions(spec, offers13),
  };
}

function extensions(spec: HelloSpec, offers13: boolean): Extension[] {
  const list: Extension[] = [];
  if (spec.serverName !== undefined) {
    const name = new TextEncoder().encode(spec.serverName);
    list.push({
      type: ExtensionType.serverName,
      serverNames: [{ nameType: NameType.hostName, name }],
    });
  }
  const groups = (spec.groups ?? offeredGroups) as readonly KeyShareEntry['group'][];
  list.push(
    { type: ExtensionType.supportedGroups, groups },
    { type: ExtensionType.ecPointFormats, formats: [0] },
    { type: ExtensionType.signatureAlgorithms, schemes: offeredSchemes as never },
    { type: ExtensionType.extendedMasterSecret },
    { type: ExtensionType.renegotiationInfo, renegotiatedConnection: new Uint8Array(0) },
  );
  if (spec.askForStatus) {
    list.push(
      {
        type: ExtensionType.statusRequest,
        request: { responderIds: [], requestExtensions: new Uint8Array(0) },
      },
      { type: ExtensionType.signedCertificateTimestamp, raw: new Uint8Array(0) },
    );
  }
  if (spec.supportedVersions !== undefined) {
    list.push({
      type: ExtensionType.supportedVersions,
      versions: spec.supportedVersions as ProtocolVersion[],
    });
  }
  if (offers13) {
    list.push(
      { type: ExtensionType.pskKeyExchangeModes, modes: [1] as never },
      { type: ExtensionType.keyShare, clientShares: spec.keyShares ?? [] },
    );
  }
  return list;
}

/** `hello` in one handshake record, as the first bytes a client sends. */
export function helloRecord(hello: ClientHello): Uint8Array {
  const message = encodeHandshake(hello);
  // RFC 8446 5.1 / RFC 5246 E.1: the first record says TLS 1.0 (SSL 3.0 for an SSL 3.0 hello),
  // what every server accepts before it has chosen a version.
  const recordVersion = Math.min(hello.legacyVersion, 0x0301) as ProtocolVersion;
  const header = encodeRecordHeader({
    type: ContentType.handshake,
    legacyRecordVersion: recordVersion,
    length: message.length,
  });
  return concatBytes([header, message]);
}
