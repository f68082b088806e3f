/**
 * A whole scan: runs the probes (bounded in parallel, each with a deadline), checks the
 * certificates, and gathers the findings into one {@link ScanReport} — the object `--json`
 * prints and the text and HTML reports render.
 */
import { rootCertificates } from 'node:tls';
import { nobleProvider } from '@tlskit/crypto';
import { HandshakeType, ianaCipherSuites, ianaNamedGroups, nameOf } from '@tlskit/wire';
import { TrustStore } from '@tlskit/x509';
import { defenceFindings, downgradeSentinel, suiteFindings, versionFindings } from './assess.js';
import { type CertificateReport, checkCertificates } from './certificates.js';
import { type Finding, sortFindings } from './findings.js';
import { certificatesOf, sctCount } from './flight.js';
import { type MainHandshake, probeHandshake, tracedHandshake } from './handshake.js';
import {
  enumerateSuites,
  limiter,
  type ProbeContext,
  probeDhePrime,
  probeFallbackScsv,
  probeLegacyFeatures,
  probeServerOrder,
  probeTls12Curves,
  probeTls13Groups,
  probeTls13Suites,
  probeVersion,
  protocolVersions,
  versionName,
} from './probes.js';
import { type SniAnswer, sniAnswers, sniFindings } from './sni.js';
import { strongestFirst, type SuiteInfo, suiteInfo } from './suites.js';

export { type SniAnswer, UNKNOWN_SERVERNAME } from './sni.js';

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

const TLS12 = 0x0303;
const TLS13 = 0x0304;

/** Scans one server. Rejects only when the server cannot be reached at all. */
export async function runScan(options: ScanOptions): Promise<ScanReport> {
  const started = Date.now();
  // Before any I/O: a --ca without a usable certificate is the user's error, reported now.
  const trustStore = options.ca
    ? TrustStore.fromPem(options.ca)
    : TrustStore.fromPem([...rootCertificates], { skipInvalid: true });
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
  for (const outcome of ['unreachable', 'malformed'] as const) {
    const failed = versionResults.map((r) => r.flight).filter((f) => f.outcome === outcome);
    if (failed.length === versionResults.length) {
      const why = outcome === 'unreachable' ? 'cannot connect to' : 'cannot scan';
      throw new ScanError(`${why} ${options.host}:${options.port}: ${failed[0]?.error}`);
    }
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
      probeLegacyFeatures(context, legacyBest, strongestFirst(suites)),
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
  const sniPart = legacyPart.then((legacy) =>
    sniAnswers(context, legacy?.version, legacy?.suites ?? [], servername, timeoutMs),
  );
  const mainPart = context.run(() =>
    tracedHandshake(options.host, options.port, servername, timeoutMs),
  );

  const [legacy, [tls13Suites, tls13Groups], fallbackHonoured, traced, sni] = await Promise.all([
    legacyPart,
    tls13Part,
    fallbackPart,
    mainPart,
    sniPart,
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
          extensionScts: features ? sctCount(features.flight) : null,
        });

  const sentinel = downgradeSentinel(versionResults, tls13);
  const findings: Finding[] = [
    ...versionFindings(versionResults),
    ...suiteFindings(legacy?.suites ?? []),
    ...defenceFindings({
      version: legacy?.version,
      suites: legacy?.suites ?? [],
      serverOrder: legacy?.serverOrder ?? null,
      dhePrimeBits: legacy?.dhePrimeBits ?? null,
      features,
      fallback:
        fallbackVersion === undefined || fallbackHonoured === null
          ? null
          : { version: fallbackVersion, honoured: fallbackHonoured },
      sentinelMissing: sentinel.missing,
    }),
    ...(certificate?.findings ?? []),
    ...sniFindings(sni, servername),
  ];

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
