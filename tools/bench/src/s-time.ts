/**
 * The server-side handshake cost seen from an outside client (issue 14): `openssl s_time` against
 * a tlskit server over each provider and against a node:tls server, same certificate, TLS 1.3
 * and TLS 1.2, new handshakes (`-new`) and resumed ones (`-reuse`). The servers run in this
 * process and s_time in its own, so this process's CPU time during a run is the server's alone:
 * server CPU per connection is the figure that load on the shared cores barely moves.
 *
 * The servers take turns in short rounds, in rotating order, and each round's cost is divided by
 * node:tls's cost in the same round ("paired"): a drift of the machine between rounds hits both
 * sides of a ratio alike, where one long run per server would put the drift into the ratio.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { loopback } from '@tlskit/interop';
import { median } from './measure.js';
import {
  benchCredential,
  type Implementation,
  implementations,
  opensslSuiteName,
  type Profile,
  type RunningServer,
  suiteFor,
  type TlsVersion,
} from './peers.js';
import { markdownTable, ratio, sectionBody } from './report.js';

/**
 * `new`: a full handshake per connection (`s_time -new`); `reuse`: the first full, then resumed
 * ones (`s_time -reuse`). s_time closes a TLS 1.3 connection before the server's ticket arrives,
 * so in TLS 1.3 `reuse` runs a node:tls client in its own process that resumes with the ticket of
 * its first connection instead.
 */
export type STimeMode = 'new' | 'reuse';

export interface STimeBenchOptions {
  /** `-time N`: seconds of each s_time run (one server, one round). */
  readonly seconds: number;
  /** Rounds: every server runs once per round, in rotating order. */
  readonly rounds: number;
  /**
   * Untimed rounds first, per server and configuration (default 1, none with `--smoke`). A server process pays V8's
   * warm-up (compiling some hundreds of functions) once, in its first seconds; a long-running
   * server never pays it again, so the timed rounds should not either.
   */
  readonly warmupRounds?: number;
  readonly providers?: readonly string[];
  readonly versions?: readonly TlsVersion[];
  readonly modes?: readonly STimeMode[];
}

export interface STimeRow {
  readonly version: TlsVersion;
  readonly mode: STimeMode;
  readonly server: string;
  /** Connections over every round. */
  readonly connections: number;
  /** Share of the connections the server saw resumed. */
  readonly resumed: number;
  /** Connections per wall-clock second of s_time, median round. */
  readonly perSecond: number;
  /** Connections per CPU second of the server process (this one), median round. */
  readonly perServerCpuSecond: number;
  /** node:tls's CPU per connection divided by this server's, median over rounds; 1 for node:tls. */
  readonly paired: number | undefined;
}

/** `123 connections in 10 real seconds` (or, failing that, the user-seconds line). */
export function parseSTime(output: string): number | undefined {
  const real = /(\d+) connections in \d+ real seconds/.exec(output);
  const user = /(\d+) connections in [\d.]+s;/.exec(output);
  const match = real ?? user;
  return match ? Number(match[1]) : undefined;
}

/** The s_time command line for one run. */
export function sTimeArgs(
  port: number,
  profile: Profile,
  mode: STimeMode,
  seconds: number,
  caFile: string,
): string[] {
  const version =
    profile.version === 'TLSv1.3'
      ? ['-tls1_3', '-ciphersuites', suiteFor(profile)]
      : ['-tls1_2', '-cipher', opensslSuiteName(profile)];
  return [
    's_time',
    ...['-connect', `${loopback}:${port}`, `-${mode}`, '-time', String(seconds)],
    ...version,
    ...['-CAfile', caFile],
  ];
}

/**
 * The TLS 1.3 resuming client: node:tls in a child process (so its CPU is not the server's),
 * connecting again and again for `seconds` with the session of its first connection, and
 * printing its count in s_time's words.
 */
const ticketClient = `
import { connect } from 'node:tls';
const [port, seconds, ca] = process.argv.slice(1);
const end = Date.now() + Number(seconds) * 1000;
let session;
let connections = 0;
while (Date.now() < end) {
  await new Promise((resolve, reject) => {
    const socket = connect({ host: '${loopback}', port: Number(port), servername: 'tlskit.test', ca,
      minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256', session });
    socket.on('error', reject);
    socket.once('session', (s) => { session ??= s; socket.end(); });
    socket.on('secureConnect', () => { if (session !== undefined) socket.end(); });
    socket.on('close', resolve);
    socket.resume();
  });
  connections++;
}
console.log(connections + ' connections in ' + seconds + ' real seconds');
`;

/** The command that makes connections for one run: s_time, or the TLS 1.3 resuming client. */
export function clientCommand(
  port: number,
  profile: Profile,
  mode: STimeMode,
  seconds: number,
  caFile: string,
): { command: string; args: string[] } {
  if (profile.version === 'TLSv1.3' && mode === 'reuse') {
    const ca = readFileSync(caFile, 'utf8');
    return {
      command: process.execPath,
      args: ['--input-type=module', '-e', ticketClient, String(port), String(seconds), ca],
    };
  }
  return { command: 'openssl', args: sTimeArgs(port, profile, mode, seconds, caFile) };
}

/** Runs the client; resolves with its output, bounded in time. */
function sTime(client: { command: string; args: string[] }, seconds: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(client.command, client.args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      else reject(new Error(`${client.command} exited with ${code}: ${output.slice(-500)}`));
    });
  });
}

interface Round {
  readonly connections: number;
  readonly resumed: number;
  readonly wall: number;
  /** Server CPU seconds. */
  readonly cpu: number;
}

/** A listening server of one implementation that counts its handshakes and resumptions. */
interface CountingServer {
  readonly implementation: Implementation;
  readonly server: RunningServer;
  handshakes: number;
  resumed: number;
}

async function countingServer(
  implementation: Implementation,
  profile: Profile,
): Promise<CountingServer> {
  const counter = { implementation, handshakes: 0, resumed: 0 } as CountingServer;
  (counter as { server: RunningServer }).server = await implementation.listen(profile, (socket) => {
    counter.handshakes++;
    if ((socket as TLSSocket).isSessionReused?.()) counter.resumed++;
  });
  return counter;
}

async function runRound(
  target: CountingServer,
  profile: Profile,
  mode: STimeMode,
  options: STimeBenchOptions,
): Promise<Round> {
  const caFile = benchCredential(profile.cert).ca.file;
  const client = clientCommand(target.server.port, profile, mode, options.seconds, caFile);
  const before = { handshakes: target.handshakes, resumed: target.resumed };
  const start = performance.now();
  const cpu = process.cpuUsage();
  const output = await sTime(client, options.seconds);
  const used = process.cpuUsage(cpu);
  const wall = (performance.now() - start) / 1000;
  const connections = parseSTime(output);
  if (connections === undefined) {
    throw new Error(`no connection count in openssl s_time output: ${output.slice(-500)}`);
  }
  return {
    connections,
    resumed: target.resumed - before.resumed,
    wall,
    cpu: (used.user + used.system) / 1e6,
  };
}

/** {@link STimeBenchOptions.warmupRounds} when not given. */
const DEFAULT_WARMUP_ROUNDS = 1;

export async function runSTimeBench(options: STimeBenchOptions): Promise<STimeRow[]> {
  const list = await implementations(options.providers);
  const rows: STimeRow[] = [];
  for (const version of options.versions ?? ['TLSv1.3', 'TLSv1.2']) {
    const profile: Profile = { version, cert: 'ECDSA P-256' };
    for (const mode of options.modes ?? ['new', 'reuse']) {
      const servers: CountingServer[] = [];
      try {
        for (const implementation of list)
          servers.push(await countingServer(implementation, profile));
        for (let r = 0; r < (options.warmupRounds ?? DEFAULT_WARMUP_ROUNDS); r++) {
          for (const target of servers) await runRound(target, profile, mode, options);
        }
        const rounds = new Map<CountingServer, Round[]>(servers.map((s) => [s, []]));
        for (let r = 0; r < options.rounds; r++) {
          for (let k = 0; k < servers.length; k++) {
            const target = servers[(r + k) % servers.length]!;
            rounds.get(target)!.push(await runRound(target, profile, mode, options));
          }
        }
        const reference = servers.find((s) => s.implementation.name === 'node:tls');
        const costs = (s: CountingServer) => rounds.get(s)!.map((x) => x.cpu / x.connections);
        for (const s of servers) {
          const mine = rounds.get(s)!;
          const referenceCosts = reference ? costs(reference) : undefined;
          const paired = referenceCosts
            ? median(costs(s).map((cost, i) => referenceCosts[i]! / cost))
            : undefined;
          const connections = mine.reduce((n, x) => n + x.connections, 0);
          rows.push({
            version,
            mode,
            server: s.implementation.name,
            connections,
            resumed: connections > 0 ? mine.reduce((n, x) => n + x.resumed, 0) / connections : 0,
            perSecond: median(mine.map((x) => x.connections / x.wall)),
            perServerCpuSecond: median(mine.map((x) => x.connections / x.cpu)),
            paired,
          });
        }
      } finally {
        for (const s of servers) await s.server.close();
      }
    }
  }
  return rows;
}

export function sTimeTable(rows: readonly STimeRow[]): string {
  return markdownTable(
    [
      'version',
      's_time',
      'server',
      'connections',
      'resumed',
      'connections/s (wall)',
      'connections per server CPU second',
      'vs node:tls (CPU)',
      'paired vs node:tls',
    ],
    rows.map((row) => {
      const reference = rows.find(
        (r) => r.server === 'node:tls' && r.version === row.version && r.mode === row.mode,
      );
      return [
        row.version,
        `-${row.mode}`,
        row.server,
        String(row.connections),
        `${Math.round(row.resumed * 100)}%`,
        row.perSecond.toFixed(1),
        row.perServerCpuSecond.toFixed(1),
        ratio(row.perServerCpuSecond, reference?.perServerCpuSecond),
        row.paired === undefined ? '-' : `${row.paired.toFixed(2)}x`,
      ];
    }),
    3,
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
    method: `\`openssl s_time -connect 127.0.0.1:PORT -new|-reuse -time ${options.seconds}\` with
\`-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256\` or \`-tls1_2 -cipher
ECDHE-ECDSA-AES128-GCM-SHA256\`, against each server (ECDSA P-256 certificate, x25519). \`-new\`
makes a full handshake per connection; \`-reuse\` resumes the first connection's session on every
later one (TLS 1.2 session IDs or tickets). s_time closes a TLS 1.3 connection before its ticket
arrives, so the TLS 1.3 \`-reuse\` rows use a node:tls client in its own process that resumes with
its first connection's ticket instead. "resumed" is the share of
connections the server itself reported as resumed. The servers run in the benchmark's process and
s_time in its own, so that process's CPU time over a run is the server's alone. Servers take
turns: ${options.rounds} rounds of ${options.seconds} s each, in rotating order, after
${options.warmupRounds ?? DEFAULT_WARMUP_ROUNDS} untimed warm-up round(s) per server (V8 compiles tlskit's code in a
server's first seconds, once per process, which a long-running server does not pay again). "connections
per server CPU second" is the median round; "paired" divides node:tls's CPU per connection by
this server's in the same round and takes the median over rounds, so that the machine's drift
between rounds (two shared cores) cancels out: it is the figure to read against a target.`,
    table: sTimeTable(rows),
  });
}
