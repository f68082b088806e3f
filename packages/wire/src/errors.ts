/**
 * The one error family of tlskit (see docs/architecture.md).
 *
 * Every failure caused by the peer is a {@link TlsError}: a stable string `code` that callers
 * can switch on, and the alert description (RFC 8446 section 6) the engine sends for it.
 * Messages name the field and the rule that was broken; they never contain secret bytes.
 */
export class TlsError extends Error {
  override name = 'TlsError';
  /** Stable, documented identifier, e.g. `ERR_DECODE`, `ERR_BAD_RECORD_MAC`, `ERR_CERT_EXPIRED`. */
  readonly code: string;
  /** The AlertDescription code point to send to the peer (e.g. 50 = decode_error). */
  readonly alert: number;

  constructor(code: string, alert: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.alert = alert;
  }
}

/** Bytes that do not parse as the presentation language says: alert `decode_error` (50). */
export class DecodeError extends TlsError {
  override name = 'DecodeError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_DECODE', 50, message, options);
  }
}

/** Bytes that parse but carry a value a rule forbids: alert `illegal_parameter` (47). */
export class IllegalParameterError extends TlsError {
  override name = 'IllegalParameterError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_ILLEGAL_PARAMETER', 47, message, options);
  }
}

/** True for any error of the tlskit family, whichever package threw it. */
export function isTlsError(error: unknown): error is TlsError {
  return error instanceof TlsError;
}
