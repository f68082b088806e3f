/**
 * Certificates in the shape `node:tls` gives them (`getPeerCertificate()`, the second argument
 * of `checkServerIdentity`), so code written for node:tls, `tls.checkServerIdentity` included,
 * reads them unchanged. Built from node:crypto's `X509Certificate`, on demand.
 */
import { X509Certificate } from 'node:crypto';
import { type Certificate, verifyHostname } from '@tlskit/x509';
import type { ChainIdentityCheck } from './peer-verifier.js';

/** Subject or issuer attributes by short name (`CN`, `O`...), node:tls's `Certificate`. */
export type DistinguishedName = Partial<Record<string, string | string[]>>;

/** What `getPeerCertificate()` returns: node:tls's `PeerCertificate`. */
export interface PeerCertificate {
  /** Subject attributes, e.g. `{ CN: 'example.com', O: 'Example' }` (repeated ones as arrays). */
  subject: DistinguishedName;
  /** Issuer attributes, as `subject`. */
  issuer: DistinguishedName;
  /** The subjectAltName names as OpenSSL prints them: `DNS:example.com, IP Address:192.0.2.1`. */
  subjectaltname?: string | undefined;
  /** Authority information access, e.g. `{ 'OCSP - URI': ['http://ocsp.example'] }`. */
  infoAccess?: Record<string, string[]> | undefined;
  /** True for a CA certificate (basicConstraints cA). */
  ca: boolean;
  /** RSA modulus, upper-case hex. */
  modulus?: string | undefined;
  /** RSA public exponent, e.g. `0x10001`. */
  exponent?: string | undefined;
  /** Key size in bits (RSA modulus, EC curve). */
  bits?: number | undefined;
  /** The public key: SubjectPublicKeyInfo DER for RSA, the uncompressed point for EC. */
  pubkey?: Buffer | undefined;
  /** EC curve, OpenSSL's name (`prime256v1`). */
  asn1Curve?: string | undefined;
  /** EC curve, NIST name (`P-256`). */
  nistCurve?: string | undefined;
  valid_from: string;
  valid_to: string;
  /** SHA-1 of the DER, colon-separated upper-case hex. */
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  /** Extended key usage OIDs, e.g. `['1.3.6.1.5.5.7.3.1']`. */
  ext_key_usage?: string[] | undefined;
  /** Upper-case hex. */
  serialNumber: string;
  /** The certificate, DER. */
  raw: Buffer;
}

/**
 * What `getPeerCertificate(true)` returns: each certificate links to its issuer, up to the trust
 * anchor, whose `issuerCertificate` is itself (as node:tls).
 */
export interface DetailedPeerCertificate extends PeerCertificate {
  issuerCertificate: DetailedPeerCertificate;
}

const nistCurves: Readonly<Record<string, { name: string; bits: number }>> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
};

/** node:crypto's one-attribute-per-line text as node:tls's object (null prototype, like node). */
function distinguishedName(text: string): DistinguishedName {
  const out: DistinguishedName = Object.create(null);
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1);
    const previous = out[key];
    out[key] =
      previous === undefined
        ? value
        : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return out;
}

/** `OCSP - URI:http://a\nCA Issuers - URI:http://b` as `{ 'OCSP - URI': [...], ... }`. */
function infoAccess(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    out[key] = [...(out[key] ?? []), line.slice(at + 1)];
  }
  return out;
}

function fromBase64Url(text: string | undefined): Buffer {
  return Buffer.from(text ?? '', 'base64url');
}

/** The public key fields node:tls adds: RSA modulus and exponent, EC curve and point. */
function keyFields(x509: X509Certificate): Partial<PeerCertificate> {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && details?.modulusLength !== undefined) {
    const jwk = key.export({ format: 'jwk' });
    return {
      modulus: fromBase64Url(jwk.n).toString('hex').toUpperCase(),
      bits: details.modulusLength,
      exponent: `0x${(details.publicExponent ?? 0n).toString(16)}`,
      pubkey: key.export({ format: 'der', type: 'spki' }),
    };
  }
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve !== undefined) {
    const jwk = key.export({ format: 'jwk' });
    const nist = nistCurves[details.namedCurve];
    return {
      ...(nist === undefined ? {} : { bits: nist.bits }),
      pubkey: Buffer.concat([Buffer.of(4), fromBase64Url(jwk.x), fromBase64Url(jwk.y)]),
      asn1Curve: details.namedCurve,
      ...(nist === undefined ? {} : { nistCurve: nist.name }),
    };
  }
  return {};
}

/** One certificate (DER) as node:tls's `PeerCertificate`, field for field. */
export function toPeerCertificate(der: Uint8Array): PeerCertificate {
  const x509 = new X509Certificate(der);
  const extKeyUsage = x509.keyUsage;
  return {
    subject: distinguishedName(x509.subject),
    issuer: distinguishedName(x509.issuer),
    ...(x509.subjectAltName === undefined ? {} : { subjectaltname: x509.subjectAltName }),
    ...(x509.infoAccess === undefined ? {} : { infoAccess: infoAccess(x509.infoAccess) }),
    ca: x509.ca,
    ...keyFields(x509),
    valid_from: x509.validFrom,
    valid_to: x509.validTo,
    fingerprint: x509.fingerprint,
    fingerprint256: x509.fingerprint256,
    fingerprint512: x509.fingerprint512,
    ...(extKeyUsage === undefined ? {} : { ext_key_usage: extKeyUsage }),
    serialNumber: x509.serialNumber,
    raw: Buffer.from(der),
  };
}

/**
 * A chain (leaf first) as linked `DetailedPeerCertificate`s: each one's `issuerCertificate` is
 * the next, and the last one's is itself. Undefined for an empty chain.
 */
export function toDetailedPeerCertificate(
  chain: readonly Uint8Array[],
): DetailedPeerCertificate | undefined {
  const described = chain.map((der) => toPeerCertificate(der) as DetailedPeerCertificate);
  described.forEach((cert, i) => {
    cert.issuerCertificate = described[i + 1] ?? cert;
  });
  return described[0];
}

/**
 * node:tls's hook: return an Error to reject the server, undefined to accept. It receives the
 * certificate as node:tls gives it (`getPeerCertificate(true)`: the verified chain up to the
 * trust anchor), so `tls.checkServerIdentity` from node:tls can be called from it.
 */
export type CheckServerIdentity = (
  hostname: string,
  certificate: DetailedPeerCertificate,
) => Error | undefined;

/**
 * tlskit's own host name check, what `connect()` runs when given no `checkServerIdentity`:
 * RFC 9525 (subjectAltName only, wildcards in the leftmost label, IP addresses as iPAddress).
 * Returns an Error with `code` `ERR_CERT_HOSTNAME_MISMATCH` naming the names the certificate is
 * valid for, or undefined. Same signature as node:tls's, to chain from a custom check.
 */
export function checkServerIdentity(
  hostname: string,
  certificate: { readonly raw: Uint8Array },
): Error | undefined {
  try {
    verifyHostname(new Uint8Array(certificate.raw), hostname);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** A node:tls `checkServerIdentity` as the verifier's hook: the chain becomes node's object. */
export function nodeIdentityCheck(check: CheckServerIdentity): ChainIdentityCheck {
  return (hostname, chain: readonly Certificate[]) =>
    check(hostname, toDetailedPeerCertificate(chain.map((certificate) => certificate.der))!);
}
