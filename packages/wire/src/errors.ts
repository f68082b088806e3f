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

/**
 * A message the caller asked to encode breaks a length bound or a field range: a bug in the
 * caller, not the peer. Alert `internal_error` (80) if it ever reaches the engine.
 */
export class EncodeError extends TlsError {
  override name = 'EncodeError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_ENCODE', 80, message, options);
  }
}

/** A message or record that is not expected where it appears: alert `unexpected_message` (10). */
export class UnexpectedMessageError extends TlsError {
  override name = 'UnexpectedMessageError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_UNEXPECTED_MESSAGE', 10, message, options);
  }
}

/**
 * RFC 8446 section 4.2: an extension response the peer was never offered, or (RFC 5246
 * section 7.4.1.4) an unknown extension in a server message: alert `unsupported_extension` (110).
 */
export class UnsupportedExtensionError extends TlsError {
  override name = 'UnsupportedExtensionError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_UNSUPPORTED_EXTENSION', 110, message, options);
  }
}

/** A record longer than the protocol allows (RFC 8446 section 5.1): alert `record_overflow` (22). */
export class RecordOverflowError extends TlsError {
  override name = 'RecordOverflowError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_RECORD_OVERFLOW', 22, message, options);
  }
}
