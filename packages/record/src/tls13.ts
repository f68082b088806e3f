import type { AeadKey, AeadName, CryptoProvider } from '@tlskit/crypto';
import { ContentType, UnexpectedMessageError } from '@tlskit/wire';
import { BadRecordMacError } from './errors.js';
import { aeadTagLength, maxTls13CiphertextLength, recordHeaderLength } from './limits.js';
import { type AeadProtectionOptions, AeadRecordProtection } from './aead-protection.js';
import { type OpenedRecord, type RecordProtection, writeRecordHeader } from './protection.js';
import { nonceFor } from './sequence.js';

/** Where a sealed record's body starts in its buffer: the first 4-byte boundary after a header. */
const alignedBodyOffset = 8;

/**
 * TLS 1.3 record protection (RFC 8446 section 5.2-5.3) under one traffic key and IV.
 *
 * Outgoing: TLSInnerPlaintext = content || type || zeros, sealed with nonce = IV xor seq and the
 * record header (type 23, version 0x0303, length) as additional data. Incoming: the same in
 * reverse; the real content type is the last non-zero byte of the inner plaintext.
 */
export class Tls13RecordProtection extends AeadRecordProtection implements RecordProtection {
  readonly kind = 'tls13' as const;
  readonly recordVersion = 0x0303;
  readonly maxPayloadLength = maxTls13CiphertextLength;
  readonly innerOverhead = 1;
  readonly payloadOverhead = aeadTagLength;

  /** @param iv the 12-byte traffic IV (RFC 8446 section 7.3: `[sender]_write_iv`). */
  constructor(aead: AeadKey, iv: Uint8Array, options: AeadProtectionOptions = {}) {
    if (iv.length !== 12) {
      throw new RangeError(`TLS 1.3 traffic IV must be 12 bytes, got ${iv.length}`);
    }
    super(aead, iv, options);
  }

  /** Imports `key` into `provider` and binds it with `iv`. */
  static async create(
    provider: CryptoProvider,
    algorithm: AeadName,
    key: Uint8Array,
    iv: Uint8Array,
    options: AeadProtectionOptions = {},
  ): Promise<Tls13RecordProtection> {
    return new Tls13RecordProtection(await provider.importAeadKey(algorithm, key), iv, options);
  }

  async sealChunks(
    contentType: ContentType,
    fragment: Uint8Array,
    paddingLength = 0,
  ): Promise<Uint8Array[]> {
    const sealChunks = this.aead.sealChunks;
    if (sealChunks === undefined) return [await this.seal(contentType, fragment, paddingLength)];
    // Reserve the nonce before the first await: sequence numbers follow call order.
    const nonce = this.#nextNonce();
    const header = new Uint8Array(recordHeaderLength);
    const payloadLength = fragment.length + 1 + paddingLength + aeadTagLength;
    writeRecordHeader(header, ContentType.applicationData, this.recordVersion, payloadLength);
    // The inner plaintext is fragment || type || zeros; the AEAD takes it in two pieces, so the
    // fragment is never copied (the padding is already zero).
    const trailer = new Uint8Array(1 + paddingLength);
    trailer[0] = contentType;
    const body = await sealChunks.call(this.aead, nonce, header, [fragment, trailer]);
    return [header, ...body];
  }

  async seal(
    contentType: ContentType,
    fragment: Uint8Array,
    paddingLength = 0,
  ): Promise<Uint8Array> {
    // Reserve the nonce before the first await: sequence numbers follow call order.
    const nonce = this.#nextNonce();
    const innerLength = fragment.length + 1 + paddingLength;
    const payloadLength = innerLength + aeadTagLength;
    // One allocation for the whole record. The inner plaintext is built where the ciphertext will
    // go, at offset 8 so that it is 4-byte aligned (pure-JS AEADs such as noble copy unaligned
    // input), with the header in the 5 bytes before it; the padding is already zero.
    const buffer = new Uint8Array(alignedBodyOffset + payloadLength);
    const record = buffer.subarray(alignedBodyOffset - recordHeaderLength);
    writeRecordHeader(record, ContentType.applicationData, this.recordVersion, payloadLength);
    const inner = buffer.subarray(alignedBodyOffset, alignedBodyOffset + innerLength);
    inner.set(fragment);
    inner[fragment.length] = contentType;
    const sealed = await this.aead.seal(nonce, record.subarray(0, recordHeaderLength), inner);
    record.set(sealed, recordHeaderLength);
    return record;
  }

  /** The nonce of the next outgoing record; advances the sequence number. */
  #nextNonce(): Uint8Array {
    const nonce = nonceFor(this.iv, this.sequence);
    this.sequence.advance();
    return nonce;
  }

  async open(header: Uint8Array, payload: Uint8Array): Promise<OpenedRecord> {
    const nonce = nonceFor(this.iv, this.sequence);
    // Shorter than a tag plus the content type byte cannot authenticate (RFC 8446 section 5.2).
    if (payload.length < aeadTagLength + 1) throw new BadRecordMacError();
    const inner = await this.aead.open(nonce, header, payload);
    if (inner === null) throw new BadRecordMacError();
    // Only a record that deprotects consumes a sequence number: a server skipping rejected 0-RTT
    // records (RFC 8446 section 4.2.10) then reads the client's next flight from sequence 0.
    this.sequence.advance();
    // RFC 8446 section 5.4: the content type is the last non-zero byte; none at all is fatal.
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) {
      throw new UnexpectedMessageError('TLSInnerPlaintext has no non-zero content type byte');
    }
    return { contentType: inner[end] as ContentType, fragment: inner.subarray(0, end) };
  }
}
