/**
 * Finished messages (RFC 8446 section 4.4.4) and the check of a received one.
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { TlsError } from '@tlskit/wire';
import { checkBytes } from './bytes.js';
import { constantTimeEqual } from './constant-time.js';
import { hashLength, hkdfExpandLabel } from './hkdf-label.js';

/**
 * A Finished (or PSK binder) value that does not match what the transcript gives: alert
 * `decrypt_error` (51), as RFC 8446 section 4.4.4 and RFC 5246 section 7.4.9 require.
 * Code `ERR_BAD_FINISHED`.
 */
export class BadFinishedError extends TlsError {
  override name = 'BadFinishedError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_BAD_FINISHED', 51, message, options);
  }
}

/**
 * finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length), where BaseKey is the
 * sender's handshake traffic secret (or, after the handshake, its application traffic secret
 * for post-handshake authentication; or a PSK binder key).
 */
export function finishedKey(
  provider: CryptoProvider,
  hash: HashName,
  baseKey: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(provider, hash, baseKey, 'finished', new Uint8Array(0), hashLength(hash));
}

/**
 * verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*,
 * CertificateVerify*)) (RFC 8446 section 4.4.4).
 */
export function finishedVerifyData(
  provider: CryptoProvider,
  hash: HashName,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  checkBytes('transcriptHash', transcriptHash, hashLength(hash));
  return provider.hmac(hash, finishedKey(provider, hash, baseKey), transcriptHash);
}

/**
 * Compares a received Finished verify_data (or PSK binder) with the expected value in constant
 * time. Throws {@link BadFinishedError} (`decrypt_error`) when they differ; returns nothing
 * otherwise.
 *
 * @param what - names the value in the error message, e.g. `"server Finished"`.
 */
export function checkFinished(what: string, expected: Uint8Array, received: Uint8Array): void {
  if (!constantTimeEqual(expected, received)) {
    throw new BadFinishedError(`${what} verify_data does not match the transcript`);
  }
}
