/**
 * OCSP responses (RFC 6960), as a TLS server staples them (RFC 6066 section 8, RFC 8446
 * section 4.4.2.1): parse an OCSPResponse strictly, then decide whether it is a valid answer
 * about one certificate: signed by its issuer or by a responder the issuer delegated to, about
 * this certificate, and current.
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { TlsError } from '@tlskit/wire';
import { type Certificate, parseCertificate, parseTime } from './certificate.js';
import {
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
  tag,
  tagClass,
} from './der.js';
import { CertificateError } from './errors.js';
import { type Name, parseName } from './name.js';
import { oids } from './oids.js';
import { type AlgorithmIdentifier, parseAlgorithmIdentifier, signatureScheme } from './spki.js';

/** TLS bad_certificate_status_response (RFC 6066 section 8): a staple that is not satisfactory. */
const badCertificateStatusResponse = 113;

/**
 * Every stable code an {@link OcspError} can carry. All of them send
 * bad_certificate_status_response (113), the alert RFC 6066 section 8 prescribes for a response
 * that is not satisfactory. A valid response saying `revoked` is not an OcspError: it is a
 * status, and the handshake refuses it with certificate_revoked (`ERR_CERT_REVOKED`).
 */
export const ocspErrorCodes = [
  /** The DER does not parse as an OCSPResponse / BasicOCSPResponse. */
  'ERR_OCSP_MALFORMED',
  /** responseStatus is not successful (malformedRequest, tryLater, unauthorized, ...). */
  'ERR_OCSP_UNSUCCESSFUL',
  /** A response type, certID hash or critical extension this package does not implement. */
  'ERR_OCSP_UNSUPPORTED',
  /** The response signature does not verify with the responder's key. */
  'ERR_OCSP_BAD_SIGNATURE',
  /** The signer is neither the issuer nor a responder the issuer delegated to (RFC 6960 4.2.2.2). */
  'ERR_OCSP_UNAUTHORIZED_RESPONDER',
  /** No SingleResponse is about this certificate (certID: issuer name and key hash, serial). */
  'ERR_OCSP_WRONG_CERTIFICATE',
  /** thisUpdate (or producedAt) is in the future, beyond the allowed clock skew. */
  'ERR_OCSP_NOT_YET_VALID',
  /** nextUpdate has passed (or, without nextUpdate, thisUpdate is older than `maxAge`). */
  'ERR_OCSP_EXPIRED',
] as const;

/** A stable OCSP error code. */
export type OcspErrorCode = (typeof ocspErrorCodes)[number];

/** An OCSP response that cannot be relied on. `alert` is bad_certificate_status_response. */
export class OcspError extends TlsError {
  override name = 'OcspError';
  declare readonly code: OcspErrorCode;

  constructor(code: OcspErrorCode, message: string, options?: ErrorOptions) {
    super(code, badCertificateStatusResponse, message, options);
  }
}

/** OCSPResponseStatus (RFC 6960 section 4.2.1). */
export const ocspResponseStatus = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

/** The certificate status a SingleResponse gives (RFC 6960 section 4.2.1). */
export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

/** CertID (RFC 6960 section 4.1.1). */
export interface OcspCertId {
  /** The hash the two hashes were made with. */
  readonly hash: HashName;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** INTEGER content octets, as {@link Certificate.serialNumber}. */
  readonly serialNumber: Uint8Array;
}

/** One SingleResponse. Times are seconds since the epoch. */
export interface OcspSingleResponse {
  readonly certId: OcspCertId;
  readonly status: OcspCertStatus;
  readonly thisUpdate: number;
  readonly nextUpdate?: number;
  /** For `revoked`. */
  readonly revocationTime?: number;
  /** CRLReason (RFC 5280 5.3.1) for `revoked`, when given. */
  readonly revocationReason?: number;
}

/** A parsed, not yet checked, successful OCSPResponse with a BasicOCSPResponse inside. */
export interface OcspResponse {
  /** The whole OCSPResponse DER. */
  readonly der: Uint8Array;
  /** The signed bytes (tbsResponseData). */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  /** ResponderID: the responder's Name, or the SHA-1 hash of its public key. */
  readonly responderId: { readonly byName: Name } | { readonly byKey: Uint8Array };
  readonly producedAt: number;
  readonly responses: readonly OcspSingleResponse[];
  /** The certificates the responder included (a delegated responder's certificate, usually). */
  readonly certs: readonly Certificate[];
}

const hashOids: Readonly<Record<string, HashName>> = {
  [oids.sha1]: 'SHA-1',
  [oids.sha256]: 'SHA-256',
  [oids.sha384]: 'SHA-384',
  [oids.sha512]: 'SHA-512',
};

const malformed = (message: string) => new OcspError('ERR_OCSP_MALFORMED', message);

/**
 * Parses a DER OCSPResponse (RFC 6960 section 4.2.1) strictly. Throws an {@link OcspError}:
 * `ERR_OCSP_MALFORMED` for bad DER, `ERR_OCSP_UNSUCCESSFUL` for a non-successful
 * responseStatus, `ERR_OCSP_UNSUPPORTED` for a response type other than id-pkix-ocsp-basic.
 */
export function parseOcspResponse(der: Uint8Array): OcspResponse {
  try {
    return parseResponse(der);
  } catch (error) {
    // The DER helpers speak CertificateError; here every such failure is a bad response.
    if (error instanceof CertificateError) {
      throw new OcspError('ERR_OCSP_MALFORMED', `OCSPResponse: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function parseResponse(der: Uint8Array): OcspResponse {
  // Responses are small; a bound on the element count keeps hostile input cheap.
  const top = sequence(decodeDer(der, 'OCSPResponse', 10_000), 'OCSPResponse');
  const [statusNode, bytesNode, ...extra] = top;
  if (extra.length > 0) throw malformed('OCSPResponse: unexpected trailing fields');
  if (statusNode === undefined || !is(statusNode, tag.enumerated))
    throw malformed('OCSPResponse: responseStatus is not an ENUMERATED');
  const status = enumerated(statusNode);
  if (status !== ocspResponseStatus.successful) {
    throw new OcspError('ERR_OCSP_UNSUCCESSFUL', `OCSP responseStatus is ${statusName(status)}`);
  }
  if (bytesNode === undefined || !is(bytesNode, 0, tagClass.context))
    throw malformed('OCSPResponse: a successful response has no responseBytes');
  const [responseBytes, ...more] = children(bytesNode, 'responseBytes');
  if (more.length > 0) throw malformed('responseBytes: more than one value in [0]');
  const [typeNode, responseNode, ...rest] = sequence(responseBytes, 'ResponseBytes');
  if (rest.length > 0) throw malformed('ResponseBytes: unexpected fields');
  const type = oid(typeNode, 'responseType');
  if (type !== oids.ocspBasic) {
    throw new OcspError('ERR_OCSP_UNSUPPORTED', `OCSP response type ${type} is not basic`);
  }
  const basicDer = octetString(responseNode, 'response');
  const basic = sequence(decodeDer(basicDer, 'BasicOCSPResponse', 10_000), 'BasicOCSPResponse');
  const [tbsNode, algorithmNode, signatureNode, certsNode, ...tail] = basic;
  if (tail.length > 0 || signatureNode === undefined)
    throw malformed('BasicOCSPResponse: expected three or four fields');
  const signatureAlgorithm = parseAlgorithmIdentifier(algorithmNode, 'signatureAlgorithm');
  const { bytes: signature, unusedBits } = bitString(signatureNode, 'signature');
  if (unusedBits !== 0) throw malformed('BasicOCSPResponse: signature has unused bits');
  const certs: Certificate[] = [];
  if (certsNode !== undefined) {
    if (!is(certsNode, 0, tagClass.context)) throw malformed('BasicOCSPResponse: bad certs tag');
    const [list, ...others] = children(certsNode, 'certs');
    if (others.length > 0) throw malformed('certs: more than one value in [0]');
    for (const cert of sequence(list, 'certs')) certs.push(parseCertificate(raw(cert)));
  }
  const data = parseResponseData(tbsNode);
  return { der, tbs: raw(tbsNode!), signatureAlgorithm, signature, certs, ...data };
}

function enumerated(node: Node): number {
  const bytes = content(node);
  if (bytes.length !== 1 || (bytes[0]! & 0x80) !== 0) return -1;
  return bytes[0]!;
}

function statusName(status: number): string {
  const entry = Object.entries(ocspResponseStatus).find(([, value]) => value === status);
  return entry === undefined ? `unknown (${status})` : entry[0];
}

/** ResponseData (RFC 6960 section 4.2.1). */
function parseResponseData(
  node: Node | undefined,
): Pick<OcspResponse, 'responderId' | 'producedAt' | 'responses'> {
  const fields = sequence(node, 'tbsResponseData');
  let index = 0;
  if (is(fields[0], 0, tagClass.context)) {
    // version [0] EXPLICIT DEFAULT v1: DER omits the default, and v1 is the only version.
    throw malformed('tbsResponseData: version must be omitted (v1 is the DEFAULT)');
  }
  const idNode = fields[index++];
  let responderId: OcspResponse['responderId'];
  if (is(idNode, 1, tagClass.context)) {
    const [name, ...more] = children(idNode!, 'ResponderID byName');
    if (more.length > 0) throw malformed('ResponderID byName: more than one value');
    responderId = { byName: parseName(name, 'ResponderID') };
  } else if (is(idNode, 2, tagClass.context)) {
    const [hash, ...more] = children(idNode!, 'ResponderID byKey');
    if (more.length > 0) throw malformed('ResponderID byKey: more than one value');
    const byKey = octetString(hash, 'ResponderID byKey');
    if (byKey.length !== 20) throw malformed('ResponderID byKey is not a SHA-1 hash');
    responderId = { byKey };
  } else {
    throw malformed('tbsResponseData: bad ResponderID');
  }
  const producedAt = generalizedTime(fields[index++], 'producedAt');
  const responses = sequence(fields[index++], 'responses').map(parseSingleResponse);
  if (is(fields[index], 1, tagClass.context)) {
    checkExtensions(fields[index++]!, 'responseExtensions');
  }
  if (index !== fields.length) throw malformed('tbsResponseData: unexpected trailing fields');
  return { responderId, producedAt, responses };
}

/** RFC 6960 4.2.1: the times are GeneralizedTime, never UTCTime. */
function generalizedTime(node: Node | undefined, what: string): number {
  if (!is(node, tag.generalizedTime)) throw malformed(`${what}: expected a GeneralizedTime`);
  return parseTime(node, what);
}

function parseSingleResponse(node: Node): OcspSingleResponse {
  const fields = sequence(node, 'SingleResponse');
  const certId = parseCertId(fields[0]);
  const statusNode = fields[1];
  let status: OcspCertStatus;
  let revocationTime: number | undefined;
  let revocationReason: number | undefined;
  if (is(statusNode, 0, tagClass.context) && !statusNode!.constructed) {
    if (statusNode!.content.length !== 0) throw malformed('certStatus good is not NULL');
    status = 'good';
  } else if (is(statusNode, 1, tagClass.context) && statusNode!.constructed) {
    // RevokedInfo, IMPLICIT: the SEQUENCE's contents are the [1] node's children.
    status = 'revoked';
    const [time, reason, ...more] = children(statusNode!, 'RevokedInfo');
    if (more.length > 0) throw malformed('RevokedInfo: unexpected fields');
    revocationTime = generalizedTime(time, 'revocationTime');
    if (reason !== undefined) {
      if (!is(reason, 0, tagClass.context)) throw malformed('RevokedInfo: bad revocationReason');
      const [value, ...others] = children(reason, 'revocationReason');
      if (value === undefined || others.length > 0 || !is(value, tag.enumerated))
        throw malformed('revocationReason is not an ENUMERATED');
      revocationReason = enumerated(value);
    }
  } else if (is(statusNode, 2, tagClass.context) && !statusNode!.constructed) {
    if (statusNode!.content.length !== 0) throw malformed('certStatus unknown is not NULL');
    status = 'unknown';
  } else {
    throw malformed('SingleResponse: bad certStatus');
  }
  const thisUpdate = generalizedTime(fields[2], 'thisUpdate');
  let index = 3;
  let nextUpdate: number | undefined;
  if (is(fields[index], 0, tagClass.context)) {
    const [time, ...more] = children(fields[index++]!, 'nextUpdate');
    if (more.length > 0) throw malformed('nextUpdate: more than one value');
    nextUpdate = generalizedTime(time, 'nextUpdate');
  }
  if (is(fields[index], 1, tagClass.context)) {
    checkExtensions(fields[index++]!, 'singleExtensions');
  }
  if (index !== fields.length) throw malformed('SingleResponse: unexpected trailing fields');
  return {
    certId,
    status,
    thisUpdate,
    ...(nextUpdate === undefined ? {} : { nextUpdate }),
    ...(revocationTime === undefined ? {} : { revocationTime }),
    ...(revocationReason === undefined ? {} : { revocationReason }),
  };
}

function parseCertId(node: Node | undefined): OcspCertId {
  const [algorithmNode, nameHash, keyHash, serial, ...rest] = sequence(node, 'CertID');
  if (rest.length > 0) throw malformed('CertID: unexpected fields');
  const algorithm = parseAlgorithmIdentifier(algorithmNode, 'CertID hashAlgorithm');
  const hash = hashOids[algorithm.oid];
  if (hash === undefined) {
    throw new OcspError('ERR_OCSP_UNSUPPORTED', `CertID hash ${algorithm.oid} is not supported`);
  }
  // RFC 5754 2: parameters are absent or NULL.
  const parameters = algorithm.parameters;
  if (parameters !== undefined && !(is(parameters, tag.null) && parameters.content.length === 0))
    throw malformed('CertID hashAlgorithm has parameters');
  return {
    hash,
    issuerNameHash: octetString(nameHash, 'issuerNameHash'),
    issuerKeyHash: octetString(keyHash, 'issuerKeyHash'),
    serialNumber: integer(serial, 'serialNumber'),
  };
}

/** Extensions known not to change the answer: a nonce (a staple carries none we asked for). */
const knownOcspExtensions = new Set<string>([oids.ocspNonce]);

function checkExtensions(node: Node, what: string): void {
  const [list, ...more] = children(node, what);
  if (more.length > 0) throw malformed(`${what}: more than one value`);
  for (const extension of sequence(list, what)) {
    const parts = sequence(extension, 'Extension');
    const id = oid(parts[0], 'Extension extnID');
    const critical = parts.length === 3 && boolean(parts[1], 'critical');
    octetString(parts[parts.length - 1], 'extnValue');
    if (critical && !knownOcspExtensions.has(id)) {
      throw new OcspError('ERR_OCSP_UNSUPPORTED', `unknown critical OCSP extension ${id}`);
    }
  }
}

/** The part of a {@link CryptoProvider} an OCSP check uses. */
export type OcspVerifier = Pick<CryptoProvider, 'hash' | 'importPublicKey' | 'verify'>;

/** Options of {@link checkOcspResponse}. */
export interface CheckOcspOptions {
  /** The OCSPResponse: DER (as stapled) or parsed. */
  readonly response: Uint8Array | OcspResponse;
  /** The certificate whose status is asked. */
  readonly certificate: Certificate | Uint8Array;
  /** Its issuer: the certificate whose key signed it (checked). */
  readonly issuer: Certificate | Uint8Array;
  readonly provider: OcspVerifier;
  /** Time of the check [now]. */
  readonly time?: Date | number;
  /** Seconds of clock skew allowed on either side of thisUpdate / nextUpdate [300]. */
  readonly maxSkew?: number;
  /** Without nextUpdate, how old (seconds since thisUpdate) a response may be [604800: 7 days]. */
  readonly maxAge?: number;
}

/** A response that passed every check, and what it says. */
export interface OcspResult {
  readonly status: OcspCertStatus;
  /** The SingleResponse about the certificate. */
  readonly response: OcspSingleResponse;
  /** Who signed: the issuer itself, or a responder it delegated to. */
  readonly signer: 'issuer' | 'delegated';
  readonly producedAt: number;
}

/**
 * Checks an OCSP response about `certificate` (RFC 6960 sections 3.2 and 4.2.2.2): the response
 * is signed by `issuer`, or by a responder whose certificate `issuer` signed and which carries
 * id-kp-OCSPSigning; one of its SingleResponses names `certificate` by its issuer's name and
 * key hashes and its serial number; thisUpdate is not in the future and nextUpdate not in the
 * past (each within `maxSkew`).
 *
 * Resolves with the status, including `revoked` (the caller decides what that means, and a
 * TLS client refuses it with certificate_revoked). Rejects with an {@link OcspError} when the
 * response cannot be relied on.
 */
export async function checkOcspResponse(options: CheckOcspOptions): Promise<OcspResult> {
  const provider = options.provider;
  if (typeof provider?.hash !== 'function' || typeof provider.verify !== 'function') {
    throw new TypeError('checkOcspResponse: provider must be a CryptoProvider');
  }
  const time = secondsOf(options.time ?? Date.now());
  const skew = options.maxSkew ?? 300;
  const maxAge = options.maxAge ?? 604_800;
  const response =
    options.response instanceof Uint8Array ? parseOcspResponse(options.response) : options.response;
  const certificate = asCertificate(options.certificate);
  const issuer = asCertificate(options.issuer);
  // The CertID and the responder are judged against `issuer`, so it must really be the issuer:
  // another CA with the same name (say, one a TLS peer slipped into its chain) could otherwise
  // vouch for a certificate it never issued.
  if (
    certificate.issuer.key !== issuer.subject.key ||
    !(await signedBy(certificate, issuer, provider))
  ) {
    throw new OcspError(
      'ERR_OCSP_WRONG_CERTIFICATE',
      'the certificate given as issuer did not issue this certificate',
    );
  }
  const single = findSingleResponse(response, certificate, issuer, provider);
  const signer = await responderOf(response, issuer, provider, time, skew);
  if (single.thisUpdate > time + skew || response.producedAt > time + skew) {
    throw new OcspError('ERR_OCSP_NOT_YET_VALID', 'OCSP response thisUpdate is in the future');
  }
  const expiry = single.nextUpdate ?? single.thisUpdate + maxAge;
  if (expiry < time - skew) {
    throw new OcspError(
      'ERR_OCSP_EXPIRED',
      single.nextUpdate === undefined
        ? 'OCSP response without nextUpdate is older than maxAge'
        : 'OCSP response nextUpdate has passed',
    );
  }
  return { status: single.status, response: single, signer, producedAt: response.producedAt };
}

function secondsOf(time: Date | number): number {
  const ms = typeof time === 'number' ? time : time.getTime();
  if (!Number.isFinite(ms)) throw new TypeError('checkOcspResponse: time is not a valid date');
  return Math.floor(ms / 1000);
}

function asCertificate(input: Certificate | Uint8Array): Certificate {
  return input instanceof Uint8Array ? parseCertificate(input) : input;
}

/** The subjectPublicKey BIT STRING contents (what ResponderID byKey and issuerKeyHash hash). */
function publicKeyBits(certificate: Certificate): Uint8Array {
  const [, key] = sequence(decodeDer(certificate.publicKey.der, 'SPKI'), 'SPKI');
  return bitString(key, 'subjectPublicKey').bytes;
}

/** RFC 6960 4.1.1: the SingleResponse whose CertID names `certificate` as issued by `issuer`. */
function findSingleResponse(
  response: OcspResponse,
  certificate: Certificate,
  issuer: Certificate,
  provider: OcspVerifier,
): OcspSingleResponse {
  const keyBits = publicKeyBits(issuer);
  for (const single of response.responses) {
    const id = single.certId;
    if (!equalBytes(id.serialNumber, certificate.serialNumber)) continue;
    // Hashes of public values: no secret is compared here. The name is the issuer's subject;
    // its DER may differ from the leaf's issuer field while the names still match (RFC 5280
    // 7.1), so either encoding is accepted.
    const nameHash = id.issuerNameHash;
    if (
      !equalBytes(nameHash, provider.hash(id.hash, issuer.subject.der)) &&
      !equalBytes(nameHash, provider.hash(id.hash, certificate.issuer.der))
    )
      continue;
    if (!equalBytes(id.issuerKeyHash, provider.hash(id.hash, keyBits))) continue;
    return single;
  }
  throw new OcspError(
    'ERR_OCSP_WRONG_CERTIFICATE',
    'the OCSP response does not cover this certificate',
  );
}

function namesSigner(response: OcspResponse, candidate: Certificate, provider: OcspVerifier) {
  const id = response.responderId;
  if ('byName' in id) return id.byName.key === candidate.subject.key;
  return equalBytes(id.byKey, provider.hash('SHA-1', publicKeyBits(candidate)));
}

/** RFC 6960 4.2.2.2: the issuer signed the response, or a responder it authorised did. */
async function responderOf(
  response: OcspResponse,
  issuer: Certificate,
  provider: OcspVerifier,
  time: number,
  skew: number,
): Promise<'issuer' | 'delegated'> {
  if (namesSigner(response, issuer, provider)) {
    if (!(await signedBy(response, issuer, provider))) {
      throw new OcspError('ERR_OCSP_BAD_SIGNATURE', 'OCSP response signature does not verify');
    }
    return 'issuer';
  }
  const delegate = response.certs.find((c) => namesSigner(response, c, provider));
  if (delegate === undefined) {
    throw new OcspError(
      'ERR_OCSP_UNAUTHORIZED_RESPONDER',
      'the OCSP responder is not the issuer and sent no certificate of its own',
    );
  }
  // The delegate must be issued by the issuer itself (not by another CA of the path), be
  // current, and carry id-kp-OCSPSigning (an anyExtendedKeyUsage does not count).
  if (
    delegate.issuer.key !== issuer.subject.key ||
    !(await signedBy(delegate, issuer, provider)) ||
    !(delegate.extKeyUsage ?? []).includes(oids.ocspSigning) ||
    time + skew < delegate.notBefore ||
    time - skew > delegate.notAfter
  ) {
    throw new OcspError(
      'ERR_OCSP_UNAUTHORIZED_RESPONDER',
      'the OCSP responder certificate is not a current id-kp-OCSPSigning certificate of the issuer',
    );
  }
  if (!(await signedBy(response, delegate, provider))) {
    throw new OcspError('ERR_OCSP_BAD_SIGNATURE', 'OCSP response signature does not verify');
  }
  return 'delegated';
}

async function signedBy(
  signed: Pick<OcspResponse, 'tbs' | 'signature' | 'signatureAlgorithm'>,
  signer: Certificate,
  provider: OcspVerifier,
): Promise<boolean> {
  let scheme: number;
  try {
    scheme = signatureScheme(signed.signatureAlgorithm, signer.publicKey);
  } catch (error) {
    throw new OcspError('ERR_OCSP_UNSUPPORTED', 'OCSP signature algorithm is not supported', {
      cause: error,
    });
  }
  const key = await provider.importPublicKey(signer.publicKey.der).catch(() => null);
  if (key === null) return false;
  return provider.verify(scheme, key, signed.tbs, signed.signature).catch(() => false);
}
