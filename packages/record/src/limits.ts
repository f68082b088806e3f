/**
 * Record size limits. TLS 1.3: RFC 8446 section 5.1/5.2; TLS 1.2: RFC 5246 section 6.2;
 * record_size_limit: RFC 8449.
 */

/** Largest TLSPlaintext.fragment (both versions): 2^14. */
export const maxPlaintextLength = 16_384;

/** Largest TLS 1.3 TLSCiphertext.encrypted_record: 2^14 + 256 (RFC 8446 section 5.2). */
export const maxTls13CiphertextLength = 16_384 + 256;

/** Largest TLS 1.2 TLSCiphertext.fragment: 2^14 + 2048 (RFC 5246 section 6.2.3). */
export const maxTls12CiphertextLength = 16_384 + 2048;

/** Smallest record_size_limit a peer may advertise (RFC 8449 section 4). */
export const minRecordSizeLimit = 64;

/** AEAD tag length of every TLS AEAD (AES-GCM, ChaCha20-Poly1305). */
export const aeadTagLength = 16;

/** Bytes in a record header: type(1) || legacy_record_version(2) || length(2). */
export const recordHeaderLength = 5;

/** Checks a record_size_limit value and returns it; callers pass what they negotiated. */
export function checkRecordSizeLimit(limit: number, innerOverhead: number): number {
  // RFC 8449 section 4: at least 64; at most 2^14 (+1 in TLS 1.3 for the content type byte).
  const max = maxPlaintextLength + innerOverhead;
  if (!Number.isInteger(limit) || limit < minRecordSizeLimit) {
    throw new RangeError(
      `recordSizeLimit must be an integer >= ${minRecordSizeLimit}, got ${limit}`,
    );
  }
  return Math.min(limit, max);
}
