import { ContentType } from '@tlskit/wire';
import { maxPlaintextLength, recordHeaderLength } from './limits.js';

/** A record's payload after deprotection. `fragment` is a view; it may be a view into the input. */
export interface OpenedRecord {
  /** The real content type (in TLS 1.3 the inner one, from TLSInnerPlaintext). */
  readonly contentType: ContentType;
  readonly fragment: Uint8Array;
}

/**
 * The protection of one direction under one key: plaintext, TLS 1.3 AEAD or TLS 1.2 AEAD. A key
 * change (handshake to application keys, KeyUpdate, the 1.2 ChangeCipherSpec) is a new
 * RecordProtection, so sequence numbers restart at zero with every key.
 *
 * Ordering contract: `seal` reserves its sequence number synchronously, in call order, before
 * its first `await`; the returned promises may then settle in any order, and RecordWriter
 * delivers the records in call order. `open` consumes a sequence number only when the record
 * deprotects (so that skipped 0-RTT records cost none), hence opens must not overlap:
 * RecordReader runs them one at a time.
 */
export interface RecordProtection {
  /** Which record format this produces and accepts. */
  readonly kind: 'plaintext' | 'tls13' | 'tls12';
  /** legacy_record_version written into outgoing record headers. */
  readonly recordVersion: number;
  /** Largest payload (TLSCiphertext length field) accepted from the peer. */
  readonly maxPayloadLength: number;
  /** Bytes of protected plaintext added around the content: 1 in TLS 1.3 (the inner content type). */
  readonly innerOverhead: number;
  /** Bytes of payload added around the protected plaintext: tag and explicit nonce. */
  readonly payloadOverhead: number;
  /**
   * Protects one fragment (at most 2^14 bytes) and returns the whole record, header included
   * (possibly a view into a slightly larger buffer).
   * `paddingLength` zero bytes are appended to a TLS 1.3 TLSInnerPlaintext; other kinds ignore it.
   * `fragment` may be a view; it must not change until the promise settles.
   */
  seal(contentType: ContentType, fragment: Uint8Array, paddingLength?: number): Promise<Uint8Array>;
  /**
   * `seal`, but the record comes back as chunks to send in order (header first), so that a
   * provider with `AeadKey.sealChunks` seals without joining the fragment to its trailer and
   * the record reaches the socket's writev without being joined either. The chunks are the bytes
   * of exactly one record; it may be one chunk. Same sequencing contract as `seal`.
   */
  sealChunks(
    contentType: ContentType,
    fragment: Uint8Array,
    paddingLength?: number,
  ): Promise<Uint8Array[]>;
  /**
   * Deprotects one record: `header` is its 5 header bytes as received (TLS 1.3 additional data),
   * `payload` the bytes after them. Rejects with a TlsError only.
   */
  open(header: Uint8Array, payload: Uint8Array): Promise<OpenedRecord>;
}

/** Writes a record header into `out` at offset 0. */
export function writeRecordHeader(
  out: Uint8Array,
  contentType: number,
  version: number,
  length: number,
): void {
  out[0] = contentType;
  out[1] = version >>> 8;
  out[2] = version & 0xff;
  out[3] = length >>> 8;
  out[4] = length & 0xff;
}

/** Options of {@link PlaintextProtection}. */
export interface PlaintextProtectionOptions {
  /**
   * legacy_record_version of outgoing records. Default 0x0303; RFC 8446 section 5.1 allows 0x0301
   * for an initial ClientHello, which some middleboxes expect.
   */
  readonly recordVersion?: number;
}

/**
 * The null protection every connection starts with (RFC 8446 section 5.1, TLSPlaintext): no
 * encryption, no sequence numbers. Open returns the payload as it is (a view).
 */
export class PlaintextProtection implements RecordProtection {
  readonly kind = 'plaintext' as const;
  readonly recordVersion: number;
  readonly maxPayloadLength = maxPlaintextLength;
  readonly innerOverhead = 0;
  readonly payloadOverhead = 0;

  constructor(options: PlaintextProtectionOptions = {}) {
    this.recordVersion = options.recordVersion ?? 0x0303;
  }

  async seal(contentType: ContentType, fragment: Uint8Array): Promise<Uint8Array> {
    const record = new Uint8Array(recordHeaderLength + fragment.length);
    writeRecordHeader(record, contentType, this.recordVersion, fragment.length);
    record.set(fragment, recordHeaderLength);
    return record;
  }

  async sealChunks(contentType: ContentType, fragment: Uint8Array): Promise<Uint8Array[]> {
    return [await this.seal(contentType, fragment)];
  }

  async open(header: Uint8Array, payload: Uint8Array): Promise<OpenedRecord> {
    return { contentType: (header[0] ?? ContentType.invalid) as ContentType, fragment: payload };
  }
}
