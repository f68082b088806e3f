import { type Certificate, parseCertificate } from './certificate.js';
import { CertificateError } from './errors.js';
import { formatIp, isValidDnsName, isValidMailbox, parseIp } from './general-name.js';
import { equalBytes } from './der.js';

/** Options of host name matching. */
export interface HostnameOptions {
  /**
   * Returns true for a public suffix (`com`, `co.uk`, `s3.amazonaws.com`). A wildcard whose
   * remainder is a public suffix then never matches (CA/B Forum BR 3.2.2.6). Without it, only
   * single-label remainders (`*.com`) are refused.
   */
  readonly isPublicSuffix?: (domain: string) => boolean;
}

/**
 * The reference identifier as an A-label DNS name in lower case, or null when it is not a
 * valid host name. Internationalised names are converted with the WHATWG URL parser (UTS #46).
 */
function referenceDnsName(name: string): string | null {
  let host = name.endsWith('.') ? name.slice(0, -1) : name;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point
  if (/[^\x00-\x7f]/.test(host)) {
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      return null;
    }
  }
  host = host.toLowerCase();
  return isValidDnsName(host, false) ? host : null;
}

/**
 * RFC 9525 6.3 and CA/B Forum BR: exact match ignoring case, or a wildcard that is the whole
 * left-most label and stands for exactly one label; the remainder must not be a public suffix.
 */
function dnsMatches(presented: string, reference: string, options: HostnameOptions): boolean {
  const pattern = presented.toLowerCase();
  if (!isValidDnsName(pattern, true)) return false;
  if (pattern === reference) return true;
  if (!pattern.startsWith('*.')) return false;
  const remainder = pattern.slice(2);
  if (!remainder.includes('.')) return false;
  if (options.isPublicSuffix?.(remainder)) return false;
  const dot = reference.indexOf('.');
  return dot > 0 && reference.slice(dot + 1) === remainder;
}

function sans(certificate: Certificate) {
  return certificate.subjectAltNames ?? [];
}

/**
 * True when the certificate is valid for `name`: a DNS host name (matched against dNSName
 * SANs) or an IPv4/IPv6 literal (matched against iPAddress SANs). Only the subjectAltName is
 * consulted; the subject common name never is (RFC 9525 6.1).
 */
export function matchesHostname(
  certificate: Certificate,
  name: string,
  options: HostnameOptions = {},
): boolean {
  const ip = parseIp(name);
  if (ip !== null) return matchesIp(certificate, ip);
  const reference = referenceDnsName(name);
  if (reference === null) return false;
  return sans(certificate).some(
    (san) => san.kind === 'dns' && dnsMatches(san.value, reference, options),
  );
}

/** True when an iPAddress SAN holds exactly this address (4 or 16 bytes, or its text form). */
export function matchesIp(certificate: Certificate, address: Uint8Array | string): boolean {
  const bytes = typeof address === 'string' ? parseIp(address) : address;
  if (bytes === null) return false;
  return sans(certificate).some((san) => san.kind === 'ip' && equalBytes(san.bytes, bytes));
}

/** True when an rfc822Name SAN holds this mailbox: local part exact, domain ignoring case. */
export function matchesEmail(certificate: Certificate, mailbox: string): boolean {
  if (!isValidMailbox(mailbox)) return false;
  const at = mailbox.lastIndexOf('@');
  const local = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1).toLowerCase();
  return sans(certificate).some((san) => {
    if (san.kind !== 'email' || !isValidMailbox(san.value)) return false;
    const sanAt = san.value.lastIndexOf('@');
    return (
      san.value.slice(0, sanAt) === local && san.value.slice(sanAt + 1).toLowerCase() === domain
    );
  });
}

/**
 * The names a certificate is valid for, as node:tls prints `subjectaltname`
 * (`DNS:example.com, IP Address:192.0.2.1, email:a@example.com`), or a note that it has none.
 * Error messages carry it, so a person sees at once which name was expected.
 */
export function describeNames(certificate: Certificate): string {
  const names = sans(certificate).flatMap((san) => {
    if (san.kind === 'dns') return [`DNS:${san.value}`];
    if (san.kind === 'ip') return [`IP Address:${formatIp(san.bytes)}`];
    if (san.kind === 'email') return [`email:${san.value}`];
    if (san.kind === 'uri') return [`URI:${san.value}`];
    return [];
  });
  return names.length > 0
    ? `it is valid for ${names.join(', ')}`
    : 'it has no subjectAltName names (the subject CN is not used, RFC 9525)';
}

/** The host name mismatch error, naming what was asked for and what the certificate holds. */
export function hostnameMismatch(certificate: Certificate, what: string): CertificateError {
  return new CertificateError(
    'ERR_CERT_HOSTNAME_MISMATCH',
    `certificate is not valid for ${what}: ${describeNames(certificate)}`,
  );
}

/**
 * Throws ERR_CERT_HOSTNAME_MISMATCH unless the certificate (parsed, or DER) is valid for the
 * host name or IP literal `name` (see {@link matchesHostname}).
 */
export function verifyHostname(
  certificate: Certificate | Uint8Array,
  name: string,
  options: HostnameOptions = {},
): void {
  const parsed = certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate;
  if (!matchesHostname(parsed, name, options)) throw hostnameMismatch(parsed, JSON.stringify(name));
}
