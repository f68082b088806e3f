/**
 * `--html FILE`: the scan as one self-contained page (inline CSS and SVG, no script, nothing
 * fetched), with the main handshake drawn as a sequence diagram whose arrows carry each message's
 * fields. Every string from the server (names, subjects, alerts) is escaped.
 */
import { escapeHtml } from '../escape-html.js';
import type { HandshakeStep } from './handshake.js';
import type { ScanReport } from './run.js';

const severityColour: Record<string, string> = {
  critical: '#8b0000',
  high: '#c62828',
  medium: '#ef6c00',
  low: '#0277bd',
  info: '#616161',
};

/** The report as an HTML document. */
export function formatScanHtml(report: ScanReport): string {
  const t = report.target;
  const title = `tlskit scan ${t.host}:${t.port}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:.2em .8em .2em 0;text-align:left;vertical-align:top}
.finding{border-left:6px solid;padding:.4em .8em;margin:.8em 0;background:#fafafa}
.severity{font-weight:bold;text-transform:uppercase;font-size:.8em;color:#fff;padding:.1em .4em;border-radius:3px}
.ok{color:#2e7d32}.bad{color:#c62828}.muted{color:#777}code{font-size:.92em}
svg text{font:12px system-ui,sans-serif}svg .note{font-size:11px;fill:#444}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">SNI ${escapeHtml(t.servername ?? '(none)')} · ${report.probes} probes in ${(report.durationMs / 1000).toFixed(1)} s · ${escapeHtml(report.startedAt)} · schema ${escapeHtml(report.schema)}</p>
<section id="findings"><h2>Findings (${report.findings.length})</h2>
${report.findings.length === 0 ? '<p class="ok">No findings.</p>' : report.findings.map(findingHtml).join('\n')}
</section>
<section id="handshake"><h2>Handshake</h2>
${handshakeSummary(report)}
${sequenceDiagram(report.handshake.steps)}
</section>
${protocolsHtml(report)}
${certificateHtml(report)}
${sniHtml(report)}
</body></html>
`;
}

function findingHtml(f: ScanReport['findings'][number]): string {
  const colour = severityColour[f.severity] ?? '#616161';
  return `<div class="finding" data-id="${escapeHtml(f.id)}" data-severity="${f.severity}" style="border-color:${colour}">
<span class="severity" style="background:${colour}">${f.severity}</span> <strong>${escapeHtml(f.title)}</strong>
<div>${escapeHtml(f.detail)}</div>
<div><em>Why it matters:</em> ${escapeHtml(f.why)}</div>
<div><em>How to fix:</em> ${escapeHtml(f.fix)}</div></div>`;
}

function handshakeSummary(report: ScanReport): string {
  const h = report.handshake;
  if (h.completed) {
    return `<p>${escapeHtml(h.version ?? '')}, ${escapeHtml(h.cipherSuite ?? '')}, ${escapeHtml(h.group ?? 'no group')}, completed by tlskit's client.</p>`;
  }
  return `<p class="muted">${escapeHtml(h.error ?? 'not completed')}</p>`;
}

const WIDTH = 1000;
const CLIENT_X = 90;
const SERVER_X = 560;
const NOTE_X = 600;
const LINE = 15;

/**
 * Two lifelines and one arrow per message; the message's fields are written beside its arrow.
 * Encrypted messages are drawn dashed, as in RFC 8446's figures they carry braces.
 */
function sequenceDiagram(steps: readonly HandshakeStep[]): string {
  let y = 60;
  const parts: string[] = [];
  for (const [i, step] of steps.entries()) {
    // About 66 characters fit between the server lifeline and the right edge; the JSON has them whole.
    const notes = step.notes.map(([k, v]) => clip(`${k}: ${v}`, 66));
    const height = Math.max(34, 20 + notes.length * LINE);
    const [x1, x2] = step.from === 'client' ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
    const arrowY = y + 14;
    const colour = step.message === 'alert' ? '#c62828' : step.encrypted ? '#6a1b9a' : '#1565c0';
    const label = `${step.encrypted ? '{' : ''}${step.message}${step.encrypted ? '}' : ''} (${step.length} B)`;
    const head = x2 > x1 ? x2 - 8 : x2 + 8;
    parts.push(
      `<g class="step" data-message="${escapeHtml(step.message)}" data-from="${step.from}" data-index="${i}">`,
      `<line x1="${x1}" y1="${arrowY}" x2="${x2}" y2="${arrowY}" stroke="${colour}" stroke-width="2"${step.encrypted ? ' stroke-dasharray="6 3"' : ''}/>`,
      `<polygon points="${x2},${arrowY} ${head},${arrowY - 5} ${head},${arrowY + 5}" fill="${colour}"/>`,
      `<text x="${(CLIENT_X + SERVER_X) / 2}" y="${arrowY - 5}" text-anchor="middle" fill="${colour}">${escapeHtml(label)}</text>`,
      ...notes.map(
        (n, j) =>
          `<text class="note" x="${NOTE_X}" y="${y + 12 + j * LINE}">${escapeHtml(n)}</text>`,
      ),
      '</g>',
    );
    y += height;
  }
  const bottom = y + 10;
  return `<svg id="sequence" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${bottom}" viewBox="0 0 ${WIDTH} ${bottom}" role="img" aria-label="handshake sequence diagram">
<text x="${CLIENT_X}" y="24" text-anchor="middle" font-weight="bold">client (tlskit)</text>
<text x="${SERVER_X}" y="24" text-anchor="middle" font-weight="bold">server</text>
<line x1="${CLIENT_X}" y1="34" x2="${CLIENT_X}" y2="${bottom}" stroke="#999"/>
<line x1="${SERVER_X}" y1="34" x2="${SERVER_X}" y2="${bottom}" stroke="#999"/>
${parts.join('\n')}
</svg>
<p class="muted">Solid arrows travel in clear text; dashed arrows in {braces} are encrypted.</p>`;
}

function protocolsHtml(report: ScanReport): string {
  const rows = report.protocols
    .map(
      (p) =>
        `<tr><th>${escapeHtml(p.version)}</th><td class="${p.supported ? '' : 'muted'}">${p.supported ? 'accepted' : 'refused'}</td></tr>`,
    )
    .join('');
  const suites = report.cipherSuites.accepted
    .map(
      (s) =>
        `<tr><td><code>${escapeHtml(s.name)}</code></td><td class="${s.weaknesses.length ? 'bad' : 'ok'}">${escapeHtml(s.weaknesses.join(', ') || 'ok')}</td></tr>`,
    )
    .join('');
  const d = report.downgrade;
  return `<section id="protocols"><h2>Protocols and cipher suites</h2>
<table>${rows}</table>
<p>TLS 1.3 suites: ${escapeHtml(report.cipherSuites.tls13.join(', ') || '(none)')}</p>
${report.cipherSuites.enumeratedAt ? `<p>${escapeHtml(report.cipherSuites.enumeratedAt)} suites, in the order the server chose them (${report.cipherSuites.serverOrder === null ? 'one suite' : report.cipherSuites.serverOrder ? "server's order" : "client's order"}):</p><table id="suites">${suites}</table>` : ''}
<p>Groups: ${escapeHtml(report.keyExchange.groups.join(', ') || '(none)')}${report.keyExchange.dhePrimeBits === null ? '' : ` · DHE prime ${report.keyExchange.dhePrimeBits} bits`}</p>
<p>TLS_FALLBACK_SCSV ${escapeHtml(d.fallbackScsv)} · downgrade sentinel ${flag(d.downgradeSentinel)} · secure renegotiation ${flag(d.secureRenegotiation)} · extended master secret ${flag(d.extendedMasterSecret)} · compression ${flag(d.compression === null ? null : !d.compression, 'off', 'on')}</p>
</section>`;
}

function flag(value: boolean | null, yes = 'yes', no = 'no'): string {
  if (value === null) return '<span class="muted">n/a</span>';
  return value ? `<span class="ok">${yes}</span>` : `<span class="bad">${no}</span>`;
}

function certificateHtml(report: ScanReport): string {
  const c = report.certificate;
  if (c === null)
    return '<section id="certificate"><h2>Certificate</h2><p>None received.</p></section>';
  const rows = c.chain
    .map(
      (
        cert,
        i,
      ) => `<tr><th>${i === 0 ? 'leaf' : `chain[${i}]`}</th><td>${escapeHtml(cert.subject)}<br>
<span class="muted">issuer ${escapeHtml(cert.issuer)} · ${escapeHtml(cert.key)} · ${escapeHtml(cert.signatureAlgorithm)} · ${escapeHtml(cert.notBefore)} to ${escapeHtml(cert.notAfter)}${cert.names.length ? ` · ${escapeHtml(cert.names.join(', '))}` : ''}</span></td></tr>`,
    )
    .join('');
  return `<section id="certificate"><h2>Certificate</h2><table>${rows}</table>
<p>Trusted ${flag(c.trusted)}${c.verifyError ? ` <span class="muted">(${escapeHtml(c.verifyError)})</span>` : ''} · covers the host ${flag(c.matchesHost)} · OCSP staple ${flag(c.ocspStapled)} · SCTs ${c.scts ?? 'n/a'}</p></section>`;
}

function sniHtml(report: ScanReport): string {
  const rows = report.sni
    .map(
      (s) =>
        `<tr><th>${escapeHtml(s.servername ?? 'no SNI')}</th><td>${s.subject === null ? `no certificate${s.alert ? ` (alert ${escapeHtml(s.alert)})` : ''}` : `${escapeHtml(s.subject)} ${flag(s.matchesHost, 'covers the host', 'does not cover the host')}`}</td></tr>`,
    )
    .join('');
  return `<section id="sni"><h2>SNI</h2><table>${rows}</table></section>`;
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
