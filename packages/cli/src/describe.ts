/**
 * Turns decoded records, handshake messages and extensions into the display tree of `tree.ts`,
 * field by field, with the RFC's field names. Nothing here decodes bytes: that is @tlskit/wire's
 * job (its decodeRecords drives it).
 */
import {
  type DecodedMessage,
  type DecodedRecord,
  type DecodedRecordContent,
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  equalBytes,
  type Extension,
  HANDSHAKE_HEADER_LENGTH,
  type HandshakeMessage,
  HandshakeType,
  type KeyShareEntry,
  type ServerName,
} from '@tlskit/wire';
import { code, codes } from './names.js';
import { Bytes, type Fields, type Node } from './tree.js';

/** The whole stream: `{ records: [...] }`. */
export function describeRecords(records: readonly DecodedRecord[]): Fields {
  return { records: records.map(describeRecord) };
}

/** One record: its header, then what its fragment holds. */
export function describeRecord(record: DecodedRecord): Fields {
  return {
    record: record.index,
    offset: record.offset,
    type: code('ContentType', record.header.type),
    legacy_record_version: code('ProtocolVersion', record.header.legacyRecordVersion),
    length: record.header.length,
    ...describeContent(record.content, record.fragment),
  };
}

function describeContent(content: DecodedRecordContent, fragment: Uint8Array): Fields {
  switch (content.kind) {
    case 'handshake':
      return {
        messages: content.messages.map(describeMessage),
        ...(content.pendingBytes > 0 ? { continued_in_next_record: content.pendingBytes } : {}),
      };
    case 'change_cipher_spec':
      return { change_cipher_spec: 1 };
    case 'alert':
      return {
        alert: {
          level: code('AlertLevel', content.alert.level),
          description: code('AlertDescription', content.alert.description),
        },
      };
    case 'opaque':
      return { opaque: content.reason, fragment: new Bytes(fragment) };
  }
}

/** One handshake message: its header, then its body's fields. */
export function describeMessage(inspected: DecodedMessage): Fields {
  const { message, bytes } = inspected;
  return {
    msg_type: code('HandshakeType', message.type),
    length: bytes.length - HANDSHAKE_HEADER_LENGTH,
    ...describeBody(message),
  };
}

function describeBody(m: HandshakeMessage): Fields {
  switch (m.type) {
    case HandshakeType.clientHello:
      return {
        legacy_version: code('ProtocolVersion', m.legacyVersion),
        random: new Bytes(m.random),
        legacy_session_id: new Bytes(m.legacySessionId),
        cipher_suites: codes('CipherSuite', m.cipherSuites),
        legacy_compression_methods: [...m.legacyCompressionMethods],
        extensions: m.extensions.map(describeExtension),
      };
    case HandshakeType.serverHello:
      return {
        legacy_version: code('ProtocolVersion', m.legacyVersion),
        random: new Bytes(m.random),
        ...serverRandomMeaning(m.random, m.isHelloRetryRequest),
        legacy_session_id_echo: new Bytes(m.legacySessionIdEcho),
        cipher_suite: code('CipherSuite', m.cipherSuite),
        legacy_compression_method: m.legacyCompressionMethod,
        extensions: m.extensions.map(describeExtension),
      };
    case HandshakeType.encryptedExtensions:
      return { extensions: m.extensions.map(describeExtension) };
    case HandshakeType.certificate:
      if (m.protocol === 'tls13') {
        return {
          certificate_request_context: new Bytes(m.certificateRequestContext),
          certificate_list: m.certificateList.map((entry) => ({
            cert_data: new Bytes(entry.data),
            extensions: entry.extensions.map(describeExtension),
          })),
        };
      }
      return { certificate_list: m.certificateList.map((cert) => new Bytes(cert)) };
    case HandshakeType.certificateRequest:
      if (m.protocol === 'tls13') {
        return {
          certificate_request_context: new Bytes(m.certificateRequestContext),
          extensions: m.extensions.map(describeExtension),
        };
      }
      return {
        certificate_types: [...m.certificateTypes],
        supported_signature_algorithms: codes('SignatureScheme', m.signatureAlgorithms),
        certificate_authorities: m.certificateAuthorities.map((dn) => new Bytes(dn)),
      };
    case HandshakeType.certificateVerify:
      return {
        algorithm: code('SignatureScheme', m.algorithm),
        signature: new Bytes(m.signature),
      };
    case HandshakeType.finished:
      return { verify_data: new Bytes(m.verifyData) };
    case HandshakeType.newSessionTicket:
      if (m.protocol === 'tls13') {
        return {
          ticket_lifetime: m.ticketLifetime,
          ticket_age_add: m.ticketAgeAdd,
          ticket_nonce: new Bytes(m.ticketNonce),
          ticket: new Bytes(m.ticket),
          extensions: m.extensions.map(describeExtension),
        };
      }
      return { ticket_lifetime_hint: m.ticketLifetimeHint, ticket: new Bytes(m.ticket) };
    case HandshakeType.keyUpdate:
      return {
        request_update: m.requestUpdate === 1 ? 'update_requested' : 'update_not_requested',
      };
    case HandshakeType.serverKeyExchange:
      return {
        // RFC 8422 section 5.4: the only curve_type @tlskit/wire accepts.
        curve_type: 'named_curve',
        namedcurve: code('NamedGroup', m.namedCurve),
        public: new Bytes(m.publicKey),
        algorithm: code('SignatureScheme', m.algorithm),
        signature: new Bytes(m.signature),
      };
    case HandshakeType.clientKeyExchange:
      return { ecdh_Yc: new Bytes(m.publicKey) };
    case HandshakeType.certificateStatus:
      // RFC 6066 section 8: status_type ocsp(1), the only one the codec accepts.
      return { status_type: 1, response: new Bytes(m.ocspResponse) };
    case HandshakeType.compressedCertificate:
      return {
        algorithm: m.algorithm,
        uncompressed_length: m.uncompressedLength,
        compressed_certificate_message: new Bytes(m.compressedCertificateMessage),
      };
    case HandshakeType.messageHash:
      return { hash: new Bytes(m.hash) };
    case HandshakeType.endOfEarlyData:
    case HandshakeType.serverHelloDone:
    case HandshakeType.helloRequest:
      return {};
  }
}

// RFC 8446 section 4.1.3: the server random also signals a HelloRetryRequest or a downgrade.
function serverRandomMeaning(random: Uint8Array, isHelloRetryRequest: boolean): Fields {
  if (isHelloRetryRequest) return { hello_retry_request: true };
  const tail = random.subarray(24);
  if (equalBytes(tail, DOWNGRADE_TLS12)) return { downgrade_sentinel: 'TLS 1.2' };
  if (equalBytes(tail, DOWNGRADE_TLS11)) return { downgrade_sentinel: 'TLS 1.1 or below' };
  return {};
}

/** One extension: `extension_type`, then its typed fields (or `extension_data` when raw). */
export function describeExtension(ext: Extension): Fields {
  return { extension_type: code('ExtensionType', ext.type), ...extensionFields(ext) };
}

// Keyed on the fields each form carries, because several extension types have more than one
// form (key_share, supported_versions, pre_shared_key, status_request, early_data).
function extensionFields(ext: Extension): Fields {
  if ('raw' in ext) return { extension_data: new Bytes(ext.raw) };
  if ('serverNames' in ext) return { server_name_list: ext.serverNames.map(describeServerName) };
  if ('request' in ext && ext.request !== undefined) {
    return {
      status_type: 'ocsp',
      responder_id_list: ext.request.responderIds.map((id) => new Bytes(id)),
      request_extensions: new Bytes(ext.request.requestExtensions),
    };
  }
  if ('ocspResponse' in ext && ext.ocspResponse !== undefined) {
    return { status_type: 'ocsp', response: new Bytes(ext.ocspResponse) };
  }
  if ('groups' in ext) return { named_group_list: codes('NamedGroup', ext.groups) };
  if ('formats' in ext) return { ec_point_format_list: codes('EcPointFormat', ext.formats) };
  if ('schemes' in ext) {
    return { supported_signature_algorithms: codes('SignatureScheme', ext.schemes) };
  }
  if ('protocols' in ext) return { protocol_name_list: ext.protocols.map(text) };
  if ('length' in ext) return { padding_length: ext.length };
  if ('algorithms' in ext) return { algorithms: ext.algorithms };
  if ('recordSizeLimit' in ext) return { record_size_limit: ext.recordSizeLimit };
  if ('ticket' in ext) return { ticket: new Bytes(ext.ticket) };
  if ('identities' in ext) {
    return {
      identities: ext.identities.map((id) => ({
        identity: new Bytes(id.identity),
        obfuscated_ticket_age: id.obfuscatedTicketAge,
      })),
      binders: ext.binders.map((binder) => new Bytes(binder)),
    };
  }
  if ('selectedIdentity' in ext) return { selected_identity: ext.selectedIdentity };
  if ('maxEarlyDataSize' in ext && ext.maxEarlyDataSize !== undefined) {
    return { max_early_data_size: ext.maxEarlyDataSize };
  }
  if ('versions' in ext) return { versions: codes('ProtocolVersion', ext.versions) };
  if ('selectedVersion' in ext) {
    return { selected_version: code('ProtocolVersion', ext.selectedVersion) };
  }
  if ('cookie' in ext) return { cookie: new Bytes(ext.cookie) };
  if ('modes' in ext) return { ke_modes: codes('PskKeyExchangeMode', ext.modes) };
  if ('authorities' in ext) return { authorities: ext.authorities.map((dn) => new Bytes(dn)) };
  if ('clientShares' in ext) return { client_shares: ext.clientShares.map(describeKeyShare) };
  if ('serverShare' in ext) return { server_share: describeKeyShare(ext.serverShare) };
  if ('selectedGroup' in ext) return { selected_group: code('NamedGroup', ext.selectedGroup) };
  if ('renegotiatedConnection' in ext) {
    return { renegotiated_connection: new Bytes(ext.renegotiatedConnection) };
  }
  // extended_master_secret, post_handshake_auth, and the empty forms of the others.
  return {};
}

function describeServerName(entry: ServerName): Fields {
  if (entry.nameType === 0) return { name_type: 'host_name', host_name: text(entry.name) };
  return { name_type: entry.nameType, name: new Bytes(entry.name) };
}

function describeKeyShare(entry: KeyShareEntry): Fields {
  return { group: code('NamedGroup', entry.group), key_exchange: new Bytes(entry.keyExchange) };
}

/** Printable ASCII as a string (host names, ALPN ids); anything else stays bytes. */
function text(bytes: Uint8Array): Node {
  for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return new Bytes(bytes);
  return new TextDecoder().decode(bytes);
}
