/**
 * A whole scan: runs the probes (bounded in parallel, each with a deadline), checks the
 * certificates, and gathers the findings into one {@link ScanReport} — the object `--json`
 * prints and the text and HTML reports render.
 */
import { nobleProvider } from '@tlskit/crypto';
import {
  AlertDescription,
  HandshakeType,
  ianaCipherSuites,
  ianaNamedGroups,
  nameOf,
} from '@tlskit/wire';
import { TrustStore } from '@tlskit/x509';
import { rootCertificates } from 'node:tls';
import {
  type CertificateReport,
  checkCertificates,
  fingerprint,
  subjectOf,
} from './certificates.js';
import { type Finding, finding, sortFindings } from './findings.js';
import { decodeTls12, type Flight } from './flight.js';
import { type MainHandshake, probeHandshake, tracedHandshake } from './handshake.js';
import {
  enumerateSuites,
  hasDowngradeSentinel,
  type LegacyFeatures,
  limiter,
  type ProbeContext,
  probe,
  probeDhePrime,
  probeFallbackScsv,
  probeLegacyFeatures,
  probeServerOrder,
  probeTls12Curves,
  probeTls13Groups,
  probeTls13Suites,
  probeVersion,
  protocolVersions,
  type VersionResult,
  versionName,
} from './probes.js';
import { legacySuites, type SuiteInfo, suiteInfo } from './suites.js';
import { matchesHostname, parseCertificate } from '@tlskit/x509';

/** The version of the `--json` schema (docs/scan.md). Bumped on any incompatible change. */
export const SCAN_SCHEMA = 'tlskit-scan/1';

/** What to scan and how. */
export interface ScanOptions {
  readonly host: string;
  readonly port: number;
  /** SNI and the name the certificate must cover; default the host unless it is an IP address. */
  readonly servername?: string | undefined;
  /** Trust anchors (PEM); default Node's root certificates. */
  readonly ca?: string | undefined;
  /** Deadline of each probe; default 5 s. */
  readonly probeTimeoutMs?: number;
  /** Probes in flight at once; default 8. */
  readonly parallel?: number;
  /** The time certificates are checked at; default now. */
  readonly now?: Date;
  /** Called after each probe with the number done so far. */
  readonly onProgress?: (done: number) => void;
}

/** What the server does with and without SNI. */
export interface SniAnswer {
  /** The SNI sent (null: none). */
  readonly servername: string | null;
  /** Subject of the certificate the server sent, or null when the handshake failed. */
  readonly subject: string | null;
  readonly sha256: string | null;
  /** Whether that certificate covers the scanned name. */
  readonly matchesHost: boolean | null;
  /** The alert the server answered with instead, if any. */
  readonly alert: string | null;
}

/** Everything a scan found; `--json` prints it as is. */
export interface ScanReport {
  readonly schema: typeof SCAN_SCHEMA;
  readonly target: {
    readonly host: string;
    readonly port: number;
    readonly servername: string | null;
    readonly trustAnchors: 'node' | 'ca-file';
  };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly probes: number;
  readonly protocols: readonly { readonly version: string; readonly supported: boolean }[];
  readonly cipherSuites: {
    /** The version the pre-1.3 suites were enumerated at (the best one the server accepts), or null. */
    readonly enumeratedAt: string | null;
    readonly accepted: readonly SuiteInfo[];
    /** True: the server imposes its order; false: it follows the client's; null: not applicable. */
    readonly serverOrder: boolean | null;
    readonly tls13: readonly string[];
  };
  readonly keyExchange: {
    readonly groups: readonly string[];
    /** How the groups were probed: TLSv1.3 HelloRetryRequests, or TLSv1.2 ServerKeyExchange. */
    readonly probedWith: string | null;
    readonly dhePrimeBits: number | null;
  };
  readonly downgrade: {
    /** `honoured`, `ignored`, or `not-applicable` (a single version). */
    readonly fallbackScsv: 'honoured' | 'ignored' | 'not-applicable';
    /** Null when the server does not do TLS 1.3 or nothing lower. */
    readonly downgradeSentinel: boolean | null;
    readonly secureRenegotiation: boolean | null;
    readonly extendedMasterSecret: boolean | null;
    readonly compression: boolean | null;
  };
  readonly certificate: Omit<CertificateReport, 'findings'> | null;
  readonly sni: readonly SniAnswer[];
  readonly handshake: Omit<MainHandshake, 'peerCertificates'>;
  readonly findings: readonly Finding[];
}

/** A name nobody serves, for the unknown-SNI probe (RFC 2606 reserves .invalid). */
export const UNKNOWN_SERVERNAME = 'unknown-name.tlskit-scan.invalid';

const TLS12 = 0x0303;
const TLS13 = 0x0304;

/** Scans one server. Rejects only when the server cannot be reached at all. */
export async function runScan(options: ScanOptions): Promise<ScanReport> {
  const started = Date.now();
  const timeoutMs = options.probeTimeoutMs ?? 5000;
  const servername = options.servername ?? (isIp(options.host) ? undefined : options.host);
  let probes = 0;
  const context: ProbeContext = {
    target: { host: options.host, port: options.port, timeoutMs },
    serverName: servername,
    run: limiter(options.parallel ?? 8),
    onExchange: () => {
      probes += 1;
      options.onProgress?.(probes);
    },
  };

  const versionResults = await Promise.all(
    protocolVersions.map((v) => probeVersion(context, v.value)),
  );
  const unreachable = versionResults.find((r) => r.flight.outcome === 'unreachable');
  if (unreachable && versionResults.every((r) => r.flight.outcome === 'unreachable')) {
    throw new ScanError(
      `cannot connect to ${options.host}:${options.port}: ${unreachable.flight.error}`,
    );
  }
  const supported = versionResults.filter((r) => r.accepted).map((r) => r.version);
  const tls13 = supported.includes(TLS13);
  const legacyBest = [...supported].reverse().find((v) => v <= TLS12);

  const legacyPart = (async () => {
    if (legacyBest === undefined) return undefined;
    const suites = await enumerateSuites(context, legacyBest);
    const [serverOrder, curves, dhePrimeBits, features] = await Promise.all([
      probeServerOrder(context, legacyBest, suites),
      tls13 ? Promise.resolve([]) : probeTls12Curves(context, legacyBest, suites),
      probeDhePrime(context, legacyBest, suites),
      probeLegacyFeatures(context, legacyBest, authenticatedFirst(suites)),
    ]);
    return { version: legacyBest, suites, serverOrder, curves, dhePrimeBits, features };
  })();
  const tls13Part = tls13
    ? Promise.all([probeTls13Suites(context), probeTls13Groups(context)])
    : Promise.resolve([[], []] as [number[], number[]]);
  const fallbackVersion = [...supported].sort((a, b) => b - a)[1];
  const fallbackPart =
    fallbackVersion === undefined
      ? Promise.resolve(null)
      : probeFallbackScsv(context, fallbackVersion);
  const mainPart = context.run(() =>
    tracedHandshake(options.host, options.port, servername, timeoutMs),
  );

  const [legacy, [tls13Suites, tls13Groups], fallbackHonoured, traced] = await Promise.all([
    legacyPart,
    tls13Part,
    fallbackPart,
    mainPart,
  ]);

  // The certificate: from tlskit's handshake, else from the plaintext TLS 1.2 flight.
  const features = legacy?.features;
  const legacyChain = features ? certificatesOf(features.flight) : [];
  const chain = traced.completed ? traced.peerCertificates : legacyChain;
  const handshake =
    traced.completed || features === undefined
      ? traced
      : probeHandshake(
          features.flight,
          versionName(legacy?.version ?? TLS12),
          nameOf(ianaCipherSuites, features.flight.serverHello?.cipherSuite ?? 0),
          `tlskit's client could not complete a handshake (${traced.error}); the plaintext part of a probe is shown`,
        );
  const host = servername ?? options.host;
  const trustStore = options.ca
    ? TrustStore.fromPem(options.ca)
    : TrustStore.fromPem([...rootCertificates], { skipInvalid: true });
  const certificate =
    chain.length === 0
      ? null
      : await checkCertificates(chain, {
          host,
          trustStore,
          publicTrust: options.ca === undefined,
          provider: nobleProvider,
          now: options.now ?? new Date(),
          ocspStapled: features
            ? features.flight.messages.some((m) => m.type === HandshakeType.certificateStatus)
            : null,
          extensionScts: features ? sctCount(features) : null,
        });

  const sni = await sniAnswers(
    context,
    legacy?.version,
    legacy?.suites ?? [],
    servername,
    host,
    timeoutMs,
  );

  const findings: Finding[] = [
    ...versionFindings(versionResults),
    ...suiteFindings(legacy?.suites ?? []),
    ...(certificate?.findings ?? []),
  ];
  if (
    legacy?.serverOrder === false &&
    (legacy.suites ?? []).some((s) => suiteInfo(s).weaknesses.length > 0)
  ) {
    findings.push(
      finding(
        'no-server-order',
        `offered the accepted suites in reverse, the server took the client's first choice each time`,
      ),
    );
  }
  if (legacy?.dhePrimeBits != null && legacy.dhePrimeBits < 2048) {
    findings.push(
      finding('dhe-weak-prime', `the ServerKeyExchange prime has ${legacy.dhePrimeBits} bits`),
    );
  }
  if (fallbackHonoured === false) {
    findings.push(
      finding(
        'fallback-scsv-ignored',
        `a ${versionName(fallbackVersion ?? 0)} ClientHello with TLS_FALLBACK_SCSV was answered with a ServerHello, not inappropriate_fallback`,
      ),
    );
  }
  const sentinel = downgradeSentinel(versionResults, tls13);
  if (sentinel.missing.length > 0) {
    findings.push(
      finding(
        'downgrade-sentinel-missing',
        `the ServerHello random of ${sentinel.missing.join(', ')} does not end in DOWNGRD`,
      ),
    );
  }
  if (features && !features.secureRenegotiation) {
    findings.push(
      finding('insecure-renegotiation', 'the ServerHello has no renegotiation_info extension'),
    );
  }
  if (features && !features.extendedMasterSecret && legacy?.version !== 0x0300) {
    findings.push(
      finding(
        'no-extended-master-secret',
        'the ServerHello has no extended_master_secret extension',
      ),
    );
  }
  if (features?.compression) {
    findings.push(
      finding(
        'compression',
        `the server chose compression method ${features.flight.compressionMethod}`,
      ),
    );
  }
  const withSni = sni.find((s) => s.servername === servername && servername !== undefined);
  const withoutSni = sni.find((s) => s.servername === null);
  if (withSni?.matchesHost && withoutSni?.matchesHost === false) {
    findings.push(
      finding(
        'sni-default-certificate-mismatch',
        `without SNI the server sends ${withoutSni.subject}`,
      ),
    );
  }

  const { peerCertificates: _, ...handshakeReport } = handshake;
  const groups = tls13 ? tls13Groups : (legacy?.curves ?? []);
  return {
    schema: SCAN_SCHEMA,
    target: {
      host: options.host,
      port: options.port,
      servername: servername ?? null,
      trustAnchors: options.ca ? 'ca-file' : 'node',
    },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    probes,
    protocols: versionResults.map((r) => ({
      version: versionName(r.version),
      supported: r.accepted,
    })),
    cipherSuites: {
      enumeratedAt: legacy ? versionName(legacy.version) : null,
      accepted: (legacy?.suites ?? []).map(suiteInfo),
      serverOrder: legacy?.serverOrder ?? null,
      tls13: tls13Suites.map((s) => nameOf(ianaCipherSuites, s)),
    },
    keyExchange: {
      groups: groups.map((g) => nameOf(ianaNamedGroups, g)),
      probedWith: tls13 ? 'TLSv1.3' : legacy ? versionName(legacy.version) : null,
      dhePrimeBits: legacy?.dhePrimeBits ?? null,
    },
    downgrade: {
      fallbackScsv:
        fallbackHonoured === null ? 'not-applicable' : fallbackHonoured ? 'honoured' : 'ignored',
      downgradeSentinel: sentinel.applicable ? sentinel.missing.length === 0 : null,
      secureRenegotiation: features?.secureRenegotiation ?? null,
      extendedMasterSecret: features?.extendedMasterSecret ?? null,
      compression: features?.compression ?? null,
    },
    certificate: certificate === null ? null : withoutFindings(certificate),
    sni,
    handshake: handshakeReport,
    findings: sortFindings(findings),
  };
}

/**
 * `suites` with the ones that authenticate the server first: a probe after the certificate must
 * not let the server pick an anonymous suite, which sends none.
 */
function authenticatedFirst(suites: readonly number[]): number[] {
  const anonymous = (s: number): boolean => suiteInfo(s).weaknesses.includes('anonymous');
  return [...suites.filter((s) => !anonymous(s)), ...suites.filter(anonymous)];
}

/** The server cannot be scanned at all (nothing listens, or it is not TLS). */
export class ScanError extends Error {
  override name = 'ScanError';
  readonly code = 'ERR_SCAN_UNREACHABLE';
}

function withoutFindings(report: CertificateReport): Omit<CertificateReport, 'findings'> {
  const { findings: _, ...rest } = report;
  return rest;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

const versionFindingIds = {
  768: 'protocol-sslv3',
  769: 'protocol-tls10',
  770: 'protocol-tls11',
} as const;

function versionFindings(results: readonly VersionResult[]): Finding[] {
  const findings: Finding[] = [];
  for (const r of results) {
    const id = versionFindingIds[r.version as keyof typeof versionFindingIds];
    if (id && r.accepted)
      findings.push(finding(id, `a ${versionName(r.version)}-only ClientHello was accepted`));
  }
  const accepted = (v: number): boolean => results.some((r) => r.version === v && r.accepted);
  if (results.some((r) => r.accepted)) {
    if (!accepted(TLS12) && !accepted(TLS13)) {
      findings.push(
        finding('protocol-no-tls12-or-13', 'the best version accepted is below TLS 1.2'),
      );
    } else if (!accepted(TLS13)) {
      findings.push(finding('protocol-no-tls13', 'a TLS 1.3-only ClientHello was refused'));
    }
  }
  return findings;
}

const weaknessFindings = {
  null: 'suite-null',
  export: 'suite-export',
  anonymous: 'suite-anonymous',
  rc4: 'suite-rc4',
  des: 'suite-des',
  '3des': 'suite-3des',
  'rsa-kx': 'suite-rsa-kx',
  cbc: 'suite-cbc',
} as const;

function suiteFindings(suites: readonly number[]): Finding[] {
  const findings: Finding[] = [];
  for (const [weakness, id] of Object.entries(weaknessFindings)) {
    const affected = suites.map(suiteInfo).filter((s) => s.weaknesses.includes(weakness as never));
    if (affected.length > 0) findings.push(finding(id, affected.map((s) => s.name).join(', ')));
  }
  return findings;
}

function downgradeSentinel(
  results: readonly VersionResult[],
  tls13: boolean,
): { applicable: boolean; missing: string[] } {
  const lower = results.filter((r) => r.accepted && r.version < TLS13 && r.version >= 0x0301);
  if (!tls13 || lower.length === 0) return { applicable: false, missing: [] };
  const missing = lower
    .filter((r) => r.flight.serverHello && !hasDowngradeSentinel(r.flight.serverHello))
    .map((r) => versionName(r.version));
  return { applicable: true, missing };
}

/** The certificates of a TLS 1.2 flight's Certificate message, leaf first. */
function certificatesOf(flight: Flight): Uint8Array[] {
  const raw = flight.messages.find((m) => m.type === HandshakeType.certificate);
  const message = raw ? decodeTls12(raw.bytes) : undefined;
  return message?.type === HandshakeType.certificate && message.protocol === 'tls12'
    ? [...message.certificateList]
    : [];
}

/** RFC 6962 3.3: the number of SCTs in the ServerHello's signed_certificate_timestamp. */
function sctCount(features: LegacyFeatures): number {
  const ext = features.flight.serverHello?.extensions.find((e) => e.type === 18);
  if (ext === undefined || !('raw' in ext)) return 0;
  const list = ext.raw.subarray(2);
  let count = 0;
  // Each pass moves past one length-prefixed SCT, bounding the loop by the list length.
  for (let at = 0; at + 2 <= list.length; count++)
    at += 2 + (((list[at] ?? 0) << 8) | (list[at + 1] ?? 0));
  return count;
}

async function sniAnswers(
  context: ProbeContext,
  legacyVersion: number | undefined,
  suites: readonly number[],
  servername: string | undefined,
  host: string,
  timeoutMs: number,
): Promise<SniAnswer[]> {
  const names: (string | undefined)[] = [
    ...(servername === undefined ? [] : [servername]),
    undefined,
    UNKNOWN_SERVERNAME,
  ];
  return Promise.all(
    names.map(async (name): Promise<SniAnswer> => {
      let leaf: Uint8Array | undefined;
      let alert: string | null = null;
      if (legacyVersion !== undefined) {
        const flight = await probe(context, {
          version: legacyVersion,
          cipherSuites: suites.length > 0 ? authenticatedFirst(suites) : legacySuites,
          serverName: name,
        });
        leaf = certificatesOf(flight)[0];
        if (flight.alert) {
          const level = flight.alert.level === 1 ? 'warning' : 'fatal';
          alert = `${level} ${nameOf(AlertDescription, flight.alert.description)}`;
        }
      } else {
        const traced = await context.run(() =>
          tracedHandshake(context.target.host, context.target.port, name, timeoutMs),
        );
        leaf = traced.peerCertificates[0];
        const received = traced.steps.find((s) => s.message === 'alert' && s.from === 'server');
        if (received) alert = received.notes[0]?.[1] ?? null;
      }
      if (leaf === undefined) {
        return { servername: name ?? null, subject: null, sha256: null, matchesHost: null, alert };
      }
      let matches: boolean | null = null;
      try {
        matches = matchesHostname(parseCertificate(leaf), host);
      } catch {
        matches = null;
      }
      return {
        servername: name ?? null,
        subject: subjectOf(leaf),
        sha256: fingerprint(leaf),
        matchesHost: matches,
        alert,
      };
    }),
  );
}
