/**
 * `tlskit scan HOST:PORT`: probes a TLS server for the misconfigurations that matter (old
 * versions, weak suites, missing downgrade defences, bad certificates, SNI surprises) with
 * hand-built ClientHellos from @tlskit/wire, tlskit's client and @tlskit/x509. See docs/scan.md.
 */
import { writeFileSync } from 'node:fs';
import { type Command, ExitCode, type Io, type ParsedArgs, UsageError } from './command.js';
import { parseHostPort, readPem } from './connect.js';
import { formatScanHtml } from './scan/html.js';
import { runScan } from './scan/run.js';
import { formatScanText } from './scan/text.js';
import { stringOption } from './tls.js';

export const scan: Command = {
  name: 'scan',
  summary: 'probe a TLS server for misconfigurations and explain each finding',
  usage: 'scan HOST:PORT [--servername NAME] [--ca FILE] [--json] [--html FILE]',
  help: [
    'options:',
    '  --servername NAME  SNI to send and the name the certificate must cover (default HOST',
    '                     unless it is an IP address)',
    "  --ca FILE          trust anchors (PEM) to validate the chain against (default Node's roots)",
    '  --json             print the report as JSON (schema tlskit-scan/1, see docs/scan.md)',
    '  --html FILE        also write a self-contained HTML report with a handshake diagram',
    '  --timeout SECONDS  deadline of each probe (default 5)',
    '',
    'Exit status: 0 when no finding is medium or worse, 1 otherwise, 2 for a bad command line.',
  ].join('\n'),
  options: {
    servername: { type: 'string' },
    ca: { type: 'string' },
    json: { type: 'boolean' },
    html: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(args: ParsedArgs, io: Io): Promise<ExitCode> {
    if (args.positionals.length !== 1) throw new UsageError('expected exactly one HOST:PORT');
    const { host, port } = parseHostPort(args.positionals[0]);
    const ca = await readPem(io, stringOption(args.values.ca));
    const timeout = stringOption(args.values.timeout);
    const seconds = timeout === undefined ? 5 : Number(timeout);
    if (!(seconds > 0)) throw new UsageError('--timeout must be a positive number of seconds');
    const html = stringOption(args.values.html);
    const report = await runScan({
      host,
      port,
      servername: stringOption(args.values.servername),
      ca,
      probeTimeoutMs: seconds * 1000,
      // Progress on a terminal only: a pipe or a file gets the report alone.
      ...(io.terminal?.stderr
        ? { onProgress: (done: number) => io.stderr(`\rscanning ${host}:${port}: ${done} probes`) }
        : {}),
    });
    if (io.terminal?.stderr) io.stderr('\r\x1b[K');
    if (html !== undefined) writeFileSync(html, formatScanHtml(report));
    io.stdout(
      args.values.json === true
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatScanText(report, io.terminal?.stdout === true),
    );
    const serious = report.findings.some((f) => f.severity !== 'low' && f.severity !== 'info');
    return serious ? ExitCode.failure : ExitCode.ok;
  },
};
