import { TlsError } from '@tlskit/wire';

/**
 * Record-layer failures not already in @tlskit/wire (which has RecordOverflowError,
 * UnexpectedMessageError and DecodeError). Each is a {@link TlsError}: the `code` is stable and the
 * `alert` is the AlertDescription the engine sends before closing (RFC 8446 section 6.2).
 */

/**
 * A protected record does not authenticate: alert `bad_record_mac` (20). The message is the same
 * for every cause on purpose (RFC 8446 section 5.2: "deprotection failed"), so that nothing about
 * the failure leaks to whoever reads logs or error strings.
 */
export class BadRecordMacError extends TlsError {
  override name = 'BadRecordMacError';
  constructor(options?: ErrorOptions) {
    super('ERR_BAD_RECORD_MAC', 20, 'record deprotection failed', options);
  }
}

/**
 * A sequence number would wrap (RFC 8446 section 5.3: rekey or terminate): alert
 * `internal_error` (80). Raised on the sending side when the caller did not rekey in time.
 */
export class SequenceExhaustedError extends TlsError {
  override name = 'SequenceExhaustedError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_SEQUENCE_EXHAUSTED', 80, message, options);
  }
}

/** A handshake message is longer than the reader's configured maximum: alert `illegal_parameter` (47). */
export class HandshakeMessageTooLargeError extends TlsError {
  override name = 'HandshakeMessageTooLargeError';
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_HANDSHAKE_MESSAGE_TOO_LARGE', 47, message, options);
  }
}

/** What a non-TLS peer's first bytes look like, where they say (see {@link NotTlsError}). */
export type NotTlsGuess = 'http-request' | 'http-proxy-request';

/**
 * The peer's first bytes are not a TLS record header (an HTTP request or response, an SSH
 * banner, ...): the peer does not speak TLS. Code `ERR_NOT_TLS`, alert `unexpected_message` (10),
 * which a non-TLS peer will not read anyway. node:tls reports the same case as OpenSSL's
 * `ERR_SSL_HTTP_REQUEST` or `ERR_SSL_WRONG_VERSION_NUMBER`; `looksLike` tells the HTTP cases
 * apart the same way (OpenSSL's `http request` and `https proxy request`), from the bytes that
 * had arrived when the error was raised.
 */
export class NotTlsError extends TlsError {
  override name = 'NotTlsError';
  /**
   * `http-request` when the bytes start with an HTTP method (a plain-HTTP client on a TLS port),
   * `http-proxy-request` for `CONNECT` (a client that takes this port for an HTTP proxy);
   * undefined otherwise.
   */
  readonly looksLike: NotTlsGuess | undefined;
  constructor(firstBytes: Uint8Array) {
    const looksLike = guess(firstBytes);
    const hint =
      looksLike === 'http-request'
        ? ': an HTTP request (a plain-HTTP client talking to a TLS port? it should use https://)'
        : looksLike === 'http-proxy-request'
          ? ': an HTTP CONNECT request (the client takes this TLS port for an HTTP proxy)'
          : '';
    super(
      'ERR_NOT_TLS',
      10,
      `the peer does not speak TLS: its first bytes ${describe(firstBytes)} are not a TLS record header${hint}`,
    );
    this.looksLike = looksLike;
  }
}

/** The methods OpenSSL and BoringSSL recognise in a TLS server's first bytes. */
const httpMethods = ['GET ', 'POST ', 'HEAD ', 'PUT '];

function guess(bytes: Uint8Array): NotTlsGuess | undefined {
  const text = String.fromCharCode(...bytes);
  if (text.startsWith('CONNECT ')) return 'http-proxy-request';
  return httpMethods.some((method) => text.startsWith(method)) ? 'http-request' : undefined;
}

/** Hex, and the text when every byte is printable ASCII (what an HTTP or SSH peer sends). */
function describe(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? `${hex} (${JSON.stringify(String.fromCharCode(...bytes))})` : hex;
}
