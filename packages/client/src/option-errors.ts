/**
 * The error every option mistake throws, at once and before any I/O: `connect()`,
 * `connectStreams()`, `createServer()` and `createSecureContext()` alike (issue 13). node:tls
 * throws `TypeError`s with a `code` for bad options; so do we, with node's code where node has
 * one for the same mistake.
 */
import { isTlsError } from '@tlskit/wire';

/**
 * Codes of {@link TlsOptionError}. Besides these, an error from reading a PEM or key input keeps
 * the code of its cause (`ERR_CERT_MALFORMED`, `ERR_PEM_NO_CERTIFICATE`, `ERR_DECODE`,
 * `ERR_UNSUPPORTED_KEY`, `ERR_MISSING_PASSPHRASE`, `ERR_OSSL_BAD_DECRYPT`).
 */
export type TlsOptionErrorCode =
  /** An option of the wrong type (node's code). */
  | 'ERR_INVALID_ARG_TYPE'
  /** An option whose value is not allowed (node's code). */
  | 'ERR_INVALID_ARG_VALUE'
  /** `minVersion`/`maxVersion` not 'TLSv1.2' or 'TLSv1.3', or min above max (node's code). */
  | 'ERR_TLS_INVALID_PROTOCOL_VERSION'
  /** A node:tls option tlskit does not implement; the message names the alternative. */
  | 'ERR_TLS_UNSUPPORTED_OPTION'
  /** `key` is not the private key of the certificate in `cert` (node's code). */
  | 'ERR_OSSL_X509_KEY_VALUES_MISMATCH';

/** A mistake in the options, thrown synchronously; `option` names the option at fault. */
export class TlsOptionError extends TypeError {
  override name = 'TlsOptionError';
  /** Stable code to switch on (see {@link TlsOptionErrorCode}). */
  readonly code: string;
  /** The option at fault, e.g. `key`, `ca`, `minVersion`. */
  readonly option: string;

  constructor(
    code: TlsOptionErrorCode | (string & {}),
    option: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${option}: ${message}`, options);
    this.code = code;
    this.option = option;
  }
}

/**
 * Runs `read` (which parses an option's PEM, DER or key) and turns a typed failure into a
 * {@link TlsOptionError} for `option` that keeps the cause's code; anything else is a bug and
 * passes through.
 */
export function readOption<T>(option: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof TlsOptionError) throw error;
    if (isTlsError(error))
      throw new TlsOptionError(error.code, option, error.message, { cause: error });
    throw error;
  }
}
