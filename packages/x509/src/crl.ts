import { parseTime } from './certificate.js';
import {
  boolean,
  children,
  decodeDer,
  integer,
  is,
  octetString,
  oid,
  raw,
  sequence,
  smallInteger,
  tag,
  tagClass,
  toHex,
  bitString,
  equalBytes,
} from './der.js';
import { malformed } from './errors.js';
import { type Name, parseName } from './name.js';
import { oids } from './oids.js';
import { type AlgorithmIdentifier, parseAlgorithmIdentifier } from './spki.js';

/** A parsed CertificateList (RFC 5280 section 5.1). */
export interface Crl {
  readonly der: Uint8Array;
  /** The signed bytes (tbsCertList). */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  /** thisUpdate / nextUpdate in seconds since the epoch. */
  readonly thisUpdate: number;
  readonly nextUpdate?: number;
  /** Serial numbers of revoked certificates, as lower-case hex of the INTEGER content. */
  readonly revoked: ReadonlySet<string>;
  /** The CRLNumber extension is present. */
  readonly hasCrlNumber: boolean;
  /** Why this CRL must not be relied on (critical CRLNumber, unknown critical extension), if anything. */
  readonly defect?: string;
}

/** CRL extensions whose meaning this package handles or that cannot change a revocation answer. */
const knownCrlExtensions = new Set<string>([
  oids.crlNumber,
  oids.authorityKeyIdentifier,
  oids.issuerAltName,
]);

/** Parses a DER CRL strictly. Throws ERR_CERT_MALFORMED when it is not a conforming v1/v2 CRL. */
export function parseCrl(der: Uint8Array): Crl {
  const [tbsNode, algorithmNode, signatureNode, ...extra] = sequence(
    decodeDer(der, 'CertificateList'),
    'CertificateList',
  );
  if (extra.length > 0 || signatureNode === undefined)
    throw malformed('CertificateList: expected three fields');
  const fields = sequence(tbsNode, 'tbsCertList');
  let index = 0;
  let version = 1;
  if (is(fields[0], tag.integer)) {
    version = smallInteger(fields[0], 'tbsCertList version') + 1;
    if (version !== 2) throw malformed('tbsCertList: version must be v2 when present');
    index++;
  }
  const inner = parseAlgorithmIdentifier(fields[index++], 'tbsCertList signature');
  const signatureAlgorithm = parseAlgorithmIdentifier(
    algorithmNode,
    'CertificateList signatureAlgorithm',
  );
  if (!equalBytes(inner.der, signatureAlgorithm.der))
    throw malformed('CRL signature algorithms differ');
  const issuer = parseName(fields[index++], 'CRL issuer');
  const thisUpdate = parseTime(fields[index++], 'thisUpdate');
  let nextUpdate: number | undefined;
  if (is(fields[index], tag.utcTime) || is(fields[index], tag.generalizedTime)) {
    nextUpdate = parseTime(fields[index++], 'nextUpdate');
  }
  const revoked = new Set<string>();
  if (is(fields[index], tag.sequence)) {
    for (const entry of sequence(fields[index++], 'revokedCertificates')) {
      const [serial, date] = sequence(entry, 'revokedCertificate');
      revoked.add(toHex(integer(serial, 'userCertificate')));
      parseTime(date, 'revocationDate');
    }
  }
  let hasCrlNumber = false;
  let defect: string | undefined;
  if (is(fields[index], 0, tagClass.context)) {
    if (version !== 2) throw malformed('crlExtensions in a v1 CRL');
    const [extensions] = children(fields[index++]!, 'crlExtensions');
    for (const extension of sequence(extensions, 'crlExtensions')) {
      const parts = sequence(extension, 'Extension');
      const id = oid(parts[0], 'Extension extnID');
      const critical = is(parts[1], tag.boolean) && boolean(parts[1], 'critical');
      octetString(parts[parts.length - 1], 'extnValue');
      if (id === oids.crlNumber) {
        hasCrlNumber = true;
        // RFC 5280 5.2.3: CRLNumber is non-critical.
        if (critical) defect = 'CRLNumber is marked critical';
      } else if (critical && !knownCrlExtensions.has(id)) {
        defect = `unknown critical CRL extension ${id}`;
      }
    }
  }
  if (index !== fields.length) throw malformed('tbsCertList: unexpected trailing fields');
  const { bytes: signature } = bitString(signatureNode, 'CRL signatureValue');
  const crl: { -readonly [K in keyof Crl]: Crl[K] } = {
    der,
    tbs: raw(tbsNode!),
    signatureAlgorithm,
    signature,
    issuer,
    thisUpdate,
    revoked,
    hasCrlNumber,
  };
  if (nextUpdate !== undefined) crl.nextUpdate = nextUpdate;
  // RFC 5280 5.2.3: conforming CRL issuers MUST include CRLNumber.
  if (!hasCrlNumber) defect ??= 'CRLNumber is missing';
  if (defect !== undefined) crl.defect = defect;
  return crl;
}
