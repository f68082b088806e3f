/**
 * The server-side handshake rate seen from an outside client: `openssl s_time -new` (a new full
 * handshake per connection, no resumption) against a tlskit server over each provider and
 * against a node:tls server, same certificate. The servers run in this process and s_time in its
 * own, so this process's CPU time during the run is the server's alone: connections per server
 * CPU second is the figure that load on the shared cores barely moves; connections per wall
 * second is what s_time itself reports.
 */
import { spawn } from 'node:child_process';
import { loopback } from '@tlskit/interop';
import { benchCredential, implementations, type Profile, suiteNames } from './peers.js';
import { markdownTable, ratio, sectionBody } from './report.js';

export interface STimeBenchOptions {
  /** `-time N`: seconds per server. */
  readonly seconds: number;
  readonly providers?: readonly string[];
}

export interface STimeRow {
  readonly server: string;
  readonly connections: number;
  /** Connections per wall-clock second of the s_time run. */
  readonly perSecond: number;
  /** Connections per CPU second of the server process (this one). */
  readonly perServerCpuSecond: number;
}

/** `123 connections in 10 real seconds` (or, failing that, the user-seconds line). */
export function parseSTime(output: string): number | undefined {
  const real = /(\d+) connections in \d+ real seconds/.exec(output);
  const user = /(\d+) connections in [\d.]+s;/.exec(output);
  const match = real ?? user;
  return match ? Number(match[1]) : undefined;
}

/** Runs s_time against `port` for `seconds`; resolves with its output, bounded in time. */
function sTime(port: number, seconds: number, caFile: string): Promise<string> {
  const args = [
    's_time',
    ...['-connect', `${loopback}:${port}`, '-new', '-time', String(seconds)],
    ...['-tls1_3', '-ciphersuites', suiteNames['AES-128-GCM'], '-CAfile', caFile],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`openssl s_time exited with ${code}: ${output.slice(-500)}`));
    });
  });
}

export async function runSTimeBench(options: STimeBenchOptions): Promise<STimeRow[]> {
  const profile: Profile = { version: 'TLSv1.3', cert: 'ECDSA P-256' };
  const caFile = benchCredential(profile.cert).ca.file;
  const rows: STimeRow[] = [];
  for (const implementation of await implementations(options.providers)) {
    const server = await implementation.listen(profile, () => {});
    try {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const output = await sTime(server.port, options.seconds, caFile);
      const used = process.cpuUsage(cpu);
      const wall = (performance.now() - start) / 1000;
      const connections = parseSTime(output);
      if (connections === undefined) {
        throw new Error(`no connection count in openssl s_time output: ${output.slice(-500)}`);
      }
      rows.push({
        server: implementation.name,
        connections,
        perSecond: connections / wall,
        perServerCpuSecond: connections / ((used.user + used.system) / 1e6),
      });
    } finally {
      await server.close();
    }
  }
  return rows;
}

export function sTimeTable(rows: readonly STimeRow[]): string {
  const reference = rows.find((r) => r.server === 'node:tls');
  return markdownTable(
    [
      'server',
      'connections',
      'connections/s (wall)',
      'connections per server CPU second',
      'vs node:tls (CPU)',
    ],
    rows.map((row) => [
      row.server,
      String(row.connections),
      row.perSecond.toFixed(1),
      row.perServerCpuSecond.toFixed(1),
      ratio(row.perServerCpuSecond, reference?.perServerCpuSecond),
    ]),
  );
}

export function sTimeSection(
  rows: readonly STimeRow[],
  command: string,
  options: STimeBenchOptions,
): string {
  return sectionBody({
    heading: 'Server handshakes from an outside client: openssl s_time',
    command,
    method: `\`openssl s_time -connect 127.0.0.1:PORT -new -time ${options.seconds} -tls1_3
-ciphersuites TLS_AES_128_GCM_SHA256\` against each server in turn (ECDSA P-256 certificate,
x25519): a new connection and full handshake each time, no resumption, OpenSSL as the client.
The servers run in the benchmark's process and s_time in its own, so that process's CPU time over
the run is the server's alone: "connections per server CPU second" is the server's capacity per
core, and hardly moved by other load. "connections/s (wall)" is the rate s_time achieved, with
the client's own work and the shared cores in it.`,
    table: sTimeTable(rows),
  });
}
