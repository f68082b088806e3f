/**
 * Full handshakes per second on loopback: tlskit client <-> tlskit server over each crypto
 * provider, and node:tls <-> node:tls, with the same certificate and group (x25519) in the same
 * run. Each handshake is a new TCP connection with no session to resume; the client verifies the
 * server's chain against the CA, as a real client does.
 *
 * Both ends run in this process, so a handshake's cost is all the CPU time this process spends on
 * it (client and server): measured with `process.cpuUsage` in interleaved batches (measure.ts),
 * which other work on the shared cores barely disturbs. Handshakes per CPU second is the median
 * batch.
 */
import { measure, median, pairedSpeedRatio, type Variant } from './measure.js';
import {
  benchVersions,
  checkNegotiated,
  type CertName,
  type Implementation,
  implementations,
  type Profile,
  type RunningServer,
  secureConnected,
  type TlsVersion,
} from './peers.js';
import { count, markdownTable, ratio, sectionBody } from './report.js';

export const handshakeCerts: readonly CertName[] = ['ECDSA P-256', 'RSA-2048'];

export interface HandshakeBenchOptions {
  readonly batches: number;
  /** Handshakes per batch. */
  readonly iterations: number;
  readonly warmupBatches: number;
  /** Provider names to keep (default: every provider that exists). */
  readonly providers?: readonly string[];
  /** Versions to try (default both; TLS 1.2 rows only when the engines speak it). */
  readonly versions?: readonly TlsVersion[];
  readonly certs?: readonly CertName[];
}

export interface HandshakeRow {
  readonly version: TlsVersion;
  readonly cert: CertName;
  readonly implementation: string;
  /** Median over batches of handshakes per CPU second (client and server together). */
  readonly perSecond: number;
  /** Median CPU milliseconds per handshake. */
  readonly cpuMs: number;
  /** Median over batches of node:tls's time / this row's time, batch by batch. */
  readonly paired: number;
}

/** A server of `implementation` and a function that runs one handshake against it. */
export async function handshakeLoop(
  implementation: Implementation,
  profile: Profile,
): Promise<{ server: RunningServer; once: () => Promise<void> }> {
  let served: (() => void) | undefined;
  let checked = false;
  const server = await implementation.listen(profile, () => served?.());
  return {
    server,
    async once() {
      // The server's side counts too: a handshake is done when both ends say so.
      const serverDone = new Promise<void>((resolve) => {
        served = resolve;
      });
      const socket = implementation.connect(server.port, profile);
      try {
        await secureConnected(socket);
        if (!checked) {
          checkNegotiated(socket, profile);
          checked = true;
        }
        await serverDone;
      } finally {
        socket.destroy();
      }
    },
  };
}

export async function runHandshakeBench(options: HandshakeBenchOptions): Promise<HandshakeRow[]> {
  const list = await implementations(options.providers);
  const versions = await benchVersions(list, options.versions);
  const rows: HandshakeRow[] = [];
  for (const version of versions) {
    for (const cert of options.certs ?? handshakeCerts) {
      const profile: Profile = { version, cert };
      const loops = await Promise.all(list.map((i) => handshakeLoop(i, profile)));
      try {
        const variants: Variant[] = list.map((implementation, k) => ({
          name: implementation.name,
          bytesPerOperation: 1,
          async prepare(iterations) {
            const loop = loops[k]!;
            return async () => {
              for (let n = 0; n < iterations; n++) await loop.once();
            };
          },
        }));
        const timings = await measure(variants, options);
        for (const { name } of variants) {
          const seconds = median(timings.get(name) ?? []);
          rows.push({
            version,
            cert,
            implementation: name,
            perSecond: options.iterations / seconds,
            cpuMs: (seconds / options.iterations) * 1000,
            paired: pairedSpeedRatio(timings, name, 'node:tls'),
          });
        }
      } finally {
        await Promise.all(loops.map((loop) => loop.server.close()));
      }
    }
  }
  return rows;
}

/** The node:tls row of the same version and certificate. */
export function referenceOf<R extends { implementation: string }>(
  rows: readonly R[],
  row: R,
  same: (a: R, b: R) => boolean,
): R | undefined {
  return rows.find((r) => r.implementation === 'node:tls' && same(r, row));
}

export function handshakeTable(rows: readonly HandshakeRow[]): string {
  const same = (a: HandshakeRow, b: HandshakeRow) => a.version === b.version && a.cert === b.cert;
  return markdownTable(
    [
      'version',
      'certificate',
      'implementation',
      'handshakes/s',
      'CPU ms/handshake',
      'vs node:tls',
      'vs node:tls, paired',
    ],
    rows.map((row) => [
      row.version,
      row.cert,
      row.implementation,
      row.perSecond.toFixed(1),
      row.cpuMs.toFixed(2),
      ratio(row.perSecond, referenceOf(rows, row, same)?.perSecond),
      `${row.paired.toFixed(2)}x`,
    ]),
    3,
  );
}

/** The docs/performance.md section of a full run. */
export function handshakeSection(
  rows: readonly HandshakeRow[],
  command: string,
  options: HandshakeBenchOptions,
): string {
  return sectionBody({
    heading: 'Full handshakes per second',
    command,
    method: `Each row is one implementation as both client and server on 127.0.0.1, in this one
process: a new TCP connection per handshake, the full handshake (x25519; TLS_AES_128_GCM_SHA256
in TLS 1.3, TLS_ECDHE_{ECDSA,RSA}_WITH_AES_128_GCM_SHA256 in TLS 1.2), the client verifying the server's chain (leaf issued by an ECDSA P-256 root, both
made by openssl at run time) and the host name, no session resumption. A handshake counts when the
client has \`secureConnect\` and the server \`secureConnection\`. tlskit runs over every crypto
provider of @tlskit/crypto present (\`noble\` is the pure-JS default; \`node\` uses node:crypto;
\`webcrypto\` uses \`crypto.subtle\`); node:tls is OpenSSL in Node.

Time is this process's CPU time (client + server), not wall time, because the two cores are shared
with other work: ${options.batches} batches of ${options.iterations} handshakes per row, rows
interleaved within each batch, after ${count(options.warmupBatches, 'warm-up batch', 'warm-up batches')}; the figure is
the median batch. "vs node:tls" divides two such medians; "vs node:tls, paired" is the median
over batches of node:tls's time divided by the row's time in the same batch, which cancels most of
the drift of a shared machine between batches (the figure to read against a target). TLS 1.2 rows appear once the engines negotiate TLS 1.2 (checked by one
handshake per implementation at the start of the run).`,
    table: handshakeTable(rows),
  });
}
