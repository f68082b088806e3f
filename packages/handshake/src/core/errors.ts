import { AlertDescription, TlsError } from '@tlskit/wire';

/**
 * The handshake engine's errors. Each is a {@link TlsError}: a stable `code` and the alert the
 * engine sends for it. Codec errors (`ERR_DECODE`, `ERR_ILLEGAL_PARAMETER`, ...) come from
 * `@tlskit/wire`, record errors from `@tlskit/record`.
 */

/** A message the current state does not expect (RFC 8446 section 6.2): unexpected_message. */
export function unexpected(message: string): TlsError {
  return new TlsError('ERR_UNEXPECTED_MESSAGE', AlertDescription.unexpectedMessage, message);
}

/** The handshake cannot proceed: handshake_failure. */
export function handshakeFailure(message: string): TlsError {
  return new TlsError('ERR_HANDSHAKE_FAILURE', AlertDescription.handshakeFailure, message);
}

/**
 * Nothing of one kind in common with the peer: handshake_failure, under the code that says
 * what (a user diagnosing a failed handshake needs to know which list to fix).
 */
export function nothingShared(
  code: 'ERR_NO_SHARED_CIPHER' | 'ERR_NO_SHARED_GROUP' | 'ERR_NO_SHARED_SIGNATURE_SCHEME',
  message: string,
): TlsError {
  return new TlsError(code, AlertDescription.handshakeFailure, message);
}

/** A value that parses but breaks a rule: illegal_parameter. */
export function illegalParameter(message: string): TlsError {
  return new TlsError('ERR_ILLEGAL_PARAMETER', AlertDescription.illegalParameter, message);
}

/** A Finished, binder or signature that does not verify: decrypt_error. */
export function decryptError(message: string): TlsError {
  return new TlsError('ERR_DECRYPT', AlertDescription.decryptError, message);
}

/** A required extension is missing (RFC 8446 section 9.2): missing_extension. */
export function missingExtension(message: string): TlsError {
  return new TlsError('ERR_MISSING_EXTENSION', AlertDescription.missingExtension, message);
}

/** No common protocol version: protocol_version. */
export function protocolVersion(message: string): TlsError {
  return new TlsError('ERR_PROTOCOL_VERSION', AlertDescription.protocolVersion, message);
}

/** RFC 8446 4.1.3 downgrade sentinel in a TLS 1.3-capable client's view: illegal_parameter. */
export function downgrade(message: string): TlsError {
  return new TlsError('ERR_DOWNGRADE', AlertDescription.illegalParameter, message);
}

/** RFC 7301 3.2: ALPN offered by both sides without overlap: no_application_protocol. */
export function noApplicationProtocol(message: string): TlsError {
  return new TlsError(
    'ERR_NO_APPLICATION_PROTOCOL',
    AlertDescription.noApplicationProtocol,
    message,
  );
}

/**
 * The peer sent no certificate where one is required: `ERR_CERTIFICATE_REQUIRED` whatever the
 * version, with the alert the RFC names: certificate_required for a TLS 1.3 client (RFC 8446
 * 4.4.2.4), handshake_failure for a TLS 1.2 client (RFC 5246 7.4.6), decode_error for a TLS 1.3
 * server (RFC 8446 4.4.2.4).
 */
export function certificateRequired(
  message: string,
  alert: number = AlertDescription.certificateRequired,
): TlsError {
  return new TlsError('ERR_CERTIFICATE_REQUIRED', alert, message);
}

/** A certificate we cannot use (bad structure, wrong key type for the scheme): bad_certificate. */
export function badCertificate(message: string): TlsError {
  return new TlsError('ERR_BAD_CERTIFICATE', AlertDescription.badCertificate, message);
}

/** Our own bug or a provider failure: internal_error. */
export function internalError(message: string, cause?: unknown): TlsError {
  return new TlsError('ERR_INTERNAL', AlertDescription.internalError, message, { cause });
}

/** The peer ended the connection with a fatal alert. No alert is sent back (RFC 8446 6.2). */
export class PeerAlertError extends TlsError {
  override name = 'PeerAlertError';
  /** The AlertDescription the peer sent. */
  readonly description: number;
  constructor(description: number, name: string) {
    super('ERR_PEER_ALERT', description, `peer sent fatal alert ${name} (${description})`);
    this.description = description;
  }
}

/** A caller used the connection in a state that does not allow it (not a peer error). */
export class ConnectionStateError extends TlsError {
  override name = 'ConnectionStateError';
  constructor(code: 'ERR_NOT_CONNECTED' | 'ERR_CLOSED' | 'ERR_NOT_SUPPORTED', message: string) {
    super(code, AlertDescription.internalError, message);
  }
}

/** RFC 7507: TLS_FALLBACK_SCSV below our highest version: inappropriate_fallback. */
export function inappropriateFallback(message: string): TlsError {
  return new TlsError(
    'ERR_INAPPROPRIATE_FALLBACK',
    AlertDescription.inappropriateFallback,
    message,
  );
}

/**
 * The server rejected the client's Encrypted ClientHello (RFC 9849 6.1.6): the handshake with
 * ClientHelloOuter authenticated the server for the configuration's public name and then ended
 * with ech_required. `retryConfigs` is the ECHConfigList the server sent to retry with (use it
 * as `echConfigList` of a new connection), undefined when it sent none.
 */
export class EchRejectedError extends TlsError {
  override name = 'EchRejectedError';
  constructor(
    message: string,
    readonly retryConfigs: Uint8Array | undefined,
  ) {
    super('ERR_ECH_REJECTED', AlertDescription.echRequired, message);
  }
}
