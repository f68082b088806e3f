import type { CryptoProvider, PublicKey } from '@tlskit/crypto';
import {
  type Certificate,
  type KeyUsage,
  keyUsageBit,
  parseCertificate,
  serialHex,
} from './certificate.js';
import { type Crl, parseCrl } from './crl.js';
import { equalBytes } from './der.js';
import { CertificateError } from './errors.js';
import {
  type HostnameOptions,
  hostnameMismatch,
  matchesEmail,
  matchesHostname,
  matchesIp,
} from './hostname.js';
import { type Budget, checkNameConstraints } from './name-constraints.js';
import { formatName } from './name.js';
import { oids } from './oids.js';
import { checkPolicies } from './policy.js';
import { allowsPurpose, checkIssuer, checkLeaf, type Profile } from './profile.js';
import { signatureScheme } from './spki.js';
import { derKey, TrustStore } from './trust-store.js';

/** The part of a {@link CryptoProvider} that certificate validation uses. */
export type SignatureVerifier = Pick<CryptoProvider, 'importPublicKey' | 'verify'>;

/** Bounds on the work one `verifyChain` call may do (defaults in brackets). */
export interface VerifyLimits {
  /** Signature verifications [100]. */
  readonly signatureChecks?: number;
  /** Candidate issuers considered while building paths [1000]. */
  readonly pathBuildSteps?: number;
  /** Name-versus-constraint comparisons [65536]. */
  readonly nameConstraintChecks?: number;
}

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions extends HostnameOptions {
  /** The end-entity certificate (DER or parsed). */
  readonly leaf: Certificate | Uint8Array;
  /** Certificates the peer sent besides the leaf, in any order. Ones that do not parse are ignored. */
  readonly intermediates?: readonly (Certificate | Uint8Array)[];
  readonly trustStore: TrustStore;
  /** Verifies signatures (`nobleProvider` from @tlskit/crypto, or any CryptoProvider). */
  readonly provider: SignatureVerifier;
  /** Validation time [now]. */
  readonly time?: Date | number;
  /**
   * Required extended key usage of the leaf: `serverAuth` [default], `clientAuth`, a dotted
   * OID, or null to accept any.
   */
  readonly purpose?: 'serverAuth' | 'clientAuth' | string | null;
  /** The DNS host name or IP literal the leaf must be valid for. */
  readonly hostname?: string;
  /** An IP address (text, or 4/16 bytes) the leaf must carry in an iPAddress SAN. */
  readonly ip?: string | Uint8Array;
  /** A mailbox the leaf must carry in an rfc822Name SAN. */
  readonly email?: string;
  /** keyUsage bits the leaf must assert if it has a keyUsage extension. */
  readonly keyUsage?: readonly KeyUsage[];
  /**
   * CRLs (DER) to check every non-anchor certificate of the path against. A CRL for a
   * certificate of the path must be current: thisUpdate <= time <= nextUpdate (when present).
   */
  readonly crls?: readonly Uint8Array[];
  /** Seconds of clock skew allowed around a CRL's thisUpdate and nextUpdate [0]. */
  readonly crlMaxSkew?: number;
  /**
   * Reject a leaf whose subject commonName is not a copy of one of its SANs (CA/B Forum BR
   * 7.1.4.3) [false]. Off by default: browsers do not enforce it, and the CN is never used for
   * name matching here anyway.
   */
  readonly checkCommonName?: boolean;
  /** Rule set [webpki]. */
  readonly profile?: Profile;
  /** Most intermediates (not counting self-issued ones) a path may have [8]. */
  readonly maxIntermediates?: number;
  readonly limits?: VerifyLimits;
}

/** The result of a successful validation. */
export interface VerifiedChain {
  /** The path: leaf first, trust anchor last. */
  readonly chain: readonly Certificate[];
  readonly leaf: Certificate;
  readonly anchor: Certificate;
}

/** Absolute cap on the number of certificates in a path, whatever the options say. */
const maxPathCertificates = 16;

const purposes: Record<string, string> = {
  serverAuth: oids.serverAuth,
  clientAuth: oids.clientAuth,
};

interface Candidate {
  readonly certificate: Certificate;
  readonly anchor: boolean;
}

/** One validation attempt's state: options resolved once, caches shared across candidate paths. */
class Validation {
  readonly time: number;
  readonly profile: Profile;
  readonly purpose: string | null;
  readonly maxIntermediates: number;
  keyUsage: number;
  readonly crls: Crl[];
  readonly crlSkew: number;
  signatureChecks: number;
  pathBuildSteps: number;
  readonly budget: Budget;
  readonly pool = new Map<string, Certificate[]>();
  readonly keys = new Map<Certificate, Promise<PublicKey | null>>();
  readonly signatures = new Map<string, Promise<boolean>>();
  readonly checked = new Map<Certificate, CertificateError | null>();
  /** The most informative failure seen so far: errors of complete paths beat path-building ones. */
  failure: CertificateError | null = null;
  failureRank = -1;

  constructor(readonly options: VerifyChainOptions) {
    if (!(options.trustStore instanceof TrustStore)) {
      throw new TypeError('verifyChain: trustStore must be a TrustStore (new TrustStore(anchors))');
    }
    if (
      typeof options.provider?.verify !== 'function' ||
      typeof options.provider.importPublicKey !== 'function'
    ) {
      throw new TypeError(
        'verifyChain: provider must be a CryptoProvider (e.g. nobleProvider from @tlskit/crypto)',
      );
    }
    const time = options.time ?? Date.now();
    // RFC 5280 4.1.2.5 times have one-second resolution; compare whole seconds.
    this.time = Math.floor((typeof time === 'number' ? time : time.getTime()) / 1000);
    if (!Number.isFinite(this.time)) throw new TypeError('verifyChain: time is not a valid date');
    this.profile = options.profile ?? 'webpki';
    if (this.profile !== 'webpki' && this.profile !== 'rfc5280') {
      throw new TypeError(`verifyChain: unknown profile ${String(this.profile)}`);
    }
    const purpose = options.purpose === undefined ? 'serverAuth' : options.purpose;
    this.purpose = purpose === null ? null : (purposes[purpose] ?? purpose);
    if (this.purpose !== null && !/^\d+(\.\d+)+$/.test(this.purpose)) {
      throw new TypeError(`verifyChain: purpose must be serverAuth, clientAuth, an OID or null`);
    }
    this.maxIntermediates = options.maxIntermediates ?? 8;
    this.keyUsage = 0;
    for (const usage of options.keyUsage ?? []) {
      const bit = keyUsageBit[usage];
      if (bit === undefined) throw new TypeError(`verifyChain: unknown keyUsage ${String(usage)}`);
      this.keyUsage |= 1 << bit;
    }
    this.signatureChecks = options.limits?.signatureChecks ?? 100;
    this.pathBuildSteps = options.limits?.pathBuildSteps ?? 1000;
    this.budget = { remaining: options.limits?.nameConstraintChecks ?? 65536 };
    this.crls = (options.crls ?? []).map((der) => parseCrl(der));
    this.crlSkew = options.crlMaxSkew ?? 0;
    for (const item of options.intermediates ?? []) {
      let certificate: Certificate;
      try {
        certificate = item instanceof Uint8Array ? parseCertificate(item) : item;
      } catch {
        continue;
      }
      const list = this.pool.get(certificate.subject.key);
      if (list) list.push(certificate);
      else this.pool.set(certificate.subject.key, [certificate]);
    }
  }

  record(error: unknown, rank: number): void {
    if (!(error instanceof CertificateError)) throw error;
    if (error.code === 'ERR_CERT_WORK_LIMIT') throw error;
    if (rank > this.failureRank) {
      this.failure = error;
      this.failureRank = rank;
    }
  }

  /** Issuer candidates for `child`: trust anchors first, then intermediates; a different key id rules one out. */
  candidates(child: Certificate, path: readonly Certificate[]): Candidate[] {
    const out: Candidate[] = [];
    const inPath = new Set(path.map((c) => derKey(c.der)));
    const keyId = child.authorityKeyIdentifier?.keyIdentifier;
    const consider = (certificate: Certificate, anchor: boolean) => {
      if (inPath.has(derKey(certificate.der))) return;
      // RFC 5280 4.2.1.1: the AKI names the issuer's key; a different SKI is a different key.
      const ski = certificate.subjectKeyIdentifier;
      if (keyId !== undefined && ski !== undefined && !equalBytes(keyId, ski)) return;
      if (!anchor && this.options.trustStore.has(certificate)) return;
      out.push({ certificate, anchor });
    };
    for (const anchor of this.options.trustStore.bySubject(child.issuer.key))
      consider(anchor, true);
    for (const certificate of this.pool.get(child.issuer.key) ?? []) consider(certificate, false);
    return out;
  }

  async publicKey(certificate: Certificate): Promise<PublicKey | null> {
    let key = this.keys.get(certificate);
    if (key === undefined) {
      key = this.options.provider.importPublicKey(certificate.publicKey.der).catch(() => null);
      this.keys.set(certificate, key);
    }
    return key;
  }

  /** Verifies that `issuer`'s key signed `signed` (a certificate or CRL); cached per pair. */
  async verifySignature(
    signed: Pick<Certificate, 'tbs' | 'signature' | 'signatureAlgorithm' | 'der'>,
    issuer: Certificate,
  ): Promise<boolean> {
    const id = `${derKey(signed.der)}\u0000${derKey(issuer.der)}`;
    let result = this.signatures.get(id);
    if (result === undefined) {
      if (--this.signatureChecks < 0) {
        throw new CertificateError(
          'ERR_CERT_WORK_LIMIT',
          'path building exceeded its signature-check bound',
        );
      }
      const scheme = signatureScheme(signed.signatureAlgorithm, issuer.publicKey);
      result = this.publicKey(issuer).then((key) =>
        key === null
          ? false
          : this.options.provider
              .verify(scheme, key, signed.tbs, signed.signature)
              .catch(() => false),
      );
      this.signatures.set(id, result);
    }
    return result;
  }

  /** Static checks of one certificate in one role, memoised. */
  checkOnce(certificate: Certificate, anchor: boolean): void {
    let error = this.checked.get(certificate);
    if (error === undefined) {
      try {
        checkIssuer(certificate, { position: 'ca', anchor }, this.profile);
        error = null;
      } catch (e) {
        if (!(e instanceof CertificateError)) throw e;
        error = e;
      }
      this.checked.set(certificate, error);
    }
    if (error !== null) throw error;
  }

  /** Depth-first path building with backtracking (RFC 4158), bounded by the work limits. */
  async extend(path: Certificate[], intermediates: number): Promise<Certificate[] | null> {
    const child = path[path.length - 1]!;
    for (const { certificate, anchor } of this.candidates(child, path)) {
      if (--this.pathBuildSteps < 0) {
        throw new CertificateError('ERR_CERT_WORK_LIMIT', 'path building exceeded its step bound');
      }
      const depth = anchor || certificate.selfIssued ? intermediates : intermediates + 1;
      if (depth > this.maxIntermediates || path.length + 1 > maxPathCertificates) {
        this.record(
          new CertificateError('ERR_CERT_PATH_LENGTH', 'path exceeds the maximum depth'),
          1,
        );
        continue;
      }
      try {
        this.checkOnce(certificate, anchor);
        if (!(await this.verifySignature(child, certificate))) {
          throw new CertificateError(
            'ERR_CERT_BAD_SIGNATURE',
            `signature of ${formatName(child.subject)} does not verify with the key of ${formatName(certificate.subject)}`,
          );
        }
      } catch (error) {
        this.record(error, 1);
        continue;
      }
      const candidatePath = [...path, certificate];
      if (anchor) {
        try {
          await this.validatePath(candidatePath);
          return candidatePath;
        } catch (error) {
          this.record(error, 2);
        }
      } else {
        const found = await this.extend(candidatePath, depth);
        if (found !== null) return found;
      }
    }
    return null;
  }

  /** RFC 5280 section 6.1 over a complete path (leaf first, anchor last). */
  async validatePath(path: readonly Certificate[]): Promise<void> {
    const last = path.length - 1;
    for (let i = last; i >= 0; i--) {
      const certificate = path[i]!;
      // RFC 5280 6.1.3 (a)(2): notBefore <= time <= notAfter, both inclusive.
      if (this.time < certificate.notBefore) {
        throw new CertificateError(
          'ERR_CERT_NOT_YET_VALID',
          `${formatName(certificate.subject)} is not yet valid: ${validity(certificate, this.time)}`,
        );
      }
      if (this.time > certificate.notAfter) {
        throw new CertificateError(
          'ERR_CERT_EXPIRED',
          `${formatName(certificate.subject)} has expired: ${validity(certificate, this.time)}`,
        );
      }
      if (i > 0) {
        // RFC 5280 6.1.4 (l), (m): count the non-self-issued CA certificates below this one.
        const pathLength = certificate.basicConstraints?.pathLength;
        if (pathLength !== undefined) {
          let below = 0;
          for (let j = i - 1; j >= 1; j--) if (!path[j]!.selfIssued) below++;
          if (below > pathLength) {
            throw new CertificateError(
              'ERR_CERT_PATH_LENGTH',
              `${formatName(certificate.subject)} allows ${pathLength} intermediates below it, the path has ${below}`,
            );
          }
        }
        // Mozilla and the BR: an EKU in a CA constrains the purposes of what it issues.
        if (!allowsPurpose(certificate.extKeyUsage, this.purpose, true)) {
          throw new CertificateError(
            'ERR_CERT_PURPOSE',
            `${formatName(certificate.subject)} is not valid for the purpose`,
          );
        }
      }
      // RFC 5280 6.1.3 (b), (c): names of certificate i against the constraints above it;
      // self-issued intermediates are exempt.
      if (i < last && (i === 0 || !certificate.selfIssued)) {
        for (let j = i + 1; j <= last; j++) {
          const constraints = path[j]!.nameConstraints;
          if (constraints !== undefined)
            checkNameConstraints(certificate, constraints, this.budget);
        }
      }
    }
    checkPolicies(path);
    if (this.crls.length > 0) await this.checkRevocation(path);
  }

  /** RFC 5280 6.3, for the CRLs the caller passed: each non-anchor certificate against its issuer's CRLs. */
  async checkRevocation(path: readonly Certificate[]): Promise<void> {
    for (let i = 0; i + 1 < path.length; i++) {
      const certificate = path[i]!;
      const issuer = path[i + 1]!;
      for (const crl of this.crls) {
        if (crl.issuer.key !== certificate.issuer.key) continue;
        const ku = issuer.keyUsage;
        // RFC 5280 6.3.3 (f): the CRL issuer's keyUsage, if present, asserts cRLSign.
        if (ku !== undefined && (ku & (1 << keyUsageBit.cRLSign)) === 0) {
          throw new CertificateError('ERR_CERT_CRL_INVALID', 'CRL issuer keyUsage lacks cRLSign');
        }
        if (crl.defect !== undefined)
          throw new CertificateError('ERR_CERT_CRL_INVALID', `CRL: ${crl.defect}`);
        if (!(await this.verifySignature(crl, issuer))) {
          throw new CertificateError('ERR_CERT_CRL_INVALID', 'CRL signature does not verify');
        }
        // RFC 5280 6.3.3 (a), 5.1.2.4-5: a CRL speaks for [thisUpdate, nextUpdate]. One from the
        // future or past its nextUpdate cannot say the certificate is not revoked now.
        if (crl.thisUpdate > this.time + this.crlSkew) {
          throw new CertificateError(
            'ERR_CERT_CRL_NOT_YET_VALID',
            'CRL thisUpdate is in the future',
          );
        }
        if (crl.nextUpdate !== undefined && crl.nextUpdate < this.time - this.crlSkew) {
          throw new CertificateError('ERR_CERT_CRL_EXPIRED', 'CRL nextUpdate has passed');
        }
        if (crl.revoked.has(serialHex(certificate))) {
          throw new CertificateError(
            'ERR_CERT_REVOKED',
            `${formatName(certificate.subject)} is revoked`,
          );
        }
      }
    }
  }
}

/**
 * Validates a certificate chain: builds a path from `leaf` through `intermediates` to an
 * anchor of `trustStore` (backtracking over alternatives), checks it as RFC 5280 section 6
 * and the profile say, and checks the host name, IP address or mailbox asked for.
 *
 * Resolves with the path, or rejects with a {@link CertificateError} whose `code` says why
 * and whose `alert` is what the handshake sends.
 */
export async function verifyChain(options: VerifyChainOptions): Promise<VerifiedChain> {
  const validation = new Validation(options);
  const leaf = options.leaf instanceof Uint8Array ? parseCertificate(options.leaf) : options.leaf;
  const directlyTrusted = options.trustStore.has(leaf);
  // The leaf's own rules do not depend on the path, but a missing path is the more useful
  // report (an untrusted self-signed certificate is "unknown issuer", not "CA as leaf").
  let leafError: unknown;
  try {
    checkLeaf(leaf, validation.profile, {
      directlyTrusted,
      purpose: validation.purpose,
      keyUsage: validation.keyUsage,
      server:
        options.hostname !== undefined ||
        options.ip !== undefined ||
        validation.purpose === oids.serverAuth,
      commonName: options.checkCommonName ?? false,
    });
  } catch (error) {
    leafError = error;
  }
  let chain: Certificate[] | null = null;
  if (directlyTrusted) {
    await validation.validatePath([leaf]);
    chain = [leaf];
  } else {
    chain = await validation.extend([leaf], 0);
  }
  if (chain === null) {
    throw (
      validation.failure ??
      new CertificateError(
        'ERR_CERT_UNKNOWN_ISSUER',
        `no trusted issuer found for ${formatName(leaf.issuer)}`,
      )
    );
  }
  if (leafError !== undefined) throw leafError;
  checkPeerNames(leaf, options);
  return { chain, leaf, anchor: chain[chain.length - 1]! };
}

/** The validity period and the time it was checked at, for expiry messages. */
function validity(certificate: Certificate, time: number): string {
  const day = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  return `valid from ${day(certificate.notBefore)} to ${day(certificate.notAfter)}, checked at ${day(time)}`;
}

function checkPeerNames(leaf: Certificate, options: VerifyChainOptions): void {
  const mismatch = (what: string) => hostnameMismatch(leaf, what);
  if (options.hostname !== undefined && !matchesHostname(leaf, options.hostname, options)) {
    throw mismatch(JSON.stringify(options.hostname));
  }
  if (options.ip !== undefined && !matchesIp(leaf, options.ip)) throw mismatch('the IP address');
  if (options.email !== undefined && !matchesEmail(leaf, options.email))
    throw mismatch(JSON.stringify(options.email));
}
