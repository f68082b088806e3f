import {
  type Certificate,
  parseCertificate,
  type PublicKeyInfo,
  signatureScheme,
} from '@tlskit/x509';
import { type ClientHello, ExtensionType, findExtension } from '@tlskit/wire';
import { AlertDescription, TlsError, isTlsError } from '@tlskit/wire';
import type { CertificateEntry, CertificateRequestInfo, ClientOptions } from '../core/options.js';

/** `*.example.com` matches exactly one leftmost label; names compare case-insensitively. */
function hostMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p.startsWith('*.')) {
    const dot = n.indexOf('.');
    return dot > 0 && n.slice(dot + 1) === p.slice(2);
  }
  return p === n;
}

const issuerKinds: readonly PublicKeyInfo['algorithm'][] = ['rsa', 'ec', 'ed25519', 'rsa-pss'];

/**
 * The SignatureScheme a certificate was signed with. The issuer is the next certificate of the
 * chain; past the end of the chain (the issuer is a trust anchor the server does not send) the
 * first key type that makes the algorithm valid names the scheme.
 */
function schemeOf(certificate: Certificate, issuer: Certificate | undefined): number | undefined {
  if (issuer !== undefined)
    return signatureScheme(certificate.signatureAlgorithm, issuer.publicKey);
  for (const algorithm of issuerKinds) {
    try {
      return signatureScheme(certificate.signatureAlgorithm, { algorithm, der: new Uint8Array(0) });
    } catch {
      // Not this key type: try the next one.
    }
  }
  return undefined;
}

const chainSchemes = new WeakMap<CertificateEntry, readonly number[] | null>();

/** The schemes the entry's certificates are signed with, or null when they cannot be read. */
function schemesOf(entry: CertificateEntry): readonly number[] | null {
  let schemes = chainSchemes.get(entry);
  if (schemes !== undefined) return schemes;
  try {
    const certs = entry.chain.map((der) => parseCertificate(der));
    schemes = certs.map((c, i) => schemeOf(c, certs[i + 1]) ?? -1);
  } catch {
    schemes = null;
  }
  chainSchemes.set(entry, schemes);
  return schemes;
}

/**
 * The certificates to try, best first: by server_name (entries that name it, then entries for
 * any name), then, among those, chains signed only with schemes the peer accepts in certificates
 * (RFC 8446 4.2.3 / 4.4.2.2: signature_algorithms_cert, else signature_algorithms). When no name
 * fits, every entry (a client may still accept one); a chain outside the peer's schemes is still
 * sent when nothing better exists, as RFC 8446 4.4.2.2 says.
 */
export function certificatesFor(
  entries: readonly CertificateEntry[],
  serverName: string | undefined,
  certSchemes: readonly number[] | undefined,
): readonly CertificateEntry[] {
  const nameRank = (e: CertificateEntry): number => {
    if (e.serverNames === undefined) return 1;
    if (serverName === undefined) return 0;
    return e.serverNames.some((n) => hostMatches(n, serverName)) ? 2 : 0;
  };
  const signedWithin = (e: CertificateEntry): number => {
    const schemes = schemesOf(e);
    if (certSchemes === undefined || schemes === null) return 0;
    return schemes.every((s) => certSchemes.includes(s)) ? 1 : 0;
  };
  const rank = (e: CertificateEntry): number => nameRank(e) * 2 + signedWithin(e);
  const named = entries.filter((e) => nameRank(e) > 0);
  return [...(named.length > 0 ? named : entries)].sort((a, b) => rank(b) - rank(a));
}

/**
 * Client: the certificates to choose from for one CertificateRequest: what
 * `clientCertCallback` answers when it is set, otherwise `certificate`. A callback's TlsError
 * fails the handshake as it is; any other error as internal_error.
 */
export async function clientCertificatesFor(
  options: ClientOptions,
  request: CertificateRequestInfo,
): Promise<CertificateEntry | readonly CertificateEntry[] | undefined> {
  const callback = options.clientCertCallback;
  if (callback === undefined) return options.certificate;
  try {
    return await callback(request);
  } catch (error) {
    if (isTlsError(error)) throw error;
    throw new TlsError(
      'ERR_CLIENT_CERT_CALLBACK',
      AlertDescription.internalError,
      'clientCertCallback failed',
      { cause: error },
    );
  }
}

/**
 * Client: the first of our certificates (in the caller's order) for which `scheme` finds a
 * signature scheme the CertificateRequest accepts, with that scheme; undefined when none fits
 * (we then send an empty Certificate, RFC 8446 4.4.2 / RFC 5246 7.4.6).
 */
export function chooseClientCertificate(
  option: CertificateEntry | readonly CertificateEntry[] | undefined,
  scheme: (entry: CertificateEntry) => number | undefined,
): { entry: CertificateEntry; scheme: number } | undefined {
  const entries: readonly CertificateEntry[] =
    option === undefined ? [] : 'chain' in option ? [option] : option;
  for (const entry of entries) {
    const chosen = scheme(entry);
    if (chosen !== undefined) return { entry, scheme: chosen };
  }
  return undefined;
}

/** RFC 8446 4.2.3: signature_algorithms_cert, or signature_algorithms when it is absent. */
export function certSchemes(ch: ClientHello): readonly number[] | undefined {
  return (
    findExtension(ch.extensions, ExtensionType.signatureAlgorithmsCert)?.schemes ??
    findExtension(ch.extensions, ExtensionType.signatureAlgorithms)?.schemes
  );
}
