/**
 * Splits a one-directional TLS byte stream into records and the handshake messages they carry,
 * using the @tlskit/wire codec. Handshake messages may span records and records may hold several
 * messages (RFC 8446 section 5.1), so handshake bytes are reassembled across records.
 */
import {
  type Alert,
  ContentType,
  concatBytes,
  DecodeError,
  decodeAlert,
  decodeChangeCipherSpec,
  decodeHandshake,
  decodeHandshakeHeader,
  decodeRecordHeader,
  ExtensionType,
  HANDSHAKE_HEADER_LENGTH,
  type HandshakeMessage,
  HandshakeType,
  isTlsError,
  nameOf,
  ProtocolVersion,
  RECORD_HEADER_LENGTH,
  type RecordHeader,
  Reader,
  TlsError,
  UnexpectedMessageError,
  type WireProtocol,
} from '@tlskit/wire';

/** One handshake message, decoded, with the exact bytes it came from. */
export interface InspectedMessage {
  readonly message: HandshakeMessage;
  readonly bytes: Uint8Array;
  /** The layout it was decoded with (Certificate, CertificateRequest, NewSessionTicket differ). */
  readonly protocol: WireProtocol;
}

/** What a record's fragment turned out to be. */
export type RecordContent =
  | {
      readonly kind: 'handshake';
      /** Messages that end in this record (they may have started in earlier ones). */
      readonly messages: readonly InspectedMessage[];
      /** Bytes of a message that has not ended yet: it continues in the next record. */
      readonly pendingBytes: number;
    }
  | { readonly kind: 'change_cipher_spec' }
  | { readonly kind: 'alert'; readonly alert: Alert }
  | {
      /**
       * Bytes that cannot be read without keys: application_data, anything protected after a
       * TLS 1.2 ChangeCipherSpec, or a content type without a plaintext layout.
       */
      readonly kind: 'opaque';
      readonly reason: 'application_data' | 'encrypted' | 'unknown_content_type';
    };

/** One record of the stream. */
export interface InspectedRecord {
  /** 1-based position in the stream. */
  readonly index: number;
  /** Byte offset of the record header in the input. */
  readonly offset: number;
  readonly header: RecordHeader;
  readonly fragment: Uint8Array;
  readonly content: RecordContent;
}

/** Options for {@link inspectRecords}. */
export interface InspectOptions {
  /**
   * The version whose layouts to use. Default: inferred from the stream (a ServerHello's
   * supported_versions, or a ClientHello that does not offer TLS 1.3), else TLS 1.3.
   */
  readonly protocol?: WireProtocol;
}

/**
 * Decodes every record of `bytes` and every handshake message in them. Any malformed byte is a
 * {@link TlsError} (from @tlskit/wire, or a DecodeError for a truncated stream) whose message
 * starts with the record number and offset where decoding stopped.
 */
export function inspectRecords(bytes: Uint8Array, options: InspectOptions = {}): InspectedRecord[] {
  if (bytes.length === 0) throw new DecodeError('input holds no TLS records');
  const stream = new HandshakeStream(options.protocol);
  const records: InspectedRecord[] = [];
  const reader = new Reader(bytes);
  // Each pass reads at least the 5-byte header, so the loop is bounded by the input length.
  while (reader.remaining > 0) {
    const index = records.length + 1;
    const offset = reader.offset;
    try {
      const header = decodeRecordHeader(reader.bytes(RECORD_HEADER_LENGTH, 'record header'));
      const fragment = reader.bytes(header.length, 'record fragment');
      records.push({ index, offset, header, fragment, content: stream.read(header, fragment) });
    } catch (error) {
      throw locate(error, `record ${index} at byte ${offset}`);
    }
  }
  try {
    stream.finish();
  } catch (error) {
    throw locate(error, 'end of input');
  }
  return records;
}

// Keeps the code and alert of the error and says where it happened.
function locate(error: unknown, where: string): unknown {
  if (!isTlsError(error)) return error;
  return new TlsError(error.code, error.alert, `${where}: ${error.message}`, { cause: error });
}

/** Handshake reassembly and the little state that decides how to read the next record. */
class HandshakeStream {
  /** Pieces of the handshake message(s) not yet complete, in order. */
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  /** Total length of the message at the front of #pending, once its header is there. */
  #needed: number | undefined;
  #protocol: WireProtocol | undefined;
  readonly #fixedProtocol: boolean;
  #encrypted = false;

  constructor(protocol: WireProtocol | undefined) {
    this.#protocol = protocol;
    this.#fixedProtocol = protocol !== undefined;
  }

  read(header: RecordHeader, fragment: Uint8Array): RecordContent {
    // RFC 8446 section 5.1: handshake messages must not be interleaved with other record types.
    if (header.type !== ContentType.handshake && this.#pendingLength > 0) {
      throw new UnexpectedMessageError(
        `a ${nameOf(ContentType, header.type)} record arrived inside a fragmented handshake message`,
      );
    }
    if (header.type === ContentType.applicationData) {
      return { kind: 'opaque', reason: 'application_data' };
    }
    if (header.type === ContentType.changeCipherSpec) {
      decodeChangeCipherSpec(fragment);
      // RFC 5246 section 7.1: in TLS 1.2 every record after ChangeCipherSpec is protected. In
      // TLS 1.3 it is only a middlebox-compatibility no-op (RFC 8446 D.4).
      if (this.#protocol === 'tls12') this.#encrypted = true;
      return { kind: 'change_cipher_spec' };
    }
    if (header.type !== ContentType.handshake && header.type !== ContentType.alert) {
      return { kind: 'opaque', reason: 'unknown_content_type' };
    }
    if (this.#encrypted) return { kind: 'opaque', reason: 'encrypted' };
    if (header.type === ContentType.alert) return { kind: 'alert', alert: decodeAlert(fragment) };
    const messages = this.#handshake(fragment);
    return { kind: 'handshake', messages, pendingBytes: this.#pendingLength };
  }

  #handshake(fragment: Uint8Array): InspectedMessage[] {
    this.#pending.push(fragment);
    this.#pendingLength += fragment.length;
    // Join the pieces only once the message at the front is complete, so a message spread over
    // many records is copied once, not once per record: the work stays linear in the input.
    if (this.#needed !== undefined && this.#pendingLength < this.#needed) return [];
    const buffered = concatBytes(this.#pending);
    const messages: InspectedMessage[] = [];
    let start = 0;
    // Each pass consumes at least the 4-byte handshake header, bounding the loop.
    while (buffered.length - start >= HANDSHAKE_HEADER_LENGTH) {
      const { length } = decodeHandshakeHeader(buffered.subarray(start));
      const end = start + HANDSHAKE_HEADER_LENGTH + length;
      if (end > buffered.length) break;
      const bytes = buffered.subarray(start, end);
      const protocol = this.#protocol ?? 'tls13';
      const { message } = decodeHandshake(bytes, { protocol });
      messages.push({ message, bytes, protocol });
      this.#learnProtocol(message);
      start = end;
    }
    const rest = buffered.subarray(start);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingLength = rest.length;
    this.#needed =
      rest.length >= HANDSHAKE_HEADER_LENGTH
        ? HANDSHAKE_HEADER_LENGTH + decodeHandshakeHeader(rest).length
        : undefined;
    return messages;
  }

  #learnProtocol(message: HandshakeMessage): void {
    if (this.#fixedProtocol) return;
    if (message.type === HandshakeType.serverHello) {
      const versions = message.extensions.find((e) => e.type === ExtensionType.supportedVersions);
      const tls13 =
        versions !== undefined &&
        'selectedVersion' in versions &&
        versions.selectedVersion === ProtocolVersion.TLSv1_3;
      this.#protocol = tls13 ? 'tls13' : 'tls12';
    } else if (message.type === HandshakeType.clientHello && this.#protocol === undefined) {
      // RFC 8446 section 4.2.1: a client offering TLS 1.3 must send supported_versions with it.
      const versions = message.extensions.find((e) => e.type === ExtensionType.supportedVersions);
      const offers13 =
        versions !== undefined &&
        'versions' in versions &&
        versions.versions.includes(ProtocolVersion.TLSv1_3);
      if (!offers13) this.#protocol = 'tls12';
    }
  }

  finish(): void {
    if (this.#pendingLength > 0) {
      throw new DecodeError(
        `input ends inside a handshake message (${this.#pendingLength} bytes of it present)`,
      );
    }
  }
}
