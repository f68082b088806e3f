import {
  ContentType,
  decodeRecordHeader,
  RecordOverflowError,
  UnexpectedMessageError,
} from '@tlskit/wire';
import { ByteQueue } from './byte-queue.js';
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
 * with `unexpected_message` (RFC 8446 section 5), which also rejects streams that are not TLS.
 */
export class RecordDeframer {
  readonly #input = new ByteQueue();

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
    if (input.length < recordHeaderLength + length) return undefined;
    const record = input.take(recordHeaderLength + length);
    return {
      contentType,
      legacyVersion: legacyRecordVersion,
      header: record.subarray(0, recordHeaderLength),
      payload: record.subarray(recordHeaderLength),
    };
  }
}
