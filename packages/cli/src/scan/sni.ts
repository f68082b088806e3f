/**
 * What the server does with SNI (RFC 6066 3): the certificate it sends for the scanned name,
 * without SNI, and for a name nobody serves. Shared hosting shows as different certificates per
 * name; a default certificate for another name is a finding.
 */
import { AlertDescription, nameOf } from '@tlskit/wire';
import { matchesHostname, parseCertificate } from '@tlskit/x509';
import { fingerprint, subjectOf } from './certificates.js';
import { type Finding, finding } from './findings.js';
import { certificatesOf } from './flight.js';
import { tracedHandshake } from './handshake.js';
import { type ProbeContext, probe } from './probes.js';
import { strongestFirst, legacySuites } from './suites.js';

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

/** A name nobody serves, for the unknown-SNI probe (RFC 2606 reserves .invalid). */
export const UNKNOWN_SERVERNAME = 'unknown-name.tlskit-scan.invalid';

/**
 * Asks for the certificate with each name: through a TLS 1.2 (or older) probe when the server
 * speaks one (the Certificate is in clear), else through tlskit's client.
 */
export async function sniAnswers(
  context: ProbeContext,
  legacyVersion: number | undefined,
  suites: readonly number[],
  servername: string | undefined,
  timeoutMs: number,
): Promise<SniAnswer[]> {
  // The name the certificate must cover: the scanned name, or the address itself.
  const host = servername ?? context.target.host;
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
          cipherSuites: suites.length > 0 ? strongestFirst(suites) : legacySuites,
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

/** The finding when clients without SNI get a certificate that does not cover the name. */
export function sniFindings(
  answers: readonly SniAnswer[],
  servername: string | undefined,
): Finding[] {
  if (servername === undefined) return [];
  const withSni = answers.find((s) => s.servername === servername);
  const withoutSni = answers.find((s) => s.servername === null);
  if (withSni?.matchesHost && withoutSni?.matchesHost === false) {
    return [
      finding(
        'sni-default-certificate-mismatch',
        `without SNI the server sends ${withoutSni.subject}`,
      ),
    ];
  }
  return [];
}
