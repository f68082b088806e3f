/**
 * The certificate checks of a scan, on the chain the server sent: validation with @tlskit/x509
 * against Node's roots or `--ca`, then the properties clients and CAs care about (dates, name,
 * key size, SHA-1, lifetime, OCSP staple, SCTs). Each problem is one finding.
 */
import { createHash } from 'node:crypto';
import type { CryptoProvider } from '@tlskit/crypto';
import {
  type Certificate,
  CertificateError,
  formatIp,
  formatName,
  matchesHostname,
  oids,
  parseCertificate,
  type TrustStore,
  verifyChain,
} from '@tlskit/x509';
import { type Finding, finding } from './findings.js';

/** One certificate of the chain, as a report shows it. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** e.g. `RSA 2048`, `EC secp256r1`, `Ed25519`. */
  readonly key: string;
  /** The signature algorithm OID's name, e.g. `sha256WithRSAEncryption`. */
  readonly signatureAlgorithm: string;
  /** DNS names and IP addresses of subjectAltName. */
  readonly names: readonly string[];
  /** SHA-256 of the DER, hex. */
  readonly sha256: string;
}

/** What the certificate checks found. */
export interface CertificateReport {
  /** Leaf first, as sent. */
  readonly chain: readonly CertificateSummary[];
  /** The chain validated (dates and name aside) to a trust anchor. */
  readonly trusted: boolean;
  /** Why it did not: `CODE: message`. */
  readonly verifyError: string | null;
  /** The leaf covers the host name (or IP) the scan asked for. */
  readonly matchesHost: boolean;
  /** Null when the server was not asked (TLS 1.3 only: the staple is encrypted). */
  readonly ocspStapled: boolean | null;
  /** SCTs in the certificate and the TLS extension; null when not asked. */
  readonly scts: number | null;
  readonly findings: readonly Finding[];
}

/** What the checks need besides the chain. */
export interface CertificateCheckOptions {
  /** The name clients use: the SNI, or the host (a name or an IP address). */
  readonly host: string;
  readonly trustStore: TrustStore;
  /** True when checking against Node's (public) roots: OCSP and CT then apply. */
  readonly publicTrust: boolean;
  readonly provider: CryptoProvider;
  readonly now: Date;
  readonly ocspStapled: boolean | null;
  /** SCTs delivered in the TLS extension (RFC 6962 3.3); null when not asked. */
  readonly extensionScts: number | null;
}

const signatureNames: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

// Signatures whose hash is SHA-1 (or worse, MD5): collisions are practical.
const weakHashSignatures = new Set([
  '1.2.840.113549.1.1.4',
  '1.2.840.113549.1.1.5',
  '1.2.840.10045.4.1',
  '1.2.840.10040.4.3',
]);

const DAY = 86_400;
/** CA/Browser Forum Baseline Requirements 6.3.2 (since September 2020). */
const MAX_VALIDITY_DAYS = 398;

/** Checks the chain the server sent (leaf first). */
export async function checkCertificates(
  ders: readonly Uint8Array[],
  options: CertificateCheckOptions,
): Promise<CertificateReport> {
  let chain: Certificate[];
  try {
    chain = ders.map((der) => parseCertificate(der));
  } catch (error) {
    // A certificate no client can read: the one finding that matters.
    if (!(error instanceof CertificateError)) throw error;
    const verifyError = `${error.code}: ${error.message}`;
    return {
      chain: [],
      trusted: false,
      verifyError,
      matchesHost: false,
      ocspStapled: options.ocspStapled,
      scts: null,
      findings: [finding('certificate-invalid', verifyError)],
    };
  }
  const [leaf] = chain;
  if (leaf === undefined) {
    return {
      chain: [],
      trusted: false,
      verifyError: 'the server sent no certificate',
      matchesHost: false,
      ocspStapled: options.ocspStapled,
      scts: null,
      findings: [],
    };
  }
  const findings: Finding[] = [];
  const now = Math.floor(options.now.getTime() / 1000);
  findings.push(...dateFindings(chain, now));
  const matchesHost = matchesHostname(leaf, options.host);
  if (!matchesHost) {
    findings.push(
      finding(
        'certificate-wrong-host',
        `${options.host} is not among ${namesOf(leaf).join(', ') || formatName(leaf.subject)}`,
      ),
    );
  }
  const { trusted, verifyError, finding: trustFinding } = await checkTrust(chain, options);
  if (trustFinding) findings.push(trustFinding);
  findings.push(...keyFindings(chain, options.trustStore));
  const lifetime = (leaf.notAfter - leaf.notBefore) / DAY;
  if (lifetime > MAX_VALIDITY_DAYS) {
    findings.push(finding('certificate-long-validity', `valid for ${Math.round(lifetime)} days`));
  }
  const embedded = leaf.extensions.some((e) => e.oid === oids.ctPrecertificateScts) ? 1 : 0;
  const scts = options.extensionScts === null ? null : embedded + options.extensionScts;
  // OCSP stapling and CT are public-PKI requirements: a private CA (--ca) has neither.
  if (options.publicTrust && trusted) {
    if (options.ocspStapled === false) {
      findings.push(finding('certificate-no-ocsp-staple', 'the server sent no CertificateStatus'));
    }
    if (scts === 0) {
      findings.push(
        finding('certificate-no-sct', 'neither the certificate nor the handshake carries SCTs'),
      );
    }
  }
  return {
    chain: chain.map(summarize),
    trusted,
    verifyError,
    matchesHost,
    ocspStapled: options.ocspStapled,
    scts,
    findings,
  };
}

function dateFindings(chain: readonly Certificate[], now: number): Finding[] {
  const findings: Finding[] = [];
  const expired = chain.filter((c) => c.notAfter < now);
  const early = chain.filter((c) => c.notBefore > now);
  if (expired.length > 0) {
    findings.push(
      finding(
        'certificate-expired',
        expired.map((c) => `${formatName(c.subject)} expired ${iso(c.notAfter)}`).join('; '),
      ),
    );
  }
  if (early.length > 0) {
    findings.push(
      finding(
        'certificate-not-yet-valid',
        early.map((c) => `${formatName(c.subject)} is valid from ${iso(c.notBefore)}`).join('; '),
      ),
    );
  }
  return findings;
}

/**
 * Validates the chain with the host name and dates left out (they are findings of their own),
 * and names why it fails: a self-signed leaf, a chain that stops short of a root (missing
 * intermediate), or a root nobody trusts.
 */
async function checkTrust(
  chain: readonly Certificate[],
  options: CertificateCheckOptions,
): Promise<{ trusted: boolean; verifyError: string | null; finding?: Finding }> {
  const [leaf, ...intermediates] = chain as [Certificate, ...Certificate[]];
  // Validate at a time when every certificate is within its dates, so an expired certificate
  // is reported as expired and not also as untrusted.
  const latestStart = Math.max(...chain.map((c) => c.notBefore));
  const earliestEnd = Math.min(...chain.map((c) => c.notAfter));
  const now = options.now.getTime() / 1000;
  const time = latestStart <= earliestEnd ? Math.min(Math.max(now, latestStart), earliestEnd) : now;
  try {
    await verifyChain({
      leaf,
      intermediates,
      trustStore: options.trustStore,
      provider: options.provider,
      time: time * 1000,
      purpose: 'serverAuth',
    });
    return { trusted: true, verifyError: null };
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    const verifyError = `${error.code}: ${error.message}`;
    // Dates are findings of their own (when no time suits every certificate, validation fails on them).
    if (error.code === 'ERR_CERT_EXPIRED' || error.code === 'ERR_CERT_NOT_YET_VALID') {
      return { trusted: false, verifyError };
    }
    if (error.code !== 'ERR_CERT_UNKNOWN_ISSUER') {
      // Weak keys and SHA-1 are reported by name; anything else is a broken chain.
      if (error.code === 'ERR_CERT_UNSUPPORTED_ALGORITHM' && hasWeakAlgorithm(chain)) {
        return { trusted: false, verifyError };
      }
      return { trusted: false, verifyError, finding: finding('certificate-invalid', verifyError) };
    }
    const last = chain[chain.length - 1] as Certificate;
    if (chain.length === 1 && leaf.selfIssued) {
      return {
        trusted: false,
        verifyError,
        finding: finding('certificate-self-signed', `${formatName(leaf.subject)} issued itself`),
      };
    }
    if (!last.selfIssued && options.trustStore.bySubject(last.issuer.key).length === 0) {
      return {
        trusted: false,
        verifyError,
        finding: finding(
          'certificate-chain-incomplete',
          `the server sends ${chain.length} certificate(s); the issuer of the last, ${formatName(last.issuer)}, is neither sent nor a trust anchor`,
        ),
      };
    }
    return {
      trusted: false,
      verifyError,
      finding: finding('certificate-untrusted', `root ${formatName(last.issuer)} is not trusted`),
    };
  }
}

function hasWeakAlgorithm(chain: readonly Certificate[]): boolean {
  return chain.some((c) => weakHashSignatures.has(c.signatureAlgorithm.oid) || isWeakKey(c));
}

function isWeakKey(c: Certificate): boolean {
  const { algorithm, bits } = c.publicKey;
  if (bits === undefined) return false;
  if (algorithm === 'rsa' || algorithm === 'rsa-pss' || algorithm === 'dsa') return bits < 2048;
  if (algorithm === 'ec') return bits < 256;
  return false;
}

// Key size and signature hash of every certificate the server sends; a trust anchor's own
// self-signature is never checked by clients, so it does not count.
function keyFindings(chain: readonly Certificate[], anchors: TrustStore): Finding[] {
  const findings: Finding[] = [];
  const weakKeys = chain.filter(isWeakKey);
  if (weakKeys.length > 0) {
    findings.push(
      finding(
        'certificate-weak-key',
        weakKeys.map((c) => `${formatName(c.subject)}: ${keyName(c)}`).join('; '),
      ),
    );
  }
  const sha1 = chain.filter(
    (c) => weakHashSignatures.has(c.signatureAlgorithm.oid) && !(c.selfIssued && anchors.has(c)),
  );
  if (sha1.length > 0) {
    findings.push(
      finding(
        'certificate-sha1',
        sha1
          .map((c) => `${formatName(c.subject)}: ${signatureName(c.signatureAlgorithm.oid)}`)
          .join('; '),
      ),
    );
  }
  return findings;
}

function summarize(c: Certificate): CertificateSummary {
  return {
    subject: formatName(c.subject),
    issuer: formatName(c.issuer),
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    key: keyName(c),
    signatureAlgorithm: signatureName(c.signatureAlgorithm.oid),
    names: namesOf(c),
    sha256: fingerprint(c.der),
  };
}

/** SHA-256 of a DER certificate, hex: how the SNI probes tell certificates apart. */
export function fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** The subject of a DER certificate, or why it does not parse. */
export function subjectOf(der: Uint8Array): string {
  try {
    return formatName(parseCertificate(der).subject);
  } catch (error) {
    return `(unparseable: ${error instanceof Error ? error.message : String(error)})`;
  }
}

function namesOf(c: Certificate): string[] {
  const names: string[] = [];
  for (const n of c.subjectAltNames ?? []) {
    if (n.kind === 'dns') names.push(n.value);
    if (n.kind === 'ip') names.push(formatIp(n.bytes));
  }
  return names;
}

function keyName(c: Certificate): string {
  const { algorithm, bits, curve } = c.publicKey;
  if (algorithm === 'ec') return `EC ${curve ?? '?'}${bits === undefined ? '' : ` (${bits} bits)`}`;
  if (algorithm === 'ed25519') return 'Ed25519';
  if (algorithm === 'ed448') return 'Ed448';
  return `${algorithm.toUpperCase()}${bits === undefined ? '' : ` ${bits}`}`;
}

function signatureName(oid: string): string {
  return signatureNames[oid] ?? oid;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
