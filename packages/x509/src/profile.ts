import { type Certificate, findExtension, keyUsageBit } from './certificate.js';
import { equalBytes } from './der.js';
import { CertificateError } from './errors.js';
import { formatIp, isValidDnsName, isValidMailbox } from './general-name.js';
import { checkConstraintSyntax } from './name-constraints.js';
import { attributeValues } from './name.js';
import { oids } from './oids.js';

/**
 * The rule set certificates are held to.
 * - `webpki` (default): RFC 5280 plus the CA/Browser Forum Baseline Requirements a TLS client
 *   relies on (keys, EKU in the leaf, no CA certificate as leaf, CN must repeat a SAN, ...).
 * - `rfc5280`: RFC 5280 alone, for non-web PKIs.
 */
export type Profile = 'webpki' | 'rfc5280';

/** Where a certificate sits in a candidate path. */
export interface Role {
  readonly position: 'leaf' | 'ca';
  readonly anchor: boolean;
}

function invalid(message: string): CertificateError {
  return new CertificateError('ERR_CERT_INVALID_EXTENSION', message);
}

function critical(certificate: Certificate, id: string): boolean | undefined {
  return findExtension(certificate, id)?.critical;
}

/** CA/B Forum BR 6.1.5 and 7.1.3.1: RSA of 2048+ bits (a multiple of 8), ECDSA on P-256/384/521. */
function checkWebPkiKey(certificate: Certificate): void {
  const key = certificate.publicKey;
  const ok =
    (key.algorithm === 'rsa' && key.bits !== undefined && key.bits >= 2048 && key.bits % 8 === 0) ||
    (key.algorithm === 'ec' &&
      (key.curve === 'P-256' || key.curve === 'P-384' || key.curve === 'P-521')) ||
    key.algorithm === 'ed25519';
  if (!ok) {
    const detail =
      key.algorithm === 'ec' ? `EC ${key.curve}` : `${key.algorithm} ${key.bits ?? ''}`.trim();
    throw new CertificateError(
      'ERR_CERT_UNSUPPORTED_ALGORITHM',
      `public key ${detail} is not allowed`,
    );
  }
}

function checkCommon(certificate: Certificate, role: Role, profile: Profile): void {
  // Version 3 for everything but a trust anchor (RFC 5280 6.1.1 (d) takes anchors as given).
  if (certificate.version !== 3 && !role.anchor) {
    throw new CertificateError(
      'ERR_CERT_MALFORMED',
      `certificate is v${certificate.version}, not v3`,
    );
  }
  // RFC 5280 4.1.2.2: positive, at most 20 octets. Anchors are exempt: several roots of the
  // Mozilla set predate the rule (serial 0).
  const serial = certificate.serialNumber;
  if (!role.anchor && serial.length > 20 + (serial[0] === 0 ? 1 : 0)) {
    throw new CertificateError('ERR_CERT_MALFORMED', 'serialNumber is longer than 20 octets');
  }
  if (!role.anchor && ((serial[0]! & 0x80) !== 0 || serial.every((b) => b === 0))) {
    throw new CertificateError('ERR_CERT_MALFORMED', 'serialNumber is not positive');
  }
  // RFC 5280 4.1.2.4: the issuer field MUST contain a non-empty distinguished name.
  if (certificate.issuer.rdns.length === 0)
    throw new CertificateError('ERR_CERT_MALFORMED', 'empty issuer name');
  if (certificate.unknownCriticalExtensions.length > 0) {
    throw new CertificateError(
      'ERR_CERT_UNKNOWN_CRITICAL_EXTENSION',
      `unknown critical extension ${certificate.unknownCriticalExtensions.join(', ')}`,
    );
  }
  // RFC 5280 4.2.1.1, 4.2.1.2, 4.2.2.1: AKI, SKI and AIA are never critical.
  for (const [id, label] of [
    [oids.authorityKeyIdentifier, 'authorityKeyIdentifier'],
    [oids.subjectKeyIdentifier, 'subjectKeyIdentifier'],
    [oids.authorityInfoAccess, 'authorityInfoAccess'],
  ] as const) {
    if (critical(certificate, id)) throw invalid(`${label} is marked critical`);
  }
  // RFC 5280 4.2.1.11: policyConstraints MUST be critical.
  if (critical(certificate, oids.policyConstraints) === false)
    throw invalid('policyConstraints is not critical');
  // RFC 5280 4.2.1.1: keyIdentifier MUST be present except in self-signed certificates. A
  // cross-signed anchor is held to this only under the rfc5280 profile: the Web PKI takes
  // anchors as configured.
  if (
    !certificate.selfIssued &&
    (!role.anchor || profile === 'rfc5280') &&
    certificate.authorityKeyIdentifier?.keyIdentifier === undefined
  ) {
    throw invalid('authorityKeyIdentifier with keyIdentifier is missing');
  }
  const bc = certificate.basicConstraints;
  const ku = certificate.keyUsage;
  // RFC 5280 4.2.1.9 / 4.2.1.3: keyCertSign only with cA, pathLenConstraint only with keyCertSign.
  if (ku !== undefined && (ku & (1 << keyUsageBit.keyCertSign)) !== 0 && !bc?.ca) {
    throw new CertificateError(
      'ERR_CERT_KEY_USAGE',
      'keyCertSign is asserted without basicConstraints cA',
    );
  }
  if (
    bc?.pathLength !== undefined &&
    (!bc.ca || (ku !== undefined && (ku & (1 << keyUsageBit.keyCertSign)) === 0))
  ) {
    throw invalid('pathLenConstraint without cA and keyCertSign');
  }
  // RFC 5280 4.2.1.10: name constraints only in CA certificates.
  const nc = certificate.nameConstraints;
  if (nc !== undefined) {
    if (!bc?.ca) throw invalid('nameConstraints in a certificate that is not a CA');
    // RFC 5280 requires them critical; the BR allow non-critical (BR 7.1.2.5.2).
    if (profile === 'rfc5280' && !critical(certificate, oids.nameConstraints)) {
      throw invalid('nameConstraints is not critical');
    }
    checkConstraintSyntax(nc);
  }
  checkSubjectAltName(certificate, role, profile);
  if (profile === 'webpki') checkWebPkiKey(certificate);
}

function checkSubjectAltName(certificate: Certificate, role: Role, profile: Profile): void {
  const sanCritical = critical(certificate, oids.subjectAltName);
  if (certificate.subject.rdns.length === 0) {
    // RFC 5280 4.2.1.6: with an empty subject the SAN MUST be present and critical.
    if (sanCritical !== true) throw invalid('empty subject without a critical subjectAltName');
  } else if (profile === 'webpki' && sanCritical === true) {
    throw invalid('subjectAltName is critical although the subject is not empty (BR 7.1.2.7.12)');
  }
  for (const san of certificate.subjectAltNames ?? []) {
    const ok =
      san.kind === 'dns'
        ? isValidDnsName(san.value.toLowerCase(), role.position === 'leaf')
        : san.kind === 'ip'
          ? san.bytes.length === 4 || san.bytes.length === 16
          : san.kind === 'email'
            ? isValidMailbox(san.value)
            : true;
    if (!ok)
      throw new CertificateError('ERR_CERT_MALFORMED', `malformed ${san.kind} subjectAltName`);
  }
}

/** An IPv4 address in any notation inet_aton accepts (hex, octal, fewer parts), or an IPv6 literal. */
function looksLikeIp(text: string): boolean {
  return text.includes(':') || /^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$/i.test(text);
}

/**
 * BR 7.1.4.3: a subject commonName repeats a SAN of its own kind character for character: an
 * IP address as the RFC 3986 / RFC 5952 text of an iPAddress SAN, a domain name as a dNSName
 * (A-labels, same case). A domain CN may also be the parent of a wildcard SAN (`example.com`
 * for `*.example.com`), and a kind the SAN does not carry at all is not compared.
 */
function checkCommonNames(certificate: Certificate): void {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const san of certificate.subjectAltNames ?? []) {
    if (san.kind === 'dns') dns.push(san.value);
    if (san.kind === 'ip') ips.push(formatIp(san.bytes));
  }
  for (const cn of attributeValues(certificate.subject, oids.commonName)) {
    if (cn === null) continue;
    const ok = looksLikeIp(cn)
      ? ips.length === 0 || ips.includes(cn)
      : dns.length === 0 || dns.some((name) => name === cn || name === `*.${cn}`);
    if (!ok) {
      throw new CertificateError(
        'ERR_CERT_MALFORMED',
        `subject commonName ${JSON.stringify(cn)} is not one of the SANs`,
      );
    }
  }
}

/** Checks a certificate that issues others (an intermediate or a trust anchor). */
export function checkIssuer(certificate: Certificate, role: Role, profile: Profile): void {
  checkCommon(certificate, role, profile);
  const bc = certificate.basicConstraints;
  // RFC 5280 6.1.4 (k), 4.2.1.9: present, cA TRUE, critical.
  if (!bc?.ca)
    throw new CertificateError('ERR_CERT_NOT_CA', 'issuer is not a CA (basicConstraints cA)');
  if (!critical(certificate, oids.basicConstraints))
    throw invalid('basicConstraints of a CA is not critical');
  const ku = certificate.keyUsage;
  // RFC 5280 6.1.4 (n).
  if (ku !== undefined && (ku & (1 << keyUsageBit.keyCertSign)) === 0) {
    throw new CertificateError('ERR_CERT_NOT_CA', 'issuer keyUsage lacks keyCertSign');
  }
  // RFC 5280 4.1.2.6, 4.2.1.2: CAs have a subject and a subjectKeyIdentifier.
  if (certificate.subject.rdns.length === 0)
    throw new CertificateError('ERR_CERT_MALFORMED', 'CA with an empty subject');
  if (certificate.subjectKeyIdentifier === undefined)
    throw invalid('CA without subjectKeyIdentifier');
  if (profile === 'webpki' && role.anchor && certificate.selfIssued) {
    const aki = certificate.authorityKeyIdentifier;
    // BR 7.1.2.1.3: a root's AKI has only keyIdentifier, equal to its SKI.
    if (
      aki !== undefined &&
      (aki.keyIdentifier === undefined ||
        aki.hasAuthorityCertIssuer ||
        !equalBytes(aki.keyIdentifier, certificate.subjectKeyIdentifier))
    ) {
      throw invalid(
        'root authorityKeyIdentifier must be keyIdentifier = subjectKeyIdentifier only',
      );
    }
    // BR 7.1.2.1.2: extKeyUsage MUST NOT appear in a root.
    if (certificate.extKeyUsage !== undefined) throw invalid('root certificate has extKeyUsage');
  }
}

/** What the leaf must be good for. */
export interface LeafRequirements {
  /** extKeyUsage OID, or null for no EKU check. */
  readonly purpose: string | null;
  /** keyUsage bits (mask) the leaf must assert when it has a keyUsage extension. */
  readonly keyUsage: number;
  /** TLS server authentication: SANs are required. */
  readonly server: boolean;
  /** Enforce BR 7.1.4.3 (commonName repeats a SAN). */
  readonly commonName: boolean;
  /**
   * The leaf is itself a trust anchor (a pinned, typically self-signed certificate): the
   * subscriber-profile rules of the BR (not a CA, EKU present) do not apply to it.
   */
  readonly directlyTrusted: boolean;
}

/** Checks the end-entity certificate of a path. */
export function checkLeaf(
  certificate: Certificate,
  profile: Profile,
  needs: LeafRequirements,
): void {
  checkCommon(certificate, { position: 'leaf', anchor: needs.directlyTrusted }, profile);
  if (profile === 'webpki' && !needs.directlyTrusted) {
    // BR 7.1.2.7.8: a subscriber certificate is not a CA.
    if (certificate.basicConstraints?.ca) {
      throw new CertificateError(
        'ERR_CERT_PURPOSE',
        'CA certificate used as an end-entity certificate',
      );
    }
  }
  if (needs.commonName) checkCommonNames(certificate);
  if (needs.server && certificate.subjectAltNames === undefined) {
    throw new CertificateError('ERR_CERT_HOSTNAME_MISMATCH', 'certificate has no subjectAltName');
  }
  const ku = certificate.keyUsage;
  if (ku !== undefined && (ku & needs.keyUsage) !== needs.keyUsage) {
    throw new CertificateError('ERR_CERT_KEY_USAGE', 'keyUsage does not allow the requested usage');
  }
  const eku = certificate.extKeyUsage;
  if (profile === 'webpki' && needs.purpose !== null && !needs.directlyTrusted) {
    // BR 7.1.2.7.10: present, non-critical, without anyExtendedKeyUsage.
    if (eku === undefined)
      throw new CertificateError('ERR_CERT_PURPOSE', 'leaf has no extKeyUsage');
    if (critical(certificate, oids.extKeyUsage)) throw invalid('extKeyUsage is critical');
    if (eku.includes(oids.anyExtendedKeyUsage)) {
      throw new CertificateError('ERR_CERT_PURPOSE', 'leaf asserts anyExtendedKeyUsage');
    }
  }
  if (!allowsPurpose(eku, needs.purpose, profile === 'rfc5280')) {
    throw new CertificateError('ERR_CERT_PURPOSE', `extKeyUsage does not include ${needs.purpose}`);
  }
}

/** RFC 5280 4.2.1.12: an absent EKU allows every purpose. */
export function allowsPurpose(
  eku: readonly string[] | undefined,
  purpose: string | null,
  anyAllowed: boolean,
): boolean {
  if (eku === undefined || purpose === null) return true;
  return eku.includes(purpose) || (anyAllowed && eku.includes(oids.anyExtendedKeyUsage));
}
