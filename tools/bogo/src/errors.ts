/**
 * tlskit errors as BoringSSL error strings. The runner checks that the shim's stderr contains
 * the string a test expects (`:NO_SHARED_CIPHER:` and so on), or its translation from the
 * config's ErrorMap. tlskit's codes are coarser than BoringSSL's reasons (one
 * `ERR_ILLEGAL_PARAMETER` for every value that breaks a rule), so a code maps to one string,
 * and config.json's ErrorMap sends BoringSSL's finer reasons to it.
 */
import { OptionsError } from '@tlskit/handshake';
import { isTlsError } from '@tlskit/wire';
import { CertCallbackFailed } from './client-cert.js';
import { CallbackRefusal } from './callbacks.js';

/** tlskit error code to the string printed for it. */
export const codeStrings: Readonly<Record<string, string>> = {
  ERR_DECODE: ':DECODE_ERROR:',
  ERR_UNEXPECTED_MESSAGE: ':UNEXPECTED_MESSAGE:',
  ERR_ILLEGAL_PARAMETER: ':ILLEGAL_PARAMETER:',
  ERR_HANDSHAKE_FAILURE: ':HANDSHAKE_FAILURE:',
  ERR_NO_SHARED_CIPHER: ':NO_SHARED_CIPHER:',
  ERR_NO_SHARED_GROUP: ':NO_SHARED_GROUP:',
  ERR_NO_SHARED_SIGNATURE_SCHEME: ':NO_COMMON_SIGNATURE_ALGORITHMS:',
  ERR_DECRYPT: ':DECRYPT_ERROR:',
  ERR_BAD_FINISHED: ':DIGEST_CHECK_FAILED:',
  ERR_BAD_RECORD_MAC: ':DECRYPTION_FAILED_OR_BAD_RECORD_MAC:',
  ERR_RECORD_OVERFLOW: ':RECORD_OVERFLOW:',
  ERR_HANDSHAKE_MESSAGE_TOO_LARGE: ':EXCESSIVE_MESSAGE_SIZE:',
  ERR_MISSING_EXTENSION: ':MISSING_EXTENSION:',
  ERR_UNSUPPORTED_EXTENSION: ':UNEXPECTED_EXTENSION:',
  ERR_PROTOCOL_VERSION: ':UNSUPPORTED_PROTOCOL:',
  ERR_DOWNGRADE: ':TLS13_DOWNGRADE:',
  ERR_NO_APPLICATION_PROTOCOL: ':NO_APPLICATION_PROTOCOL:',
  ERR_ECH_REJECTED: ':ECH_REJECTED:',
  ERR_CERTIFICATE_REQUIRED: ':PEER_DID_NOT_RETURN_A_CERTIFICATE:',
  ERR_BAD_CERTIFICATE: ':BAD_CERTIFICATE:',
  ERR_UNSUPPORTED_CERTIFICATE: ':UNKNOWN_CERTIFICATE_TYPE:',
  ERR_INAPPROPRIATE_FALLBACK: ':INAPPROPRIATE_FALLBACK:',
  ERR_UNKNOWN_COMPRESSION_ALGORITHM: ':UNKNOWN_CERT_COMPRESSION_ALG:',
  ERR_DECOMPRESSION_FAILED: ':CERT_DECOMPRESSION_FAILED:',
  ERR_DECOMPRESSED_TOO_LARGE: ':UNCOMPRESSED_CERT_TOO_LARGE:',
  ERR_INTERNAL: ':INTERNAL_ERROR:',
  // A caller asked too early (e.g. for the exporter while 0-RTT is in flight).
  ERR_NOT_CONNECTED: ':HANDSHAKE_NOT_COMPLETE:',
  ERR_SEQUENCE_EXHAUSTED: ':INTERNAL_ERROR:',
  ERR_CERT_REJECTED: ':CERTIFICATE_VERIFY_FAILED:',
  ERR_CERT_KEY_USAGE: ':KEY_USAGE_BIT_INCORRECT:',
  // The OCSP callback refused the staple (client) or failed (server).
  ERR_OCSP_REJECTED: ':OCSP_CB_ERROR:',
  ERR_OCSP_CALLBACK: ':OCSP_CB_ERROR:',
  ERR_CLIENT_CERT_CALLBACK: ':CERT_CB_ERROR:',
};

/**
 * BoringSSL's reason for a fatal alert from the peer (ssl.h's SSL_R_SSLV3_ALERT_* and
 * SSL_R_TLSV1_ALERT_*; the SSLv3 prefix marks the alerts SSL 3.0 already had).
 */
export const peerAlertStrings: Readonly<Record<number, string>> = {
  0: ':SSLV3_ALERT_CLOSE_NOTIFY:',
  10: ':SSLV3_ALERT_UNEXPECTED_MESSAGE:',
  20: ':SSLV3_ALERT_BAD_RECORD_MAC:',
  21: ':TLSV1_ALERT_DECRYPTION_FAILED:',
  22: ':TLSV1_ALERT_RECORD_OVERFLOW:',
  30: ':SSLV3_ALERT_DECOMPRESSION_FAILURE:',
  40: ':SSLV3_ALERT_HANDSHAKE_FAILURE:',
  41: ':SSLV3_ALERT_NO_CERTIFICATE:',
  42: ':SSLV3_ALERT_BAD_CERTIFICATE:',
  43: ':SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:',
  44: ':SSLV3_ALERT_CERTIFICATE_REVOKED:',
  45: ':SSLV3_ALERT_CERTIFICATE_EXPIRED:',
  46: ':SSLV3_ALERT_CERTIFICATE_UNKNOWN:',
  47: ':SSLV3_ALERT_ILLEGAL_PARAMETER:',
  48: ':TLSV1_ALERT_UNKNOWN_CA:',
  49: ':TLSV1_ALERT_ACCESS_DENIED:',
  50: ':TLSV1_ALERT_DECODE_ERROR:',
  51: ':TLSV1_ALERT_DECRYPT_ERROR:',
  60: ':TLSV1_ALERT_EXPORT_RESTRICTION:',
  70: ':TLSV1_ALERT_PROTOCOL_VERSION:',
  71: ':TLSV1_ALERT_INSUFFICIENT_SECURITY:',
  80: ':TLSV1_ALERT_INTERNAL_ERROR:',
  86: ':TLSV1_ALERT_INAPPROPRIATE_FALLBACK:',
  90: ':TLSV1_ALERT_USER_CANCELLED:',
  100: ':TLSV1_ALERT_NO_RENEGOTIATION:',
  109: ':TLSV1_ALERT_MISSING_EXTENSION:',
  110: ':TLSV1_ALERT_UNSUPPORTED_EXTENSION:',
  111: ':TLSV1_ALERT_CERTIFICATE_UNOBTAINABLE:',
  112: ':TLSV1_ALERT_UNRECOGNIZED_NAME:',
  113: ':TLSV1_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE:',
  114: ':TLSV1_ALERT_BAD_CERTIFICATE_HASH_VALUE:',
  115: ':TLSV1_ALERT_UNKNOWN_PSK_IDENTITY:',
  116: ':TLSV1_ALERT_CERTIFICATE_REQUIRED:',
  120: ':TLSV1_ALERT_NO_APPLICATION_PROTOCOL:',
  121: ':TLSV1_ALERT_ECH_REQUIRED:',
};

/** The BoringSSL-style string for an error that ended a connection. */
export function errorString(error: unknown): string {
  // A shim callback's refusal carries BoringSSL's string for it.
  if (error instanceof CallbackRefusal) return error.reason;
  // tlskit refuses a bad configuration (an SCT list that does not parse...) at creation.
  if (error instanceof OptionsError) return ':BAD_OPTIONS:';
  if (!isTlsError(error)) return ':INTERNAL_ERROR:';
  // The server's cert_cb is tlskit's chooseConfig, whose failures are all ERR_INTERNAL.
  if (error.cause instanceof CertCallbackFailed) return ':CERT_CB_ERROR:';
  if (error.code === 'ERR_PEER_ALERT') {
    return peerAlertStrings[error.alert] ?? ':UNKNOWN_ALERT_TYPE:';
  }
  if (error.code === 'ERR_NOT_TLS') return notTlsString(error);
  if (error.code === 'ERR_CERT_KEY_USAGE') return codeStrings.ERR_CERT_KEY_USAGE!;
  if (error.code.startsWith('ERR_CERT_')) return codeStrings.ERR_CERT_REJECTED!;
  return codeStrings[error.code] ?? `:${error.code.slice('ERR_'.length)}:`;
}

/**
 * A peer that does not speak TLS, named as BoringSSL names it from the same first bytes:
 * @tlskit/record's NotTlsError says whether they look like an HTTP request or a CONNECT.
 */
function notTlsString(error: object): string {
  const looksLike = 'looksLike' in error ? error.looksLike : undefined;
  if (looksLike === 'http-request') return ':HTTP_REQUEST:';
  if (looksLike === 'http-proxy-request') return ':HTTPS_PROXY_REQUEST:';
  return ':WRONG_VERSION_NUMBER:';
}

/** What the shim writes to stderr for a failed connection: the string, then tlskit's words. */
export function errorReport(error: unknown): string {
  const detail = isTlsError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? (error.stack ?? error.message)
      : String(error);
  return `${errorString(error)}\ntlskit: ${detail}\n`;
}
