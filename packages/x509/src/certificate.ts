import {
  ascii,
  bitString,
  boolean,
  children,
  content,
  decodeDer,
  equalBytes,
  integer,
  is,
  type Node,
  octetString,
  oid,
  raw,
  sequence,
  smallInteger,
  tag,
  tagClass,
  toHex,
} from './der.js';
import { BytesCache } from '@tlskit/wire';
import { malformed } from './errors.js';
import { type GeneralName, parseGeneralName, parseGeneralNames } from './general-name.js';
import { type Name, parseName } from './name.js';
import { oids } from './oids.js';
import {
  type AlgorithmIdentifier,
  parseAlgorithmIdentifier,
  parsePublicKeyInfo,
  type PublicKeyInfo,
} from './spki.js';

/** One extension as it appears in the certificate (RFC 5280 section 4.1.2.9). */
export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING contents (the DER of the extension's own type). */
  readonly value: Uint8Array;
}

/** basicConstraints (RFC 5280 section 4.2.1.9). */
export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLength?: number;
}

/** authorityKeyIdentifier (RFC 5280 section 4.2.1.1). */
export interface AuthorityKeyIdentifier {
  readonly keyIdentifier?: Uint8Array;
  readonly hasAuthorityCertIssuer: boolean;
  readonly hasAuthorityCertSerialNumber: boolean;
}

/** One GeneralSubtree base; minimum and maximum must be absent (RFC 5280 section 4.2.1.10). */
export interface NameConstraints {
  readonly permitted: readonly GeneralName[];
  readonly excluded: readonly GeneralName[];
}

/** keyUsage bits in RFC 5280 order: bit 0 is digitalSignature. */
export const keyUsageBit = {
  digitalSignature: 0,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** A key usage name, as RFC 5280 section 4.2.1.3 spells it. */
export type KeyUsage = keyof typeof keyUsageBit;

/** A parsed X.509 certificate. Fields follow RFC 5280 section 4.1 names. */
export interface Certificate {
  /** The full DER. */
  readonly der: Uint8Array;
  /** The DER of tbsCertificate: the signed bytes. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** The serialNumber INTEGER content octets (two's complement). */
  readonly serialNumber: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  /** notBefore and notAfter in seconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly publicKey: PublicKeyInfo;
  readonly extensions: readonly Extension[];
  readonly basicConstraints?: BasicConstraints;
  /** keyUsage as a bit mask (1 << keyUsageBit.x); absent when the extension is absent. */
  readonly keyUsage?: number;
  /** extKeyUsage OIDs; absent when the extension is absent. */
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltNames?: readonly GeneralName[];
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: AuthorityKeyIdentifier;
  readonly nameConstraints?: NameConstraints;
  /** certificatePolicies policy OIDs (RFC 5280 4.2.1.4); absent when the extension is absent. */
  readonly policies?: readonly string[];
  /** policyMappings as [issuerDomainPolicy, subjectDomainPolicy] pairs (RFC 5280 4.2.1.5). */
  readonly policyMappings?: readonly (readonly [string, string])[];
  /** policyConstraints (RFC 5280 4.2.1.11). */
  readonly policyConstraints?: {
    readonly requireExplicitPolicy?: number;
    readonly inhibitPolicyMapping?: number;
  };
  /** inhibitAnyPolicy SkipCerts (RFC 5280 4.2.1.14). */
  readonly inhibitAnyPolicy?: number;
  /** OIDs of critical extensions this package does not process. */
  readonly unknownCriticalExtensions: readonly string[];
  /** issuer and subject are the same name (RFC 5280 section 6.1: self-issued). */
  readonly selfIssued: boolean;
}

/** Parses a UTCTime or GeneralizedTime in the only forms RFC 5280 4.1.2.5 allows. */
function parseTime(node: Node | undefined, what: string): number {
  const text = node === undefined ? null : ascii(content(node));
  let match: RegExpExecArray | null = null;
  let year = 0;
  if (text !== null && is(node, tag.utcTime)) {
    match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
    if (match) year = Number(match[1]) >= 50 ? 1900 + Number(match[1]) : 2000 + Number(match[1]);
  } else if (text !== null && is(node, tag.generalizedTime)) {
    match = /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    if (match) year = Number(match[1]);
  }
  if (match === null) throw malformed(`${what}: time must be YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ`);
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (
    month < 1 ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw malformed(`${what}: invalid calendar time ${text}`);
  }
  return ms / 1000;
}

export { parseTime };

function keyUsageMask(value: Uint8Array): number {
  const { bytes } = bitString(decodeDer(value, 'keyUsage'), 'keyUsage');
  let mask = 0;
  for (let bit = 0; bit < 9; bit++) {
    if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) mask |= 1 << bit;
  }
  // RFC 5280 4.2.1.3: at least one bit MUST be set.
  if (mask === 0) throw malformed('keyUsage: no bit set');
  return mask;
}

function parseBasicConstraints(value: Uint8Array): BasicConstraints {
  const items = sequence(decodeDer(value, 'basicConstraints'), 'basicConstraints');
  let index = 0;
  let ca = false;
  if (is(items[index], tag.boolean)) {
    ca = boolean(items[index], 'basicConstraints cA');
    // DER: a DEFAULT value is never encoded (X.690 11.5).
    if (!ca) throw malformed('basicConstraints: cA FALSE is encoded explicitly');
    index++;
  }
  let pathLength: number | undefined;
  if (index < items.length) {
    pathLength = smallInteger(items[index], 'basicConstraints pathLenConstraint');
    index++;
  }
  if (index !== items.length) throw malformed('basicConstraints: unexpected fields');
  return pathLength === undefined ? { ca } : { ca, pathLength };
}

function parseOidList(value: Uint8Array, what: string): string[] {
  const items = sequence(decodeDer(value, what), what);
  // RFC 5280 4.2.1.12: SEQUENCE SIZE (1..MAX).
  if (items.length === 0) throw malformed(`${what}: must not be empty`);
  return items.map((item) => oid(item, what));
}

function parseAuthorityKeyIdentifier(value: Uint8Array): AuthorityKeyIdentifier {
  const items = sequence(decodeDer(value, 'authorityKeyIdentifier'), 'authorityKeyIdentifier');
  let keyIdentifier: Uint8Array | undefined;
  let hasAuthorityCertIssuer = false;
  let hasAuthorityCertSerialNumber = false;
  let last = -1;
  for (const item of items) {
    const number = item.tag;
    if (item.cls !== tagClass.context || number <= last || number > 2) {
      throw malformed('authorityKeyIdentifier: unexpected field');
    }
    last = number;
    if (number === 0) keyIdentifier = content(item);
    if (number === 1) {
      for (const name of children(item, 'authorityCertIssuer'))
        parseGeneralName(name, 'authorityCertIssuer');
      hasAuthorityCertIssuer = true;
    }
    if (number === 2) hasAuthorityCertSerialNumber = true;
  }
  // RFC 5280 4.2.1.1: issuer and serial number appear together or not at all.
  if (hasAuthorityCertIssuer !== hasAuthorityCertSerialNumber) {
    throw malformed(
      'authorityKeyIdentifier: authorityCertIssuer and serial number must appear together',
    );
  }
  return keyIdentifier === undefined
    ? { hasAuthorityCertIssuer, hasAuthorityCertSerialNumber }
    : { keyIdentifier, hasAuthorityCertIssuer, hasAuthorityCertSerialNumber };
}

function parseSubtrees(node: Node, what: string): GeneralName[] {
  const subtrees = children(node, what);
  // RFC 5280 4.2.1.10: GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree.
  if (subtrees.length === 0) throw malformed(`${what}: empty GeneralSubtrees`);
  return subtrees.map((subtree) => {
    const [base, ...rest] = sequence(subtree, what);
    // minimum MUST be zero (so absent in DER) and maximum MUST be absent.
    if (base === undefined || rest.length > 0)
      throw malformed(`${what}: minimum/maximum must be absent`);
    return parseGeneralName(base, what);
  });
}

function parseNameConstraints(value: Uint8Array): NameConstraints {
  const items = sequence(decodeDer(value, 'nameConstraints'), 'nameConstraints');
  let permitted: GeneralName[] = [];
  let excluded: GeneralName[] = [];
  let last = -1;
  for (const item of items) {
    const number = item.tag;
    if (item.cls !== tagClass.context || number <= last || number > 1) {
      throw malformed('nameConstraints: unexpected field');
    }
    last = number;
    if (number === 0) permitted = parseSubtrees(item, 'nameConstraints permittedSubtrees');
    else excluded = parseSubtrees(item, 'nameConstraints excludedSubtrees');
  }
  // RFC 5280 4.2.1.10: either permittedSubtrees or excludedSubtrees MUST be present.
  if (items.length === 0)
    throw malformed('nameConstraints: neither permitted nor excluded subtrees');
  return { permitted, excluded };
}

function parsePolicies(value: Uint8Array): string[] {
  const items = sequence(decodeDer(value, 'certificatePolicies'), 'certificatePolicies');
  if (items.length === 0) throw malformed('certificatePolicies: must not be empty');
  const seen = new Set<string>();
  for (const item of items) {
    const [policy, qualifiers, ...rest] = sequence(item, 'PolicyInformation');
    const id = oid(policy, 'PolicyInformation policyIdentifier');
    // RFC 5280 4.2.1.4: a policy OID MUST NOT appear more than once.
    if (seen.has(id)) throw malformed(`certificatePolicies: ${id} appears twice`);
    seen.add(id);
    if (
      rest.length > 0 ||
      (qualifiers !== undefined && sequence(qualifiers, 'policyQualifiers').length === 0)
    ) {
      throw malformed('certificatePolicies: bad PolicyInformation');
    }
  }
  return [...seen];
}

function parsePolicyMappings(value: Uint8Array): [string, string][] {
  const items = sequence(decodeDer(value, 'policyMappings'), 'policyMappings');
  if (items.length === 0) throw malformed('policyMappings: must not be empty');
  return items.map((item) => {
    const [issuerPolicy, subjectPolicy, ...rest] = sequence(item, 'policyMappings');
    if (rest.length > 0) throw malformed('policyMappings: unexpected fields');
    return [oid(issuerPolicy, 'issuerDomainPolicy'), oid(subjectPolicy, 'subjectDomainPolicy')];
  });
}

function parsePolicyConstraints(value: Uint8Array): {
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
} {
  const items = sequence(decodeDer(value, 'policyConstraints'), 'policyConstraints');
  // RFC 5280 4.2.1.11: conforming CAs MUST NOT issue an empty policyConstraints.
  if (items.length === 0 || items.length > 2) {
    throw malformed('policyConstraints: must hold one or two fields');
  }
  const out: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
  let last = -1;
  for (const item of items) {
    if (item.cls !== tagClass.context || item.tag <= last || item.tag > 1 || item.constructed) {
      throw malformed('policyConstraints: unexpected field');
    }
    last = item.tag;
    // [0] and [1] are IMPLICIT SkipCerts (INTEGER).
    const bytes = content(item);
    if (bytes.length === 0 || bytes.length > 4 || (bytes[0]! & 0x80) !== 0) {
      throw malformed('policyConstraints: SkipCerts out of range');
    }
    let skip = 0;
    for (const b of bytes) skip = skip * 256 + b;
    if (item.tag === 0) out.requireExplicitPolicy = skip;
    else out.inhibitPolicyMapping = skip;
  }
  return out;
}

function parseAccessDescriptions(value: Uint8Array, what: string): void {
  const items = sequence(decodeDer(value, what), what);
  // RFC 5280 4.2.2.1: AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription.
  if (items.length === 0) throw malformed(`${what}: must not be empty`);
  for (const item of items) {
    const [method, location, ...rest] = sequence(item, what);
    oid(method, `${what} accessMethod`);
    if (location === undefined || rest.length > 0)
      throw malformed(`${what}: bad AccessDescription`);
    parseGeneralName(location, what);
  }
}

/** Extensions whose critical flag this package honours (RFC 5280 section 4.2). */
const understood = new Set<string>([
  oids.basicConstraints,
  oids.keyUsage,
  oids.extKeyUsage,
  oids.subjectAltName,
  oids.nameConstraints,
  oids.certificatePolicies,
  oids.policyConstraints,
  oids.policyMappings,
  oids.inhibitAnyPolicy,
  oids.subjectKeyIdentifier,
  oids.authorityKeyIdentifier,
]);

function parseExtensions(node: Node): Extension[] {
  const items = sequence(node, 'extensions');
  // RFC 5280 4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension.
  if (items.length === 0) throw malformed('extensions: must not be empty');
  const seen = new Set<string>();
  return items.map((item) => {
    const parts = sequence(item, 'Extension');
    const id = oid(parts[0], 'Extension extnID');
    let critical = false;
    let index = 1;
    if (is(parts[index], tag.boolean)) {
      critical = boolean(parts[index], 'Extension critical');
      if (!critical) throw malformed(`extension ${id}: critical FALSE is encoded explicitly`);
      index++;
    }
    const value = octetString(parts[index], `extension ${id} extnValue`);
    if (parts.length !== index + 1) throw malformed(`extension ${id}: unexpected fields`);
    // RFC 5280 4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(id)) throw malformed(`extension ${id} appears twice`);
    seen.add(id);
    return { oid: id, critical, value };
  });
}

/**
 * Parses a DER X.509 certificate strictly: DER only, v1..v3 with RFC 5280's structural
 * rules, the known extensions decoded. Throws a {@link CertificateError} with code
 * `ERR_CERT_MALFORMED` when the bytes are not a conforming certificate. Profile rules that
 * depend on the certificate's place in a path (CA or leaf) are checked by `verifyChain`.
 */
export function parseCertificate(der: Uint8Array): Certificate {
  if (!(der instanceof Uint8Array))
    throw new TypeError('parseCertificate: der must be a Uint8Array');
  return parsed.get(der, parseDer);
}

/**
 * Parsed certificates by their full DER: a client meets the same server chain on every
 * handshake (issue 7). Only the parse is cached, never a validation result (time and options
 * change those); a certificate that fails to parse is not cached and fails again. The cached
 * Certificate holds views of a private copy of the DER, so it is shared and must not be changed.
 */
const parsed = new BytesCache<Certificate>(64);

function parseDer(der: Uint8Array): Certificate {
  const root = decodeDer(der, 'Certificate');
  const [tbsNode, outerAlgorithm, signatureNode, ...extra] = sequence(root, 'Certificate');
  if (extra.length > 0 || signatureNode === undefined)
    throw malformed('Certificate: expected three fields');
  const tbsItems = sequence(tbsNode, 'tbsCertificate');
  let index = 0;
  let version = 1;
  if (is(tbsItems[0], 0, tagClass.context)) {
    const inner = children(tbsItems[0]!, 'version');
    if (inner.length !== 1) throw malformed('version: bad EXPLICIT tag');
    version = smallInteger(inner[0], 'version') + 1;
    // DER: v1 is the DEFAULT and is never encoded.
    if (version === 1 || version > 3) throw malformed(`version: ${version - 1} is not allowed`);
    index++;
  }
  const serialNumber = integer(tbsItems[index++], 'serialNumber');
  const innerAlgorithmNode = tbsItems[index++];
  const signatureAlgorithm = parseAlgorithmIdentifier(outerAlgorithm, 'signatureAlgorithm');
  const innerAlgorithm = parseAlgorithmIdentifier(innerAlgorithmNode, 'tbsCertificate signature');
  // RFC 5280 4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
  if (!equalBytes(signatureAlgorithm.der, innerAlgorithm.der)) {
    throw malformed('signatureAlgorithm differs from tbsCertificate.signature');
  }
  const issuer = parseName(tbsItems[index++], 'issuer');
  const validity = sequence(tbsItems[index++], 'validity');
  if (validity.length !== 2) throw malformed('validity: expected notBefore and notAfter');
  const notBefore = parseTime(validity[0], 'notBefore');
  const notAfter = parseTime(validity[1], 'notAfter');
  const subject = parseName(tbsItems[index++], 'subject');
  const publicKey = parsePublicKeyInfo(tbsItems[index++]);
  // RFC 5280 4.1.2.8: unique identifiers appear only in v2 and v3.
  for (const uniqueIdTag of [1, 2]) {
    if (is(tbsItems[index], uniqueIdTag, tagClass.context)) {
      if (version < 2) throw malformed('unique identifier in a v1 certificate');
      index++;
    }
  }
  let extensions: Extension[] = [];
  if (is(tbsItems[index], 3, tagClass.context)) {
    if (version !== 3) throw malformed('extensions in a certificate that is not v3');
    const inner = children(tbsItems[index]!, 'extensions');
    if (inner.length !== 1) throw malformed('extensions: bad EXPLICIT tag');
    extensions = parseExtensions(inner[0]!);
    index++;
  }
  if (index !== tbsItems.length) throw malformed('tbsCertificate: unexpected trailing fields');
  const { bytes: signature, unusedBits } = bitString(signatureNode, 'signatureValue');
  if (unusedBits !== 0) throw malformed('signatureValue: unused bits');

  const certificate: {
    -readonly [K in keyof Certificate]: Certificate[K];
  } = {
    der,
    tbs: raw(tbsNode!),
    version,
    serialNumber,
    signatureAlgorithm,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey,
    extensions,
    unknownCriticalExtensions: [],
    selfIssued: issuer.key === subject.key,
  };
  const unknown: string[] = [];
  for (const extension of extensions) {
    const value = extension.value;
    switch (extension.oid) {
      case oids.basicConstraints:
        certificate.basicConstraints = parseBasicConstraints(value);
        break;
      case oids.keyUsage:
        certificate.keyUsage = keyUsageMask(value);
        break;
      case oids.extKeyUsage:
        certificate.extKeyUsage = parseOidList(value, 'extKeyUsage');
        break;
      case oids.subjectAltName:
        certificate.subjectAltNames = parseGeneralNames(
          decodeDer(value, 'subjectAltName'),
          'subjectAltName',
        );
        break;
      case oids.issuerAltName:
        parseGeneralNames(decodeDer(value, 'issuerAltName'), 'issuerAltName');
        break;
      case oids.subjectKeyIdentifier:
        certificate.subjectKeyIdentifier = octetString(
          decodeDer(value, 'subjectKeyIdentifier'),
          'subjectKeyIdentifier',
        );
        break;
      case oids.authorityKeyIdentifier:
        certificate.authorityKeyIdentifier = parseAuthorityKeyIdentifier(value);
        break;
      case oids.nameConstraints:
        certificate.nameConstraints = parseNameConstraints(value);
        break;
      case oids.certificatePolicies:
        certificate.policies = parsePolicies(value);
        break;
      case oids.policyConstraints:
        certificate.policyConstraints = parsePolicyConstraints(value);
        break;
      case oids.policyMappings:
        certificate.policyMappings = parsePolicyMappings(value);
        break;
      case oids.inhibitAnyPolicy:
        certificate.inhibitAnyPolicy = smallInteger(
          decodeDer(value, 'inhibitAnyPolicy'),
          'inhibitAnyPolicy',
        );
        break;
      case oids.authorityInfoAccess:
      case oids.subjectInfoAccess:
        parseAccessDescriptions(value, 'authorityInfoAccess');
        break;
      default:
        if (extension.critical && !understood.has(extension.oid)) unknown.push(extension.oid);
    }
  }
  if (unknown.length > 0) certificate.unknownCriticalExtensions = unknown;
  return certificate;
}

/** Lower-case hex of the serial number, for messages and CRL lookups. */
export function serialHex(certificate: Certificate): string {
  return toHex(certificate.serialNumber);
}

/** The extension with this OID, if present. */
export function findExtension(certificate: Certificate, id: string): Extension | undefined {
  return certificate.extensions.find((e) => e.oid === id);
}
