/**
 * OCSP stapling (RFC 6066 section 8, RFC 8446 section 4.4.2.1), both roles: the server finds the
 * staple for the certificate it chose; the client asks for one and judges what arrives with
 * `@tlskit/x509` (issuer or delegated responder, CertID, thisUpdate/nextUpdate).
 */
import {
  AlertDescription,
  type ClientHello,
  type Extension,
  ExtensionType,
  findExtension,
  TlsError,
} from '@tlskit/wire';
import {
  type Certificate,
  CertificateError,
  checkOcspResponse,
  formatName,
  OcspError,
  parseCertificate,
  TrustStore,
} from '@tlskit/x509';
import type { HandshakeContext } from '../core/context.js';
import type { OcspInfo } from '../core/events.js';
import type {
  CertificateEntry,
  ClientOptions,
  CommonOptions,
  OcspStapleVerifier,
  ServerOptions,
} from '../core/options.js';
import type { PeerChain } from './verify.js';

/** RFC 6066 section 8: status_request with status_type ocsp, no responder IDs, no extensions. */
export function statusRequestExtension(): Extension {
  return {
    type: ExtensionType.statusRequest,
    request: { responderIds: [], requestExtensions: new Uint8Array(0) },
  };
}

/** Whether the ClientHello asks for an OCSP staple. */
export function clientWantsStaple(ch: ClientHello): boolean {
  return findExtension(ch.extensions, ExtensionType.statusRequest)?.request !== undefined;
}

/**
 * Server: the OCSP response to staple for `entry`, if the client asked for one: from the
 * `ocspStapling` hook when set, otherwise the entry's `ocspResponse`.
 */
export async function stapleFor(
  options: ServerOptions,
  ch: ClientHello,
  entry: CertificateEntry,
  serverName: string | undefined,
): Promise<Uint8Array | undefined> {
  if (!clientWantsStaple(ch)) return undefined;
  const hook = options.ocspStapling;
  const staple =
    hook === undefined ? entry.ocspResponse : await hook({ chain: entry.chain, serverName });
  // RFC 6066 8: OCSPResponse<1..2^24-1>; an empty answer means "nothing to staple".
  return staple === undefined || staple.length === 0 ? undefined : staple;
}

/** The DER of `options.ca`, whichever form it was given in. */
function anchorsOf(ca: CommonOptions['ca']): readonly Uint8Array[] {
  if (ca === undefined) return [];
  return ca instanceof TrustStore ? ca.anchors.map((anchor) => anchor.der) : ca;
}

/** The certificate among `candidates` whose subject is `leaf`'s issuer (the first that parses). */
function findIssuer(leaf: Certificate, candidates: readonly Uint8Array[]): Certificate[] {
  const out: Certificate[] = [];
  for (const der of candidates) {
    try {
      const candidate = parseCertificate(der);
      if (candidate.subject.key === leaf.issuer.key) out.push(candidate);
    } catch {
      // Not a certificate we can read: it cannot be the issuer either.
    }
  }
  return out;
}

const missing = (message: string) =>
  new TlsError('ERR_OCSP_MISSING', AlertDescription.badCertificateStatusResponse, message);

/** Runs the caller's staple verifier; an error that is not a TlsError refuses the staple. */
async function callStapleVerifier(
  verify: OcspStapleVerifier,
  response: Uint8Array | undefined,
  chain: readonly Uint8Array[],
): Promise<OcspInfo['status']> {
  try {
    return await verify(response, chain);
  } catch (error) {
    if (error instanceof TlsError) throw error;
    throw new TlsError(
      'ERR_OCSP_REJECTED',
      AlertDescription.badCertificateStatusResponse,
      'the OCSP staple verifier rejected the staple',
      { cause: error },
    );
  }
}

/**
 * Client: judges the server's staple for the leaf of `chain`. `path` is the validated path the
 * verifier returned (leaf first, anchor last), where the issuer is found when the server did not
 * send it. A valid `revoked` answer is refused with certificate_revoked (ERR_CERT_REVOKED); an
 * invalid response with bad_certificate_status_response (an OcspError); a missing one (or
 * `unknown`) only when `requireOcspStaple` is set. Returns what the connection reports.
 */
export async function judgeStaple(
  engine: HandshakeContext,
  options: ClientOptions,
  peer: PeerChain,
  response: Uint8Array | undefined,
): Promise<OcspInfo> {
  const { chain, path } = peer;
  if (!peer.accepted.verified) return { status: 'unchecked', response };
  if (options.verifyOcspStaple !== undefined) {
    return {
      status: await callStapleVerifier(options.verifyOcspStaple, response, chain),
      response,
    };
  }
  const required = options.requireOcspStaple === true;
  if (response === undefined) {
    if (required) throw missing('the server stapled no OCSP response and one is required');
    return { status: 'none', response: undefined };
  }
  const leaf = parseCertificate(chain[0]!);
  // The validated path names the issuer; without one (a custom verifier), candidates come from
  // the chain and `ca`, and @tlskit/x509 checks that a candidate really signed the leaf.
  const issuers = findIssuer(
    leaf,
    path !== undefined && path.length > 1
      ? [path[1]!]
      : [...chain.slice(1), ...anchorsOf(options.ca)],
  );
  if (issuers.length === 0) {
    throw new OcspError(
      'ERR_OCSP_WRONG_CERTIFICATE',
      `the issuer of the stapled OCSP response's certificate (${formatName(leaf.issuer)}) is unknown`,
    );
  }
  let failure: unknown;
  for (const issuer of issuers) {
    try {
      const result = await checkOcspResponse({
        response,
        certificate: leaf,
        issuer,
        provider: engine.provider,
        time: engine.now(),
      });
      if (result.status === 'revoked') {
        throw new CertificateError(
          'ERR_CERT_REVOKED',
          `the stapled OCSP response says ${formatName(leaf.subject)} is revoked`,
        );
      }
      if (result.status === 'unknown' && required) {
        throw missing('the stapled OCSP response says the certificate status is unknown');
      }
      return { status: result.status, response };
    } catch (error) {
      // Two CAs may share a name: only "not about this certificate" lets another one try.
      if (!(error instanceof OcspError) || error.code !== 'ERR_OCSP_WRONG_CERTIFICATE') throw error;
      failure = error;
    }
  }
  throw failure;
}
