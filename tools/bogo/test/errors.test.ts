import { OptionsError, PeerAlertError } from '@tlskit/handshake';
import { AlertDescription, DecodeError, TlsError, type TlsErrorCode } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { errorReport, errorString } from '../src/errors.js';

describe('errorString', () => {
  it('maps tlskit codes to BoringSSL error strings', () => {
    expect(errorString(new DecodeError('short'))).toBe(':DECODE_ERROR:');
    expect(errorString(new TlsError('ERR_BAD_RECORD_MAC', 20, 'x'))).toBe(
      ':DECRYPTION_FAILED_OR_BAD_RECORD_MAC:',
    );
    expect(errorString(new TlsError('ERR_UNEXPECTED_MESSAGE', 10, 'x'))).toBe(
      ':UNEXPECTED_MESSAGE:',
    );
    expect(errorString(new TlsError('ERR_CERT_EXPIRED', 45, 'x'))).toBe(
      ':CERTIFICATE_VERIFY_FAILED:',
    );
    // A peer that does not speak TLS, told apart by its first bytes (@tlskit/record's
    // NotTlsError.looksLike) as BoringSSL does.
    const notTls = (looksLike?: string) =>
      Object.assign(new TlsError('ERR_NOT_TLS', 10, 'x'), { looksLike });
    expect(errorString(notTls('http-request'))).toBe(':HTTP_REQUEST:');
    expect(errorString(notTls('http-proxy-request'))).toBe(':HTTPS_PROXY_REQUEST:');
    expect(errorString(notTls())).toBe(':WRONG_VERSION_NUMBER:');
    // The one certificate check the shim's accept-all verifier does not replace.
    expect(errorString(new TlsError('ERR_CERT_KEY_USAGE', 43, 'x'))).toBe(
      ':KEY_USAGE_BIT_INCORRECT:',
    ); // What the two sides did not share, as BoringSSL names it.
    expect(errorString(new TlsError('ERR_NO_SHARED_CIPHER', 40, 'x'))).toBe(':NO_SHARED_CIPHER:');
    expect(errorString(new TlsError('ERR_NO_SHARED_SIGNATURE_SCHEME', 40, 'x'))).toBe(
      ':NO_COMMON_SIGNATURE_ALGORITHMS:',
    );
    // handshake's verifyOcspStaple wraps the shim's client OCSP callback failure in this code.
    expect(errorString(new TlsError('ERR_OCSP_REJECTED', 113, 'x'))).toBe(':OCSP_CB_ERROR:');
  });

  it('names a fatal alert from the peer as BoringSSL does', () => {
    const alert = new PeerAlertError(AlertDescription.handshakeFailure, 'handshake_failure');
    expect(errorString(alert)).toBe(':SSLV3_ALERT_HANDSHAKE_FAILURE:');
    expect(errorString(new PeerAlertError(70, 'protocol_version'))).toBe(
      ':TLSV1_ALERT_PROTOCOL_VERSION:',
    );
    expect(errorString(new PeerAlertError(200, 'unknown'))).toBe(':UNKNOWN_ALERT_TYPE:');
  });

  it('names a configuration tlskit refuses at creation', () => {
    expect(errorString(new OptionsError('signedCertificateTimestamps is not an SCT list'))).toBe(
      ':BAD_OPTIONS:',
    );
  });

  it('names an unmapped code after the code, and anything else as internal', () => {
    // A code newer than the shim's map (the union forbids it at compile time; a stale build may not).
    const unknown = 'ERR_SOMETHING_NEW' as TlsErrorCode;
    expect(errorString(new TlsError(unknown, 80, 'x'))).toBe(':SOMETHING_NEW:');
    expect(errorString(new Error('bug'))).toBe(':INTERNAL_ERROR:');
  });

  it('reports the string first, then tlskit code and message', () => {
    expect(errorReport(new DecodeError('short ServerHello'))).toBe(
      ':DECODE_ERROR:\ntlskit: ERR_DECODE: short ServerHello\n',
    );
  });
});
