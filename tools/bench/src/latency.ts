/**
 * Time to first application byte: from `connect()` to the client's first `data` event, for one
 * new connection on loopback, when the server writes a byte as soon as its handshake is done.
 * This is what a user waits for, so it is wall time (unlike the throughput suites): it includes
 * the TCP connect, both sides' handshake work and every event-loop hop in between. Rounds run
 * the implementations one after the other, so load on the shared cores hits them alike; the
 * figure is the median round (and the 90th percentile, for the tail).
 */
import { median } from './measure.js';
import {
  type Implementation,
  implementations,
  type Profile,
  type RunningServer,
  nextEvent,
} from './peers.js';
import { markdownTable, ratio, sectionBody } from './report.js';

export interface LatencyBenchOptions {
  /** Connections per implementation. */
  readonly rounds: number;
  /** Untimed connections first, for the JIT. */
  readonly warmup: number;
  readonly providers?: readonly string[];
}

export interface LatencyRow {
  readonly implementation: string;
  /** Milliseconds, median over rounds. */
  readonly medianMs: number;
  readonly p90Ms: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** One connection; milliseconds from `connect()` to the first byte the server sent. */
async function firstByte(
  implementation: Implementation,
  server: RunningServer,
  profile: Profile,
): Promise<number> {
  const start = performance.now();
  const socket = implementation.connect(server.port, profile);
  try {
    await nextEvent(socket, 'data');
    return performance.now() - start;
  } finally {
    socket.destroy();
  }
}

export async function runLatencyBench(options: LatencyBenchOptions): Promise<LatencyRow[]> {
  // The same endpoints with TCP_NODELAY too: shows how much of the gap is Nagle's algorithm.
  const plain = await implementations(options.providers);
  const noDelay = (await implementations(options.providers, { noDelay: true })).filter(
    (i) => i.name !== 'node:tls',
  );
  const list = [...plain.slice(0, -1), ...noDelay, ...plain.slice(-1)];
  const profile: Profile = { version: 'TLSv1.3', cert: 'ECDSA P-256' };
  const servers = await Promise.all(
    list.map((i) => i.listen(profile, (socket) => socket.write('x'))),
  );
  try {
    const times: number[][] = list.map(() => []);
    for (let round = 0; round < options.warmup + options.rounds; round++) {
      for (let k = 0; k < list.length; k++) {
        const ms = await firstByte(list[k]!, servers[k]!, profile);
        if (round >= options.warmup) times[k]!.push(ms);
      }
    }
    return list.map((implementation, k) => ({
      implementation: implementation.name,
      medianMs: median(times[k]!),
      p90Ms: percentile(times[k]!, 0.9),
    }));
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

export function latencyTable(rows: readonly LatencyRow[]): string {
  const reference = rows.find((r) => r.implementation === 'node:tls');
  return markdownTable(
    ['implementation', 'median (ms)', 'p90 (ms)', 'median vs node:tls'],
    rows.map((row) => [
      row.implementation,
      row.medianMs.toFixed(2),
      row.p90Ms.toFixed(2),
      ratio(row.medianMs, reference?.medianMs),
    ]),
  );
}

export function latencySection(
  rows: readonly LatencyRow[],
  command: string,
  options: LatencyBenchOptions,
): string {
  return sectionBody({
    heading: 'Latency: time to first application byte',
    command,
    method: `One new connection at a time on 127.0.0.1, client and server in one process, TLS 1.3,
x25519, ECDSA P-256 certificate verified by the client: the time from \`connect()\` to the
client's first \`data\` event, the server writing one byte as soon as its handshake completes.
Wall time (what a user waits for), so load on the shared cores shows up here; the
implementations take turns connection by connection so that it hits them alike.
${options.rounds} connections per implementation after ${options.warmup} untimed ones. The ratio
is time over node:tls's (lower is better).

The "TCP_NODELAY" rows set Nagle's algorithm off explicitly. Since commit 270b51a the facades
hand each flight to the socket as one corked write and turn TCP_NODELAY on by default, so the two
rows of a provider should agree; before that change every record was its own write, a small write
after another waited for the peer's delayed ACK (up to 40 ms on Linux), and the plain rows were
about 100 ms.`,
    table: latencyTable(rows),
  });
}
