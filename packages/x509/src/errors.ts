import { TlsError } from '@tlskit/wire';

/** TLS AlertDescription code points used for certificate failures (RFC 8446 section 6.2). */
const alert = {
  badCertificate: 42,
  unsupportedCertificate: 43,
  certificateRevoked: 44,
  certificateExpired: 45,
  certificateUnknown: 46,
  unknownCa: 48,
} as const;

/**
 * Every stable code a {@link CertificateError} can carry, with the alert the handshake sends
 * for it. Callers switch on `error.code`; the alert is what goes on the wire.
 */
export const certificateErrorAlerts = {
  /** The DER does not parse, or breaks a structural rule of RFC 5280 section 4. */
  ERR_CERT_MALFORMED: alert.badCertificate,
  /** The validation time is after notAfter of a certificate in every candidate path. */
  ERR_CERT_EXPIRED: alert.certificateExpired,
  /** The validation time is before notBefore of a certificate in every candidate path. */
  ERR_CERT_NOT_YET_VALID: alert.certificateExpired,
  /** No path from the leaf reaches a trust anchor. */
  ERR_CERT_UNKNOWN_ISSUER: alert.unknownCa,
  /** The leaf does not carry the host name, IP address or mailbox that was asked for. */
  ERR_CERT_HOSTNAME_MISMATCH: alert.badCertificate,
  /** A signature in the path does not verify. */
  ERR_CERT_BAD_SIGNATURE: alert.badCertificate,
  /** A name in the path breaks a name constraint of an issuer (RFC 5280 section 4.2.1.10). */
  ERR_CERT_NAME_CONSTRAINTS: alert.badCertificate,
  /** More CA certificates follow an issuer than its pathLenConstraint allows, or the depth limit is hit. */
  ERR_CERT_PATH_LENGTH: alert.badCertificate,
  /** An issuer is not a CA (basicConstraints cA missing or keyCertSign not asserted). */
  ERR_CERT_NOT_CA: alert.badCertificate,
  /** keyUsage does not allow what the certificate is used for. */
  ERR_CERT_KEY_USAGE: alert.unsupportedCertificate,
  /** extKeyUsage does not include the requested purpose. */
  ERR_CERT_PURPOSE: alert.unsupportedCertificate,
  /** A critical extension this validator does not understand (RFC 5280 section 4.2). */
  ERR_CERT_UNKNOWN_CRITICAL_EXTENSION: alert.unsupportedCertificate,
  /** An extension is present in a form the profile forbids (criticality, placement, contents). */
  ERR_CERT_INVALID_EXTENSION: alert.badCertificate,
  /** A signature algorithm or public key the provider or the profile does not accept. */
  ERR_CERT_UNSUPPORTED_ALGORITHM: alert.unsupportedCertificate,
  /** RFC 5280 6.1 policy processing: a CA requires an explicit policy and the path has none. */
  ERR_CERT_POLICY: alert.badCertificate,
  /** A CRL passed by the caller lists the certificate. */
  ERR_CERT_REVOKED: alert.certificateRevoked,
  /** A CRL passed by the caller for a certificate in the path is itself invalid. */
  ERR_CERT_CRL_INVALID: alert.certificateUnknown,
  /** A CRL for a certificate in the path has a nextUpdate before the validation time (stale). */
  ERR_CERT_CRL_EXPIRED: alert.certificateUnknown,
  /** A CRL for a certificate in the path has a thisUpdate after the validation time. */
  ERR_CERT_CRL_NOT_YET_VALID: alert.certificateUnknown,
  /** Path building or name-constraint checking exceeded its work bound (hostile input). */
  ERR_CERT_WORK_LIMIT: alert.certificateUnknown,
  /**
   * PEM text given as certificates (a trust store, a chain) holds no CERTIFICATE block: a
   * configuration mistake, reported when the store or chain is built.
   */
  ERR_PEM_NO_CERTIFICATE: alert.certificateUnknown,
} as const;

/** A stable certificate error code. */
export type CertificateErrorCode = keyof typeof certificateErrorAlerts;

/**
 * A certificate validation failure. `code` is stable; `alert` is the TLS alert the handshake
 * sends for it (certificate_expired 45, unknown_ca 48, bad_certificate 42, ...).
 */
export class CertificateError extends TlsError {
  override name = 'CertificateError';
  declare readonly code: CertificateErrorCode;

  constructor(code: CertificateErrorCode, message: string, options?: ErrorOptions) {
    super(code, certificateErrorAlerts[code], message, options);
  }
}

/** Shorthand for the most common failure: bytes that are not a conforming certificate. */
export function malformed(message: string): CertificateError {
  return new CertificateError('ERR_CERT_MALFORMED', message);
}
