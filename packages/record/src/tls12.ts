import type { AeadKey, AeadName, CryptoProvider } from '@tlskit/crypto';
import type { ContentType } from '@tlskit/wire';
import { BadRecordMacError } from './errors.js';
import { aeadTagLength, maxTls12CiphertextLength, recordHeaderLength } from './limits.js';
import { type AeadProtectionOptions, AeadRecordProtection } from './aead-protection.js';
import { type OpenedRecord, type RecordProtection, writeRecordHeader } from './protection.js';

const explicitNonceLength = 8;
const additionalDataLength = 13;

/**
 * TLS 1.2 AEAD record protection under one key (RFC 5246 section 6.2.3.3).
 *
 * - AES-GCM (RFC 5288): nonce = 4-byte implicit salt (`iv`) || 8-byte explicit nonce carried in
 *   the record. The explicit nonce we send is the sequence number, which never repeats under one
 *   key (RFC 9325 section 7.2.1 recommends exactly this).
 * - ChaCha20-Poly1305 (RFC 7905): no explicit nonce; nonce = 12-byte `iv` xor padded sequence
 *   number, as in TLS 1.3.
 *
 * Additional data: seq_num(8) || type(1) || version(2) || plaintext length(2).
 */
export class Tls12RecordProtection extends AeadRecordProtection implements RecordProtection {
  readonly kind = 'tls12' as const;
  readonly recordVersion = 0x0303;
  readonly maxPayloadLength = maxTls12CiphertextLength;
  readonly innerOverhead = 0;
  readonly payloadOverhead: number;
  readonly #explicit: boolean;

  /**
   * @param iv the key block's client/server write IV: 4 bytes for AES-GCM, 12 for
   *   ChaCha20-Poly1305 (RFC 5288 section 3, RFC 7905 section 2).
   */
  constructor(aead: AeadKey, iv: Uint8Array, options: AeadProtectionOptions = {}) {
    const explicit = aead.algorithm !== 'CHACHA20-POLY1305';
    const ivLength = explicit ? 4 : 12;
    if (iv.length !== ivLength) {
      throw new RangeError(
        `TLS 1.2 ${aead.algorithm} write IV must be ${ivLength} bytes, got ${iv.length}`,
      );
    }
    super(aead, iv, options);
    this.#explicit = explicit;
    this.payloadOverhead = (this.#explicit ? explicitNonceLength : 0) + aeadTagLength;
  }

  /** Imports `key` into `provider` and binds it with `iv`. */
  static async create(
    provider: CryptoProvider,
    algorithm: AeadName,
    key: Uint8Array,
    iv: Uint8Array,
    options: AeadProtectionOptions = {},
  ): Promise<Tls12RecordProtection> {
    return new Tls12RecordProtection(await provider.importAeadKey(algorithm, key), iv, options);
  }

  async seal(contentType: ContentType, fragment: Uint8Array): Promise<Uint8Array> {
    const { ad, nonce, prefix } = this.#begin(contentType, fragment.length);
    const record = new Uint8Array(prefix.length + fragment.length + aeadTagLength);
    record.set(prefix);
    record.set(await this.aead.seal(nonce, ad, fragment), prefix.length);
    return record;
  }

  async sealChunks(contentType: ContentType, fragment: Uint8Array): Promise<Uint8Array[]> {
    const sealChunks = this.aead.sealChunks;
    if (sealChunks === undefined) return [await this.seal(contentType, fragment)];
    const { ad, nonce, prefix } = this.#begin(contentType, fragment.length);
    return [prefix, ...(await sealChunks.call(this.aead, nonce, ad, [fragment]))];
  }

  /**
   * What sealing one record needs before the AEAD runs: its additional data, its nonce, and the
   * bytes before the ciphertext (header and explicit nonce). Reserves the sequence number, so it
   * runs before the caller's first await.
   */
  #begin(
    contentType: ContentType,
    fragmentLength: number,
  ): { ad: Uint8Array; nonce: Uint8Array; prefix: Uint8Array } {
    const ad = this.#additionalData(contentType, this.recordVersion, fragmentLength);
    const nonce = this.#nonce(ad);
    this.sequence.advance();
    const prefixLength = recordHeaderLength + (this.#explicit ? explicitNonceLength : 0);
    const prefix = new Uint8Array(prefixLength);
    writeRecordHeader(
      prefix,
      contentType,
      this.recordVersion,
      fragmentLength + this.payloadOverhead,
    );
    if (this.#explicit) prefix.set(nonce.subarray(4), recordHeaderLength);
    return { ad, nonce, prefix };
  }

  async open(header: Uint8Array, payload: Uint8Array): Promise<OpenedRecord> {
    const contentType = (header[0] ?? 0) as ContentType;
    const version = ((header[1] ?? 0) << 8) | (header[2] ?? 0);
    const plaintextLength = Math.max(0, payload.length - this.payloadOverhead);
    const ad = this.#additionalData(contentType, version, plaintextLength);
    if (payload.length < this.payloadOverhead) throw new BadRecordMacError();
    let nonce: Uint8Array;
    let ciphertext = payload;
    if (this.#explicit) {
      // The peer chooses the explicit part; only the salt is ours (RFC 5288 section 3).
      nonce = new Uint8Array(12);
      nonce.set(this.iv);
      nonce.set(payload.subarray(0, explicitNonceLength), 4);
      ciphertext = payload.subarray(explicitNonceLength);
    } else {
      nonce = this.#nonce(ad);
    }
    const fragment = await this.aead.open(nonce, ad, ciphertext);
    if (fragment === null) throw new BadRecordMacError();
    this.sequence.advance();
    return { contentType, fragment };
  }

  /** seq_num || type || version || length (RFC 5246 section 6.2.3.3), for the current seq_num. */
  #additionalData(contentType: number, version: number, length: number): Uint8Array {
    const ad = new Uint8Array(additionalDataLength);
    this.sequence.write(ad, 0);
    ad[8] = contentType;
    ad[9] = version >>> 8;
    ad[10] = version & 0xff;
    ad[11] = length >>> 8;
    ad[12] = length & 0xff;
    return ad;
  }

  /** The 12-byte nonce for the sequence number at the front of `ad`. */
  #nonce(ad: Uint8Array): Uint8Array {
    const nonce = new Uint8Array(12);
    if (this.#explicit) {
      nonce.set(this.iv);
      nonce.set(ad.subarray(0, 8), 4);
    } else {
      nonce.set(this.iv);
      for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] ?? 0) ^ (ad[i] ?? 0);
    }
    return nonce;
  }
}
