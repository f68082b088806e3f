/**
 * The scan report for people: what the server accepts, then each finding with why it matters and
 * how to fix it. Colour (ANSI) only when writing to a terminal.
 */
import type { Severity } from './findings.js';
import type { ScanReport } from './run.js';

const colours: Record<Severity | 'ok' | 'dim', string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
  ok: '\x1b[32m',
  dim: '\x1b[2m',
};

/** The report as text; `colour` adds ANSI colours. */
export function formatScanText(report: ScanReport, colour: boolean): string {
  const paint = (kind: keyof typeof colours, text: string): string =>
    colour ? `${colours[kind]}${text}\x1b[0m` : text;
  const yes = (ok: boolean | null, good: string, bad: string): string =>
    ok === null ? paint('dim', 'n/a') : ok ? paint('ok', good) : paint('high', bad);
  const lines: string[] = [];
  const { target } = report;
  lines.push(
    `tlskit scan ${target.host}:${target.port}${target.servername ? ` (SNI ${target.servername})` : ''}`,
    paint('dim', `${report.probes} probes in ${(report.durationMs / 1000).toFixed(1)} s`),
    '',
    'Protocols',
  );
  for (const p of report.protocols) {
    lines.push(`  ${p.version.padEnd(8)} ${p.supported ? 'accepted' : paint('dim', 'refused')}`);
  }
  const suites = report.cipherSuites;
  lines.push('', 'Cipher suites');
  if (suites.tls13.length > 0) lines.push(`  TLSv1.3: ${suites.tls13.join(', ')}`);
  if (suites.enumeratedAt !== null) {
    lines.push(`  ${suites.enumeratedAt} (in the order the server chose them):`);
    for (const s of suites.accepted) {
      const weak = s.weaknesses.length > 0 ? paint('medium', `  [${s.weaknesses.join(', ')}]`) : '';
      lines.push(`    ${s.name}${weak}`);
    }
    if (suites.serverOrder !== null) {
      lines.push(`  order: ${suites.serverOrder ? "the server's" : "the client's"}`);
    }
  }
  const kx = report.keyExchange;
  lines.push(
    '',
    'Key exchange',
    `  groups${kx.probedWith ? ` (${kx.probedWith})` : ''}: ${kx.groups.join(', ') || '(none)'}`,
  );
  if (kx.dhePrimeBits !== null) lines.push(`  DHE prime: ${kx.dhePrimeBits} bits`);
  const d = report.downgrade;
  lines.push(
    '',
    'Downgrade defences',
    `  TLS_FALLBACK_SCSV: ${d.fallbackScsv === 'not-applicable' ? paint('dim', 'n/a (one version)') : yes(d.fallbackScsv === 'honoured', 'honoured', 'ignored')}`,
    `  TLS 1.3 downgrade sentinel: ${yes(d.downgradeSentinel, 'present', 'missing')}`,
    `  secure renegotiation: ${yes(d.secureRenegotiation, 'yes', 'no')}`,
    `  extended master secret: ${yes(d.extendedMasterSecret, 'yes', 'no')}`,
    `  compression: ${d.compression === null ? paint('dim', 'n/a') : d.compression ? paint('high', 'enabled') : paint('ok', 'off')}`,
  );
  const c = report.certificate;
  lines.push('', 'Certificate');
  if (c === null) {
    lines.push('  (none received)');
  } else {
    c.chain.forEach((cert, i) => {
      lines.push(
        `  ${i === 0 ? 'leaf' : `chain[${i}]`}: ${cert.subject}`,
        paint(
          'dim',
          `    issuer ${cert.issuer}; ${cert.key}; ${cert.signatureAlgorithm}; ${cert.notBefore} .. ${cert.notAfter}`,
        ),
      );
      if (cert.names.length > 0) lines.push(paint('dim', `    names: ${cert.names.join(', ')}`));
    });
    lines.push(
      `  trusted: ${yes(c.trusted, `yes (${target.trustAnchors === 'node' ? "Node's roots" : '--ca'})`, `no (${c.verifyError})`)}`,
      `  covers the host: ${yes(c.matchesHost, 'yes', 'no')}`,
      `  OCSP staple: ${c.ocspStapled === null ? paint('dim', 'not asked') : c.ocspStapled ? 'yes' : 'no'}`,
      `  SCTs: ${c.scts === null ? paint('dim', 'not asked') : String(c.scts)}`,
    );
  }
  lines.push('', 'SNI');
  for (const s of report.sni) {
    const name = s.servername === null ? 'no SNI' : s.servername;
    const answer =
      s.subject === null
        ? 'no certificate'
        : `${s.subject}${s.matchesHost === false ? paint('medium', ' (does not cover the host)') : ''}`;
    lines.push(`  ${name}${s.alert ? ` (alert ${s.alert})` : ''}: ${answer}`);
  }
  const distinct = new Set(report.sni.map((s) => s.sha256).filter((h) => h !== null)).size;
  if (distinct > 1)
    lines.push(`  ${distinct} different certificates: the server picks one per name`);
  const h = report.handshake;
  lines.push(
    '',
    'Handshake',
    h.completed
      ? `  ${h.version}, ${h.cipherSuite}, ${h.group ?? 'no group'}: ${h.steps.length} messages`
      : `  not completed by tlskit: ${h.error}`,
  );
  lines.push('', `Findings (${report.findings.length})`);
  if (report.findings.length === 0) lines.push(`  ${paint('ok', 'none')}`);
  for (const f of report.findings) {
    lines.push(
      `  ${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${f.title} [${f.id}]`,
      `           ${f.detail}`,
      paint('dim', `           why: ${f.why}`),
      paint('dim', `           fix: ${f.fix}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
