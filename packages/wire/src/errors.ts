/**
 * Every stable `code` a {@link TlsError} carries, whichever package throws it. Callers switch on
 * it; a new code is added here, so that the list stays the one place that documents them.
 */
export type TlsErrorCode =
  /** Bytes that do not parse (decode_error). */
  | 'ERR_DECODE'
  /** The peer's first bytes are not a TLS record (an HTTP request, ...): it does not speak TLS. */
  | 'ERR_NOT_TLS'
  /** A value that parses but breaks a rule (illegal_parameter). */
  | 'ERR_ILLEGAL_PARAMETER'
  /** A message or record where none of its kind may appear (unexpected_message). */
  | 'ERR_UNEXPECTED_MESSAGE'
  /** An extension the peer was not offered, or may not send (unsupported_extension). */
  | 'ERR_UNSUPPORTED_EXTENSION'
  /** A required extension is absent (missing_extension). */
  | 'ERR_MISSING_EXTENSION'
  /** A record or plaintext longer than allowed (record_overflow). */
  | 'ERR_RECORD_OVERFLOW'
  /** A handshake message longer than the reassembly limit (handshake_failure / decode_error). */
  | 'ERR_HANDSHAKE_MESSAGE_TOO_LARGE'
  /** A record that fails to decrypt or authenticate (bad_record_mac). */
  | 'ERR_BAD_RECORD_MAC'
  /** The sequence number would wrap (RFC 8446 5.3): the connection must end. */
  | 'ERR_SEQUENCE_EXHAUSTED'
  /** A Finished that does not verify (decrypt_error). */
  | 'ERR_BAD_FINISHED'
  /** A signature or binder that does not verify (decrypt_error). */
  | 'ERR_DECRYPT'
  /**
   * The handshake cannot proceed (handshake_failure). Where the cause is that the two sides
   * share nothing of one kind, the finer codes below name which.
   */
  | 'ERR_HANDSHAKE_FAILURE'
  /** No cipher suite in common (handshake_failure; TLS 1.2: none our certificates can serve). */
  | 'ERR_NO_SHARED_CIPHER'
  /** No key exchange group in common (handshake_failure). */
  | 'ERR_NO_SHARED_GROUP'
  /** No signature scheme in common that our certificate's key can sign with (handshake_failure). */
  | 'ERR_NO_SHARED_SIGNATURE_SCHEME'
  /** The peer offers no version we speak, or a forbidden legacy_version (protocol_version). */
  | 'ERR_PROTOCOL_VERSION'
  /** A downgrade sentinel in ServerHello.random (RFC 8446 4.1.3; illegal_parameter). */
  | 'ERR_DOWNGRADE'
  /** TLS_FALLBACK_SCSV from a client that could have done better (inappropriate_fallback). */
  | 'ERR_INAPPROPRIATE_FALLBACK'
  /** No ALPN protocol in common (no_application_protocol). */
  | 'ERR_NO_APPLICATION_PROTOCOL'
  /**
   * The server did not accept the client's Encrypted ClientHello (ech_required, RFC 9849
   * 6.1.6); the handshake's `EchRejectedError` carries the retry configurations it sent.
   */
  | 'ERR_ECH_REJECTED'
  /**
   * The peer sent no certificate where one is required: a client the server requires one of
   * (certificate_required; handshake_failure in TLS 1.2), or a TLS 1.3 server's empty
   * Certificate (decode_error).
   */
  | 'ERR_CERTIFICATE_REQUIRED'
  /** A certificate message that is not acceptable (bad_certificate). */
  | 'ERR_BAD_CERTIFICATE'
  /**
   * RFC 8879 section 4: a CompressedCertificate whose algorithm we did not offer
   * (bad_certificate: it cannot be decompressed).
   */
  | 'ERR_UNKNOWN_COMPRESSION_ALGORITHM'
  /**
   * RFC 8879 section 4: a CompressedCertificate that does not decompress, or not to its
   * uncompressed_length (bad_certificate).
   */
  | 'ERR_DECOMPRESSION_FAILED'
  /**
   * RFC 8879 section 4: a CompressedCertificate whose uncompressed_length is above the limit,
   * refused before decompressing (bad_certificate).
   */
  | 'ERR_DECOMPRESSED_TOO_LARGE'
  /** A certificate of a type or key we cannot use (unsupported_certificate). */
  | 'ERR_UNSUPPORTED_CERTIFICATE'
  /** A key tlskit cannot use (an option or a certificate's key). */
  | 'ERR_UNSUPPORTED_KEY'
  /** An encrypted private key given without `passphrase` (a caller error; node's code). */
  | 'ERR_MISSING_PASSPHRASE'
  /** The `passphrase` does not open the encrypted private key (node:tls's code). */
  | 'ERR_OSSL_BAD_DECRYPT'
  /**
   * The peer closed TCP before the handshake completed. node's code and message for the same
   * event ("Client network socket disconnected before secure TLS connection was established").
   */
  | 'ECONNRESET'
  /**
   * An OCSP staple that cannot be relied on (alert bad_certificate_status_response):
   * `@tlskit/x509`'s `OcspError` documents each (`ERR_OCSP_EXPIRED`, `ERR_OCSP_BAD_SIGNATURE`,
   * ...); `ERR_OCSP_MISSING` when a staple was required and none came.
   */
  | `ERR_OCSP_${string}`
  /** PEM text (a trust store, `ca`, `cert`) that holds no certificate at all. */
  | 'ERR_PEM_NO_CERTIFICATE'
  /** The peer ended the connection with a fatal alert; `alert` is the peer's. */
  | 'ERR_PEER_ALERT'
  /** A message the caller asked to encode breaks a bound: a bug in the caller (internal_error). */
  | 'ERR_ENCODE'
  /** A failure inside tlskit, never the peer's (internal_error). */
  | 'ERR_INTERNAL'
  /** The client's `clientCertCallback` failed with an error that is not a TlsError (internal_error). */
  | 'ERR_CLIENT_CERT_CALLBACK'
  /** An operation before the handshake completed (caller error, nothing is sent). */
  | 'ERR_NOT_CONNECTED'
  /** An operation after close (caller error, nothing is sent). */
  | 'ERR_CLOSED'
  /** An operation the negotiated version lacks, such as KeyUpdate in TLS 1.2 (caller error). */
  | 'ERR_NOT_SUPPORTED'
  /**
   * Certificate validation: `@tlskit/x509`'s `CertificateErrorCode` lists and documents each
   * (`ERR_CERT_EXPIRED`, `ERR_CERT_UNKNOWN_ISSUER`, ...); this package cannot import it.
   */
  | `ERR_CERT_${string}`;

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
  readonly code: TlsErrorCode;
  /** The AlertDescription code point to send to the peer (e.g. 50 = decode_error). */
  readonly alert: number;

  constructor(code: TlsErrorCode, alert: number, message: string, options?: ErrorOptions) {
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
