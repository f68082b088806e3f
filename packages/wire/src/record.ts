import { DecodeError, RecordOverflowError, UnexpectedMessageError } from './errors.js';
import { Reader } from './reader.js';
import type { AlertDescription, AlertLevel, ContentType, ProtocolVersion } from './registries.js';
import { encodeWith } from './writer.js';

/** RFC 8446 section 5.1: the 5-byte record header. */
export interface RecordHeader {
  readonly type: ContentType;
  readonly legacyRecordVersion: ProtocolVersion;
  /** Length of the fragment that follows the header. */
  readonly length: number;
}

/** Size of the record header: type (1), legacy_record_version (2), length (2). */
export const RECORD_HEADER_LENGTH = 5;

/** RFC 8446 section 5.1: a plaintext fragment is at most 2^14 bytes. */
export const MAX_PLAINTEXT_LENGTH = 2 ** 14;

/**
 * The largest record length any supported version allows: RFC 5246 section 6.2.3 permits 2^14 +
 * 2048 (TLS 1.3, RFC 8446 section 5.2, only 2^14 + 256). The record layer enforces the
 * version's own limit; the header decoder rejects anything beyond this outright.
 */
export const MAX_RECORD_LENGTH = 2 ** 14 + 2048;

/**
 * Reads a record header from the first 5 bytes of `bytes` (which may hold more: the fragment,
 * or further records). A length above {@link MAX_RECORD_LENGTH} is `record_overflow`.
 */
export function decodeRecordHeader(bytes: Uint8Array): RecordHeader {
  const r = new Reader(bytes);
  const type = r.u8('ContentType') as ContentType;
  const legacyRecordVersion = r.u16('legacy_record_version') as ProtocolVersion;
  const length = r.u16('record length');
  if (length > MAX_RECORD_LENGTH) {
    throw new RecordOverflowError(`record length ${length} exceeds ${MAX_RECORD_LENGTH}`);
  }
  return { type, legacyRecordVersion, length };
}

/** Encodes a record header (5 bytes). */
export function encodeRecordHeader(header: RecordHeader): Uint8Array {
  return encodeWith((w) => {
    w.u8(header.type, 'ContentType');
    w.u16(header.legacyRecordVersion, 'legacy_record_version');
    w.u16(header.length, 'record length');
  });
}

/** RFC 8446 section 6: an alert. */
export interface Alert {
  readonly level: AlertLevel;
  readonly description: AlertDescription;
}

/** Decodes an alert body (exactly 2 bytes). */
export function decodeAlert(bytes: Uint8Array): Alert {
  if (bytes.length !== 2) throw new DecodeError(`Alert: ${bytes.length} bytes, not 2`);
  return { level: bytes[0]! as AlertLevel, description: bytes[1]! as AlertDescription };
}

/** Encodes an alert body. */
export function encodeAlert(alert: Alert): Uint8Array {
  return encodeWith((w) => {
    w.u8(alert.level, 'AlertLevel');
    w.u8(alert.description, 'AlertDescription');
  });
}

/** RFC 5246 section 7.1 / RFC 8446 section 5: the one-byte change_cipher_spec body. */
export const CHANGE_CIPHER_SPEC: Uint8Array = Uint8Array.of(1);

/**
 * Checks a change_cipher_spec body. RFC 8446 section 5: any value but the single byte 0x01 is
 * `unexpected_message`.
 */
export function decodeChangeCipherSpec(bytes: Uint8Array): void {
  if (bytes.length !== 1 || bytes[0] !== 1) {
    throw new UnexpectedMessageError('change_cipher_spec: body is not the single byte 0x01');
  }
}
