/**
 * Record size limits. TLS 1.3: RFC 8446 section 5.1/5.2; TLS 1.2: RFC 5246 section 6.2;
 * record_size_limit: RFC 8449. The version-independent ones come from @tlskit/wire and
 * @tlskit/crypto; the short local names keep the arithmetic below readable.
 */
import { AEAD_TAG_LENGTH } from '@tlskit/crypto';
import { MAX_PLAINTEXT_LENGTH, MAX_RECORD_LENGTH, RECORD_HEADER_LENGTH } from '@tlskit/wire';

/** Largest TLSPlaintext.fragment (both versions): 2^14. */
export const maxPlaintextLength = MAX_PLAINTEXT_LENGTH;

/** Largest TLS 1.3 TLSCiphertext.encrypted_record: 2^14 + 256 (RFC 8446 section 5.2). */
export const maxTls13CiphertextLength = 16_384 + 256;

/** Largest TLS 1.2 TLSCiphertext.fragment: 2^14 + 2048 (RFC 5246 section 6.2.3). */
export const maxTls12CiphertextLength = MAX_RECORD_LENGTH;

/**
 * Default largest handshake message body, in bytes: the largest ClientHello the presentation
 * language allows (RFC 8446 4.1.2; OpenSSL's CLIENT_HELLO_MAX_LENGTH): legacy_version (2), random
 * (32), legacy_session_id<0..32> (33), cipher_suites<2..2^16-2> (2 + 65534),
 * legacy_compression_methods<1..2^8-1> (256) and extensions<8..2^16-1> (2 + 65535). Every hello a
 * client can encode is therefore taken, and a peer still cannot make us buffer 16 MiB (the uint24
 * maximum). Real certificate chains are far below it.
 */
export const maxHandshakeMessageLength =
  2 + 32 + (1 + 32) + (2 + 0xfffe) + (1 + 0xff) + (2 + 0xffff);

/** Smallest record_size_limit a peer may advertise (RFC 8449 section 4). */
export const minRecordSizeLimit = 64;

/** AEAD tag length of every TLS AEAD (AES-GCM, ChaCha20-Poly1305). */
export const aeadTagLength = AEAD_TAG_LENGTH;

/** Bytes in a record header: type(1) || legacy_record_version(2) || length(2). */
export const recordHeaderLength = RECORD_HEADER_LENGTH;

/**
 * Checks a record_size_limit value (RFC 8449 section 4: at least 64) and clamps it to what the
 * protocol allows anyway: 2^14, plus `innerOverhead` (1 in TLS 1.3, the content type byte).
 * The engine validates the peer's extension first; a bad value here is a caller bug.
 */
export function checkRecordSizeLimit(limit: number, innerOverhead: number): number {
  if (!Number.isInteger(limit) || limit < minRecordSizeLimit) {
    throw new RangeError(
      `recordSizeLimit must be an integer >= ${minRecordSizeLimit}, got ${limit}`,
    );
  }
  return Math.min(limit, maxPlaintextLength + innerOverhead);
}
