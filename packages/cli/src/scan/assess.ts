/**
 * Findings about protocol versions, cipher suites and the downgrade defences, from the probes'
 * answers. (Certificate findings come from certificates.ts, SNI ones from sni.ts.)
 */
import { type Finding, finding } from './findings.js';
import {
  hasDowngradeSentinel,
  type LegacyFeatures,
  type VersionResult,
  versionName,
} from './probes.js';
import { suiteInfo } from './suites.js';

const TLS12 = 0x0303;
const TLS13 = 0x0304;

const versionFindingIds = {
  768: 'protocol-sslv3',
  769: 'protocol-tls10',
  770: 'protocol-tls11',
} as const;

export function versionFindings(results: readonly VersionResult[]): Finding[] {
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

export function suiteFindings(suites: readonly number[]): Finding[] {
  const findings: Finding[] = [];
  for (const [weakness, id] of Object.entries(weaknessFindings)) {
    const affected = suites.map(suiteInfo).filter((s) => s.weaknesses.includes(weakness as never));
    if (affected.length > 0) findings.push(finding(id, affected.map((s) => s.name).join(', ')));
  }
  return findings;
}

export function downgradeSentinel(
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

/** What the pre-1.3 probes found, for {@link defenceFindings}. */
export interface DefenceAnswers {
  /** The version the legacy probes used (the best below TLS 1.3); undefined for a TLS 1.3-only server. */
  readonly version: number | undefined;
  readonly suites: readonly number[];
  readonly serverOrder: boolean | null;
  readonly dhePrimeBits: number | null;
  readonly features: LegacyFeatures | undefined;
  /** The version TLS_FALLBACK_SCSV was sent at, and whether the server refused it. */
  readonly fallback: { readonly version: number; readonly honoured: boolean } | null;
  readonly sentinelMissing: readonly string[];
}

/** Suite order, DHE prime, TLS_FALLBACK_SCSV, the downgrade sentinel and the legacy defences. */
export function defenceFindings(a: DefenceAnswers): Finding[] {
  const findings: Finding[] = [];
  const weak = a.suites.some((s) => suiteInfo(s).weaknesses.length > 0);
  if (a.serverOrder === false && weak) {
    findings.push(
      finding(
        'no-server-order',
        "offered the accepted suites in reverse, the server took the client's first choice each time",
      ),
    );
  }
  if (a.dhePrimeBits !== null && a.dhePrimeBits < 2048) {
    findings.push(
      finding('dhe-weak-prime', `the ServerKeyExchange prime has ${a.dhePrimeBits} bits`),
    );
  }
  if (a.fallback !== null && !a.fallback.honoured) {
    findings.push(
      finding(
        'fallback-scsv-ignored',
        `a ${versionName(a.fallback.version)} ClientHello with TLS_FALLBACK_SCSV was answered with a ServerHello, not inappropriate_fallback`,
      ),
    );
  }
  if (a.sentinelMissing.length > 0) {
    findings.push(
      finding(
        'downgrade-sentinel-missing',
        `the ServerHello random of ${a.sentinelMissing.join(', ')} does not end in DOWNGRD`,
      ),
    );
  }
  const f = a.features;
  if (f === undefined) return findings;
  if (!f.secureRenegotiation) {
    findings.push(
      finding('insecure-renegotiation', 'the ServerHello has no renegotiation_info extension'),
    );
  }
  // SSL 3.0 has no extensions, so no extended master secret to ask for.
  if (!f.extendedMasterSecret && a.version !== 0x0300) {
    findings.push(
      finding(
        'no-extended-master-secret',
        'the ServerHello has no extended_master_secret extension',
      ),
    );
  }
  if (f.compression) {
    findings.push(
      finding('compression', `the server chose compression method ${f.flight.compressionMethod}`),
    );
  }
  return findings;
}
