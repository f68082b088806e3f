/**
 * Decoded fields of a handshake message for the `message` event. Code points are named with
 * their IANA names; secrets never appear (key shares and signatures are shown by length only).
 */
import {
  CipherSuite,
  type Extension,
  ExtensionType,
  findExtension,
  HandshakeType,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  SignatureScheme,
  type HandshakeMessage as WireMessage,
} from '@tlskit/wire';
import { alpnNames } from './codec.js';

function extensionNames(list: readonly Extension[]): string[] {
  return list.map((e) => nameOf(ExtensionType, e.type));
}

function alpnOf(list: readonly Extension[]): string[] | undefined {
  const ext = findExtension(list, ExtensionType.applicationLayerProtocolNegotiation);
  return ext === undefined ? undefined : alpnNames(ext.protocols);
}

/** The fields worth showing for one decoded message. */
export function traceFields(m: WireMessage): Record<string, unknown> {
  switch (m.type) {
    case HandshakeType.clientHello: {
      const shares = findExtension(m.extensions, ExtensionType.keyShare);
      return {
        cipherSuites: m.cipherSuites.map((s) => nameOf(CipherSuite, s)),
        sessionIdLength: m.legacySessionId.length,
        extensions: extensionNames(m.extensions),
        keyShares:
          shares !== undefined && 'clientShares' in shares
            ? shares.clientShares.map((s) => nameOf(NamedGroup, s.group))
            : undefined,
        alpn: alpnOf(m.extensions),
      };
    }
    case HandshakeType.serverHello: {
      const sv = findExtension(m.extensions, ExtensionType.supportedVersions);
      const ks = findExtension(m.extensions, ExtensionType.keyShare);
      let group: string | undefined;
      if (ks !== undefined && 'serverShare' in ks) group = nameOf(NamedGroup, ks.serverShare.group);
      if (ks !== undefined && 'selectedGroup' in ks) group = nameOf(NamedGroup, ks.selectedGroup);
      return {
        helloRetryRequest: m.isHelloRetryRequest,
        cipherSuite: nameOf(CipherSuite, m.cipherSuite),
        version: nameOf(
          ProtocolVersion,
          sv !== undefined && 'selectedVersion' in sv ? sv.selectedVersion : m.legacyVersion,
        ),
        group,
        extensions: extensionNames(m.extensions),
      };
    }
    case HandshakeType.encryptedExtensions:
      return { extensions: extensionNames(m.extensions), alpn: alpnOf(m.extensions)?.[0] };
    case HandshakeType.certificate:
      return m.protocol === 'tls13'
        ? {
            certificates: m.certificateList.length,
            sizes: m.certificateList.map((e) => e.data.length),
          }
        : { certificates: m.certificateList.length };
    case HandshakeType.certificateRequest:
      return m.protocol === 'tls13' ? { extensions: extensionNames(m.extensions) } : {};
    case HandshakeType.certificateVerify:
      return { scheme: nameOf(SignatureScheme, m.algorithm), signatureLength: m.signature.length };
    case HandshakeType.finished:
      return { verifyDataLength: m.verifyData.length };
    case HandshakeType.newSessionTicket:
      return m.protocol === 'tls13'
        ? { lifetime: m.ticketLifetime, ticketLength: m.ticket.length }
        : { lifetime: m.ticketLifetimeHint, ticketLength: m.ticket.length };
    case HandshakeType.keyUpdate:
      return { requestUpdate: m.requestUpdate === 1 };
    case HandshakeType.compressedCertificate:
      return {
        algorithm: m.algorithm,
        uncompressedLength: m.uncompressedLength,
        compressedLength: m.compressedCertificateMessage.length,
      };
    default:
      return {};
  }
}
