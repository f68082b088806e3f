import {
  ContentType,
  decodeRecordHeader,
  RecordOverflowError,
  UnexpectedMessageError,
} from '@tlskit/wire';
import { ByteQueue } from './byte-queue.js';
import { NotTlsError } from './errors.js';
import { maxTls12CiphertextLength, recordHeaderLength } from './limits.js';

/** One record as framed on the wire, not yet deprotected. Both fields are views when possible. */
export interface RawRecord {
  /** The outer content type. */
  readonly contentType: ContentType;
  /** legacy_record_version as received (RFC 8446 section 5.1: ignored except as additional data). */
  readonly legacyVersion: number;
  /** The 5 header bytes exactly as received. */
  readonly header: Uint8Array;
  /** The `length` bytes after the header. */
  readonly payload: Uint8Array;
}

/**
 * Splits a byte stream into records. Feed it chunks split anywhere; `next` returns whole records.
 *
 * The length field is checked as soon as the header is complete, so an oversized record is refused
 * with `record_overflow` before its body is buffered. A content type TLS does not define is refused
 * with `unexpected_message` (RFC 8446 section 5). A stream whose first bytes cannot start a TLS
 * record (a content type TLS does not define, or a legacy_record_version that is not 3.x) is
 * refused as soon as they arrive with `NotTlsError` (`ERR_NOT_TLS`): the peer does not speak TLS.
 */
export class RecordDeframer {
  readonly #input = new ByteQueue();
  /** No record header has been accepted yet: the next bytes are the first from the peer. */
  #first: boolean;

  /**
   * @param options.streamStart whether the first bytes pushed start the peer's TLS stream (so a
   * non-TLS peer can be named). Default true; false for a deframer that takes over mid-stream.
   */
  constructor(options: { readonly streamStart?: boolean } = {}) {
    this.#first = options.streamStart ?? true;
  }

  /** Bytes received and not yet returned as records. */
  get bufferedLength(): number {
    return this.#input.length;
  }

  /** Appends received bytes. The chunk is kept by reference: do not modify it afterwards. */
  push(chunk: Uint8Array): void {
    this.#input.push(chunk);
  }

  /**
   * The next whole record, or undefined until more bytes arrive.
   * @param maxPayloadLength the largest length field accepted (depends on the current protection).
   */
  next(maxPayloadLength: number = maxTls12CiphertextLength): RawRecord | undefined {
    const input = this.#input;
    if (this.#first) this.#checkStartsTls();
    if (input.length < recordHeaderLength) return undefined;
    const headerBytes = new Uint8Array(recordHeaderLength);
    for (let i = 0; i < recordHeaderLength; i++) headerBytes[i] = input.peek(i) ?? 0;
    const { type: contentType, legacyRecordVersion, length } = decodeRecordHeader(headerBytes);
    if (
      contentType !== ContentType.changeCipherSpec &&
      contentType !== ContentType.alert &&
      contentType !== ContentType.handshake &&
      contentType !== ContentType.applicationData
    ) {
      throw new UnexpectedMessageError(`record content type ${contentType} is not one TLS defines`);
    }
    if (length > maxPayloadLength) {
      throw new RecordOverflowError(
        `record length ${length} exceeds the limit of ${maxPayloadLength} bytes`,
      );
    }
    this.#first = false;
    if (input.length < recordHeaderLength + length) return undefined;
    const record = input.take(recordHeaderLength + length);
    return {
      contentType,
      legacyVersion: legacyRecordVersion,
      header: record.subarray(0, recordHeaderLength),
      payload: record.subarray(recordHeaderLength),
    };
  }

  /**
   * The first two bytes of a TLS stream are a content type (20..23) and the major version 3 of
   * legacy_record_version (RFC 8446 5.1). Checked byte by byte as they arrive, so that a peer
   * that sends "HTTP/1.1 400" or "SSH-2.0" is named at once instead of waiting for a whole
   * header, or being reported as the record overflow its text reads as.
   */
  #checkStartsTls(): void {
    const input = this.#input;
    const type = input.peek(0);
    const major = input.peek(1);
    const badType =
      type !== undefined &&
      (type < ContentType.changeCipherSpec || type > ContentType.applicationData);
    if (badType || (major !== undefined && major !== 3)) {
      const shown = new Uint8Array(Math.min(input.length, 8));
      for (let i = 0; i < shown.length; i++) shown[i] = input.peek(i) ?? 0;
      throw new NotTlsError(shown);
    }
  }
}
