import { equalBytes } from './bytes.js';
import { EncodeError, IllegalParameterError, UnexpectedMessageError } from './errors.js';
import type { Extension, ExtensionContext } from './extension-types.js';
import { readExtensions, writeExtensions } from './extensions.js';
import {
  type Certificate12,
  type Certificate13,
  type CertificateEntry,
  type CertificateRequest12,
  type CertificateRequest13,
  type ClientHello,
  HELLO_RETRY_REQUEST_RANDOM,
  type HandshakeContext,
  type HandshakeMessage,
  type NewSessionTicket12,
  type NewSessionTicket13,
  type ServerHello,
  type ServerKeyExchange,
} from './messages.js';
import { Reader } from './reader.js';
import {
  CertificateStatusType,
  type CipherSuite,
  type ClientCertificateType,
  EcCurveType,
  ExtensionType,
  HandshakeType,
  type KeyUpdateRequest,
  type NamedGroup,
  nameOf,
  type ProtocolVersion,
  type SignatureScheme,
} from './registries.js';
import { encodeWith, type Writer } from './writer.js';

const U16_MAX = 0xffff;
const U24_MAX = 0xffffff;

/** RFC 8446 section 4: the 4-byte handshake header. */
export interface HandshakeHeader {
  readonly type: HandshakeType;
  /** Body length (uint24). */
  readonly length: number;
}

/** Size of the handshake header: msg_type (1) and length (3). */
export const HANDSHAKE_HEADER_LENGTH = 4;

/**
 * Reads the handshake header from the first 4 bytes of `bytes` (which may hold more: record
 * reassembly uses this to learn how many body bytes to wait for).
 */
export function decodeHandshakeHeader(bytes: Uint8Array): HandshakeHeader {
  const r = new Reader(bytes);
  const type = r.u8('msg_type') as HandshakeType;
  return { type, length: r.u24('handshake length') };
}

/** A decoded handshake message and the exact bytes it came from (header included), for the transcript hash. */
export interface DecodedHandshake<M extends HandshakeMessage = HandshakeMessage> {
  readonly message: M;
  readonly bytes: Uint8Array;
}

/**
 * Decodes exactly one handshake message (header and body; trailing bytes are a decode_error).
 * `context.protocol` picks the TLS 1.3 or 1.2 layout of Certificate, CertificateRequest and
 * NewSessionTicket; every other message has one layout. A message type the codec does not
 * know is `unexpected_message`.
 */
export function decodeHandshake(bytes: Uint8Array, context: HandshakeContext): DecodedHandshake {
  const r = new Reader(bytes);
  const type = r.u8('msg_type');
  const body = r.vector24(`${nameOf(HandshakeType, type)} body`, 0, U24_MAX);
  r.end('handshake message');
  return { message: decodeHandshakeBody(type, body, context), bytes };
}

/**
 * Splits bytes holding whole handshake messages back to back (e.g. one record's payload) into
 * one view per message, header included. An incomplete last message is a decode_error.
 */
export function splitHandshakeMessages(bytes: Uint8Array): Uint8Array[] {
  const r = new Reader(bytes);
  return r.all('handshake messages', (m) => {
    const start = m.offset;
    m.u8('msg_type');
    m.bytes(m.u24('handshake length'), 'handshake body');
    return bytes.subarray(start, m.offset);
  });
}

/** Decodes a handshake body whose header has already been read. */
export function decodeHandshakeBody(
  type: number,
  body: Uint8Array,
  context: HandshakeContext,
): HandshakeMessage {
  const r = new Reader(body);
  const message = readBody(type, r, context);
  r.end(nameOf(HandshakeType, type));
  return message;
}

/** Encodes a handshake message with its 4-byte header. */
export function encodeHandshake(message: HandshakeMessage): Uint8Array {
  return encodeWith((w) => {
    w.u8(message.type, 'msg_type');
    w.vector24(nameOf(HandshakeType, message.type), 0, U24_MAX, () => writeBody(w, message));
  });
}

/**
 * RFC 8422 section 5.4: the ServerECDHParams bytes (curve_type, named_curve, public) that the
 * ServerKeyExchange signature covers after client_random and server_random.
 */
export function encodeServerEcdhParams(message: ServerKeyExchange): Uint8Array {
  return encodeWith((w) => writeServerEcdhParams(w, message));
}

function readBody(type: number, r: Reader, context: HandshakeContext): HandshakeMessage {
  const tls13 = context.protocol === 'tls13';
  switch (type) {
    case HandshakeType.clientHello:
      return readClientHello(r);
    case HandshakeType.serverHello:
      return readServerHello(r);
    case HandshakeType.encryptedExtensions:
      return {
        type,
        extensions: readExtensions(r, 'encrypted_extensions', 0, U16_MAX),
      };
    case HandshakeType.certificate:
      return tls13 ? readCertificate13(r) : readCertificate12(r);
    case HandshakeType.certificateRequest:
      return tls13 ? readCertificateRequest13(r) : readCertificateRequest12(r);
    case HandshakeType.certificateVerify:
      return {
        type,
        algorithm: r.u16('algorithm') as SignatureScheme,
        signature: r.vector16('signature', 0, U16_MAX),
      };
    case HandshakeType.finished:
      return { type, verifyData: r.rest() };
    case HandshakeType.newSessionTicket:
      return tls13 ? readNewSessionTicket13(r) : readNewSessionTicket12(r);
    case HandshakeType.keyUpdate: {
      // RFC 8446 section 4.6.3: any other value is illegal_parameter.
      const requestUpdate = r.u8('request_update');
      if (requestUpdate > 1) {
        throw new IllegalParameterError(`KeyUpdate: request_update ${requestUpdate} is not 0 or 1`);
      }
      return { type, requestUpdate: requestUpdate as KeyUpdateRequest };
    }
    case HandshakeType.endOfEarlyData:
    case HandshakeType.serverHelloDone:
    case HandshakeType.helloRequest:
      return { type };
    case HandshakeType.serverKeyExchange:
      return readServerKeyExchange(r);
    case HandshakeType.clientKeyExchange:
      return { type, publicKey: r.vector8('ecdh_Yc', 1, 0xff) };
    case HandshakeType.certificateStatus: {
      // RFC 6066 section 8: ocsp(1) is the only CertificateStatusType.
      const statusType = r.u8('status_type');
      if (statusType !== CertificateStatusType.ocsp) {
        throw new IllegalParameterError(`CertificateStatus: unknown status_type ${statusType}`);
      }
      return { type, ocspResponse: r.vector24('OCSPResponse', 1, U24_MAX) };
    }
    case HandshakeType.compressedCertificate:
      // RFC 8879 section 4: algorithm, uint24 uncompressed_length, opaque <1..2^24-1>.
      return {
        type,
        algorithm: r.u16('algorithm'),
        uncompressedLength: r.u24('uncompressed_length'),
        compressedCertificateMessage: r.vector24('compressed_certificate_message', 1, U24_MAX),
      };
    case HandshakeType.messageHash:
      return { type, hash: r.rest() };
    default:
      throw new UnexpectedMessageError(
        `handshake message type ${nameOf(HandshakeType, type)} is not supported`,
      );
  }
}

// RFC 5246 section 7.4.1.4 / RFC 8446 section 4.1.2-3: the extensions block may be absent in
// TLS 1.2 hellos; an empty list is then the same as no block.
function readOptionalExtensions(r: Reader, context: ExtensionContext): Extension[] {
  return r.remaining === 0 ? [] : readExtensions(r, context, 0, U16_MAX);
}

function readClientHello(r: Reader): ClientHello {
  const legacyVersion = r.u16('legacy_version') as ProtocolVersion;
  const random = r.bytes(32, 'random');
  const legacySessionId = r.vector8('legacy_session_id', 0, 32);
  const cipherSuites = r.u16List('cipher_suites', 2, U16_MAX - 1) as CipherSuite[];
  const legacyCompressionMethods = r.vector8('legacy_compression_methods', 1, 0xff);
  const extensions = readOptionalExtensions(r, 'client_hello');
  // RFC 5246 section 7.4.1.2: null compression must be offered.
  if (!legacyCompressionMethods.includes(0)) {
    throw new IllegalParameterError('ClientHello: legacy_compression_methods lacks null (0)');
  }
  const versions = extensions.find(
    (e) => e.type === ExtensionType.supportedVersions && 'versions' in e,
  );
  // RFC 8446 section 4.1.2: a ClientHello offering TLS 1.3 carries exactly one compression
  // method, null.
  if (
    versions !== undefined &&
    'versions' in versions &&
    versions.versions.includes(0x0304 as ProtocolVersion) &&
    legacyCompressionMethods.length !== 1
  ) {
    throw new IllegalParameterError(
      'ClientHello: legacy_compression_methods must be exactly [0] when offering TLS 1.3',
    );
  }
  // RFC 8446 section 4.2.11: pre_shared_key must be the last extension.
  const psk = extensions.findIndex((e) => e.type === ExtensionType.preSharedKey);
  if (psk !== -1 && psk !== extensions.length - 1) {
    throw new IllegalParameterError('ClientHello: pre_shared_key is not the last extension');
  }
  return {
    type: HandshakeType.clientHello,
    legacyVersion,
    random,
    legacySessionId,
    cipherSuites,
    legacyCompressionMethods,
    extensions,
  };
}

function readServerHello(r: Reader): ServerHello {
  const legacyVersion = r.u16('legacy_version') as ProtocolVersion;
  const random = r.bytes(32, 'random');
  const legacySessionIdEcho = r.vector8('legacy_session_id_echo', 0, 32);
  const cipherSuite = r.u16('cipher_suite') as CipherSuite;
  const legacyCompressionMethod = r.u8('legacy_compression_method');
  // RFC 8446 section 4.1.3 (and no compression in tlskit's TLS 1.2): must be 0.
  if (legacyCompressionMethod !== 0) {
    throw new IllegalParameterError(
      `ServerHello: legacy_compression_method ${legacyCompressionMethod} is not 0`,
    );
  }
  const isHelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  const extensions = readOptionalExtensions(
    r,
    isHelloRetryRequest ? 'hello_retry_request' : 'server_hello',
  );
  return {
    type: HandshakeType.serverHello,
    legacyVersion,
    random,
    legacySessionIdEcho,
    cipherSuite,
    legacyCompressionMethod,
    extensions,
    isHelloRetryRequest,
  };
}

function readCertificate13(r: Reader): Certificate13 {
  const certificateRequestContext = r.vector8('certificate_request_context', 0, 0xff);
  const list = new Reader(r.vector24('certificate_list', 0, U24_MAX));
  const certificateList = list.all(
    'certificate_list',
    (e): CertificateEntry => ({
      data: e.vector24('cert_data', 1, U24_MAX),
      extensions: readExtensions(e, 'certificate', 0, U16_MAX),
    }),
  );
  return {
    type: HandshakeType.certificate,
    protocol: 'tls13',
    certificateRequestContext,
    certificateList,
  };
}

function readCertificate12(r: Reader): Certificate12 {
  const list = new Reader(r.vector24('certificate_list', 0, U24_MAX));
  const certificateList = list.all('certificate_list', (e) => e.vector24('ASN.1Cert', 1, U24_MAX));
  return { type: HandshakeType.certificate, protocol: 'tls12', certificateList };
}

function readCertificateRequest13(r: Reader): CertificateRequest13 {
  const certificateRequestContext = r.vector8('certificate_request_context', 0, 0xff);
  const extensions = readExtensions(r, 'certificate_request', 2, U16_MAX);
  return {
    type: HandshakeType.certificateRequest,
    protocol: 'tls13',
    certificateRequestContext,
    extensions,
  };
}

function readCertificateRequest12(r: Reader): CertificateRequest12 {
  const certificateTypes = [...r.vector8('certificate_types', 1, 0xff)] as ClientCertificateType[];
  const signatureAlgorithms = r.u16List(
    'supported_signature_algorithms',
    2,
    U16_MAX - 1,
  ) as SignatureScheme[];
  const list = new Reader(r.vector16('certificate_authorities', 0, U16_MAX));
  const certificateAuthorities = list.all('certificate_authorities', (e) =>
    e.vector16('DistinguishedName', 1, U16_MAX),
  );
  return {
    type: HandshakeType.certificateRequest,
    protocol: 'tls12',
    certificateTypes,
    signatureAlgorithms,
    certificateAuthorities,
  };
}

function readNewSessionTicket13(r: Reader): NewSessionTicket13 {
  return {
    type: HandshakeType.newSessionTicket,
    protocol: 'tls13',
    ticketLifetime: r.u32('ticket_lifetime'),
    ticketAgeAdd: r.u32('ticket_age_add'),
    ticketNonce: r.vector8('ticket_nonce', 0, 0xff),
    ticket: r.vector16('ticket', 1, U16_MAX),
    extensions: readExtensions(r, 'new_session_ticket', 0, U16_MAX - 1),
  };
}

function readNewSessionTicket12(r: Reader): NewSessionTicket12 {
  return {
    type: HandshakeType.newSessionTicket,
    protocol: 'tls12',
    ticketLifetimeHint: r.u32('ticket_lifetime_hint'),
    ticket: r.vector16('ticket', 0, U16_MAX),
  };
}

function readServerKeyExchange(r: Reader): ServerKeyExchange {
  // RFC 8422 section 5.4: explicit curves are deprecated; only named_curve is acceptable.
  const curveType = r.u8('curve_type');
  if (curveType !== EcCurveType.namedCurve) {
    throw new IllegalParameterError(
      `ServerKeyExchange: curve_type ${curveType} is not named_curve`,
    );
  }
  return {
    type: HandshakeType.serverKeyExchange,
    namedCurve: r.u16('namedcurve') as NamedGroup,
    publicKey: r.vector8('public', 1, 0xff),
    algorithm: r.u16('algorithm') as SignatureScheme,
    signature: r.vector16('signature', 0, U16_MAX),
  };
}

function writeU16s(w: Writer, values: readonly number[], field: string): void {
  for (const v of values) w.u16(v, field);
}

function writeOptionalExtensions(w: Writer, extensions: readonly Extension[]): void {
  if (extensions.length > 0) writeExtensions(w, extensions, 0, U16_MAX);
}

function writeServerEcdhParams(w: Writer, m: ServerKeyExchange): void {
  w.u8(EcCurveType.namedCurve);
  w.u16(m.namedCurve, 'namedcurve');
  w.vector8('public', 1, 0xff, () => w.bytes(m.publicKey));
}

function writeRandom(w: Writer, random: Uint8Array): void {
  if (random.length !== 32) throw new EncodeError(`random: ${random.length} bytes, not 32`);
  w.bytes(random);
}

function writeBody(w: Writer, m: HandshakeMessage): void {
  switch (m.type) {
    case HandshakeType.clientHello:
      w.u16(m.legacyVersion, 'legacy_version');
      writeRandom(w, m.random);
      w.vector8('legacy_session_id', 0, 32, () => w.bytes(m.legacySessionId));
      w.vector16('cipher_suites', 2, U16_MAX - 1, () =>
        writeU16s(w, m.cipherSuites, 'cipher_suite'),
      );
      w.vector8('legacy_compression_methods', 1, 0xff, () => w.bytes(m.legacyCompressionMethods));
      writeOptionalExtensions(w, m.extensions);
      return;
    case HandshakeType.serverHello:
      if (m.isHelloRetryRequest !== equalBytes(m.random, HELLO_RETRY_REQUEST_RANDOM)) {
        throw new EncodeError(
          'ServerHello: isHelloRetryRequest must match whether random is HELLO_RETRY_REQUEST_RANDOM',
        );
      }
      w.u16(m.legacyVersion, 'legacy_version');
      writeRandom(w, m.random);
      w.vector8('legacy_session_id_echo', 0, 32, () => w.bytes(m.legacySessionIdEcho));
      w.u16(m.cipherSuite, 'cipher_suite');
      w.u8(m.legacyCompressionMethod, 'legacy_compression_method');
      writeOptionalExtensions(w, m.extensions);
      return;
    case HandshakeType.encryptedExtensions:
      writeExtensions(w, m.extensions, 0, U16_MAX);
      return;
    case HandshakeType.certificate:
      if (m.protocol === 'tls13') {
        w.vector8('certificate_request_context', 0, 0xff, () =>
          w.bytes(m.certificateRequestContext),
        );
        w.vector24('certificate_list', 0, U24_MAX, () => {
          for (const entry of m.certificateList) {
            w.vector24('cert_data', 1, U24_MAX, () => w.bytes(entry.data));
            writeExtensions(w, entry.extensions, 0, U16_MAX);
          }
        });
      } else {
        w.vector24('certificate_list', 0, U24_MAX, () => {
          for (const cert of m.certificateList)
            w.vector24('ASN.1Cert', 1, U24_MAX, () => w.bytes(cert));
        });
      }
      return;
    case HandshakeType.certificateRequest:
      if (m.protocol === 'tls13') {
        w.vector8('certificate_request_context', 0, 0xff, () =>
          w.bytes(m.certificateRequestContext),
        );
        writeExtensions(w, m.extensions, 2, U16_MAX);
      } else {
        w.vector8('certificate_types', 1, 0xff, () => {
          for (const t of m.certificateTypes) w.u8(t, 'ClientCertificateType');
        });
        w.vector16('supported_signature_algorithms', 2, U16_MAX - 1, () =>
          writeU16s(w, m.signatureAlgorithms, 'SignatureAndHashAlgorithm'),
        );
        w.vector16('certificate_authorities', 0, U16_MAX, () => {
          for (const dn of m.certificateAuthorities) {
            w.vector16('DistinguishedName', 1, U16_MAX, () => w.bytes(dn));
          }
        });
      }
      return;
    case HandshakeType.certificateVerify:
      w.u16(m.algorithm, 'algorithm');
      w.vector16('signature', 0, U16_MAX, () => w.bytes(m.signature));
      return;
    case HandshakeType.finished:
      w.bytes(m.verifyData);
      return;
    case HandshakeType.newSessionTicket:
      if (m.protocol === 'tls13') {
        w.u32(m.ticketLifetime, 'ticket_lifetime');
        w.u32(m.ticketAgeAdd, 'ticket_age_add');
        w.vector8('ticket_nonce', 0, 0xff, () => w.bytes(m.ticketNonce));
        w.vector16('ticket', 1, U16_MAX, () => w.bytes(m.ticket));
        writeExtensions(w, m.extensions, 0, U16_MAX - 1);
      } else {
        w.u32(m.ticketLifetimeHint, 'ticket_lifetime_hint');
        w.vector16('ticket', 0, U16_MAX, () => w.bytes(m.ticket));
      }
      return;
    case HandshakeType.keyUpdate:
      w.u8(m.requestUpdate, 'request_update');
      return;
    case HandshakeType.endOfEarlyData:
    case HandshakeType.serverHelloDone:
    case HandshakeType.helloRequest:
      return;
    case HandshakeType.serverKeyExchange:
      writeServerEcdhParams(w, m);
      w.u16(m.algorithm, 'algorithm');
      w.vector16('signature', 0, U16_MAX, () => w.bytes(m.signature));
      return;
    case HandshakeType.clientKeyExchange:
      w.vector8('ecdh_Yc', 1, 0xff, () => w.bytes(m.publicKey));
      return;
    case HandshakeType.certificateStatus:
      w.u8(CertificateStatusType.ocsp, 'status_type');
      w.vector24('OCSPResponse', 1, U24_MAX, () => w.bytes(m.ocspResponse));
      return;
    case HandshakeType.compressedCertificate:
      w.u16(m.algorithm, 'algorithm');
      w.u24(m.uncompressedLength, 'uncompressed_length');
      w.vector24('compressed_certificate_message', 1, U24_MAX, () =>
        w.bytes(m.compressedCertificateMessage),
      );
      return;
    case HandshakeType.messageHash:
      w.bytes(m.hash);
      return;
    default:
      throw new EncodeError(
        `handshake message type ${(m as HandshakeMessage).type} has no encoder`,
      );
  }
}
