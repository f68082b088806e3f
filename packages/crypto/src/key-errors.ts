/** The errors of private and public key import, shared by keys.ts and encrypted-key.ts. */
import { TlsError } from '@tlskit/wire';

/** The key is well formed but of a kind we do not support: alert unsupported_certificate (43). */
export class UnsupportedKeyError extends TlsError {
  override name = 'UnsupportedKeyError';
  constructor(message: string) {
    super('ERR_UNSUPPORTED_KEY', 43, message);
  }
}

/** Codes of {@link PrivateKeyPassphraseError}, as node names the same failures (node:tls says ERR_OSSL_BAD_DECRYPT for a wrong passphrase). */
export type PrivateKeyPassphraseErrorCode = 'ERR_MISSING_PASSPHRASE' | 'ERR_OSSL_BAD_DECRYPT';

/**
 * An encrypted private key without a passphrase (`ERR_MISSING_PASSPHRASE`), or one the
 * passphrase does not open (`ERR_OSSL_BAD_DECRYPT`). A configuration error of the caller, never
 * caused by a peer; the alert (internal_error) is only there because every TlsError has one.
 */
export class PrivateKeyPassphraseError extends TlsError {
  override name = 'PrivateKeyPassphraseError';
  declare readonly code: PrivateKeyPassphraseErrorCode;
  constructor(code: PrivateKeyPassphraseErrorCode, message: string, options?: ErrorOptions) {
    super(code, 80, message, options);
  }
}
