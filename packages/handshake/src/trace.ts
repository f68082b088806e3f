/**
 * Decoded fields of a handshake message for the `message` event. Names code points with their
 * IANA names; never includes secrets (key shares and signatures are shown by length only).
 */
import {
  CipherSuite,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  SignatureScheme,
} from '@tlskit/wire';
import {
  decodeAlpn,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeEncryptedExtensions,
  decodeKeyUpdate,
  decodeNewSessionTicket,
  decodeServerHello,
  type Extension,
  findExtension,
  type HandshakeMessage,
} from './codec.js';

function extensionNames(list: readonly Extension[]): string[] {
  return list.map((e) => nameOf(ExtensionType, e.type));
}

function alpnOf(list: readonly Extension[]): string[] | undefined {
  const data = findExtension(list, ExtensionType.applicationLayerProtocolNegotiation);
  return data === undefined ? undefined : decodeAlpn(data);
}

/** The fields worth showing for one message. Throws a TlsError for an undecodable message. */
export function traceFields(message: HandshakeMessage): Record<string, unknown> {
  switch (message.type) {
    case HandshakeType.clientHello: {
      const m = decodeClientHello(message.body);
      return {
        cipherSuites: m.cipherSuites.map((s) => nameOf(CipherSuite, s)),
        sessionIdLength: m.legacySessionId.length,
        extensions: extensionNames(m.extensions),
        alpn: alpnOf(m.extensions),
      };
    }
    case HandshakeType.serverHello: {
      const m = decodeServerHello(message.body);
      const sv = findExtension(m.extensions, ExtensionType.supportedVersions);
      const ks = findExtension(m.extensions, ExtensionType.keyShare);
      return {
        cipherSuite: nameOf(CipherSuite, m.cipherSuite),
        version:
          sv !== undefined && sv.length === 2
            ? nameOf(ProtocolVersion, (sv[0]! << 8) | sv[1]!)
            : nameOf(ProtocolVersion, m.legacyVersion),
        group:
          ks !== undefined && ks.length >= 2
            ? nameOf(NamedGroup, (ks[0]! << 8) | ks[1]!)
            : undefined,
        extensions: extensionNames(m.extensions),
      };
    }
    case HandshakeType.encryptedExtensions: {
      const list = decodeEncryptedExtensions(message.body);
      return { extensions: extensionNames(list), alpn: alpnOf(list)?.[0] };
    }
    case HandshakeType.certificate: {
      const m = decodeCertificate(message.body);
      return { certificates: m.entries.length, sizes: m.entries.map((e) => e.data.length) };
    }
    case HandshakeType.certificateRequest: {
      const m = decodeCertificateRequest(message.body);
      return { extensions: extensionNames(m.extensions) };
    }
    case HandshakeType.certificateVerify: {
      const m = decodeCertificateVerify(message.body);
      return { scheme: nameOf(SignatureScheme, m.scheme), signatureLength: m.signature.length };
    }
    case HandshakeType.finished:
      return { verifyDataLength: message.body.length };
    case HandshakeType.newSessionTicket: {
      const m = decodeNewSessionTicket(message.body);
      return { lifetime: m.lifetime, ticketLength: m.ticket.length };
    }
    case HandshakeType.keyUpdate:
      return { requestUpdate: decodeKeyUpdate(message.body) };
    default:
      return {};
  }
}
