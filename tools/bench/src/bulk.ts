/**
 * Bulk transfer: MB/s of application data over one established connection, client to server, for
 * each AEAD, tlskit over each provider next to node:tls. Both ends run in this process, so the
 * cost of a byte is its sealing, its opening and everything between (records, sockets, streams):
 * CPU time of this process, in interleaved batches (measure.ts). Each implementation keeps one
 * connection for the whole run; a batch sends `iterations` chunks of 1 MiB over it and ends when
 * the server has received them all.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { measure, median, type Variant } from './measure.js';
import {
  type AeadChoice,
  benchVersions,
  checkNegotiated,
  implementations,
  nextEvent,
  type Profile,
  secureConnected,
  suiteNames,
  type TlsVersion,
} from './peers.js';
import { count, markdownTable, ratio, sectionBody } from './report.js';

export const chunkSize = 1 << 20;

export const bulkAeads = Object.keys(suiteNames) as AeadChoice[];

export interface BulkBenchOptions {
  /** Timed batches per row. */
  readonly batches: number;
  /** 1 MiB chunks per batch. */
  readonly iterations: number;
  readonly warmupBatches: number;
  readonly providers?: readonly string[];
  readonly versions?: readonly TlsVersion[];
}

export interface BulkRow {
  readonly version: TlsVersion;
  readonly aead: AeadChoice;
  readonly implementation: string;
  /** Median batch, 10^6 bytes per CPU second (sender and receiver together). */
  readonly mbPerSecond: number;
}

/** A connection whose server counts what it receives; `until(n)` resolves once it has n bytes. */
interface Pipe {
  readonly client: Duplex;
  until(bytes: number): Promise<void>;
  close(): Promise<void>;
}

async function openPipe(
  implementation: Awaited<ReturnType<typeof implementations>>[number],
  profile: Profile,
): Promise<Pipe> {
  let received = 0;
  let waiting: { bytes: number; resolve: () => void } | undefined;
  const server = await implementation.listen(profile, (socket) => {
    socket.on('data', (chunk: Uint8Array) => {
      received += chunk.length;
      if (waiting && received >= waiting.bytes) {
        waiting.resolve();
        waiting = undefined;
      }
    });
  });
  const client = implementation.connect(server.port, profile);
  await secureConnected(client);
  checkNegotiated(client, profile);
  return {
    client,
    until(bytes) {
      if (received >= bytes) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`bulk: stalled at ${received} bytes`)),
          120_000,
        );
        waiting = {
          bytes,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

export async function runBulkBench(options: BulkBenchOptions): Promise<BulkRow[]> {
  const list = await implementations(options.providers);
  const versions = await benchVersions(list, options.versions);
  const chunk = randomBytes(chunkSize);
  const rows: BulkRow[] = [];
  for (const version of versions) {
    for (const aead of bulkAeads) {
      const profile: Profile = { version, cert: 'ECDSA P-256', aead };
      const pipes = await Promise.all(list.map((i) => openPipe(i, profile)));
      try {
        const sent = pipes.map(() => 0);
        const variants: Variant[] = list.map((implementation, k) => ({
          name: implementation.name,
          bytesPerOperation: chunkSize,
          async prepare(iterations) {
            const pipe = pipes[k]!;
            return async () => {
              for (let n = 0; n < iterations; n++) {
                sent[k]! += chunk.length;
                if (!pipe.client.write(chunk)) await nextEvent(pipe.client, 'drain', 120_000);
              }
              await pipe.until(sent[k]!);
            };
          },
        }));
        const timings = await measure(variants, options);
        for (const { name } of variants) {
          const seconds = median(timings.get(name) ?? []);
          rows.push({
            version,
            aead,
            implementation: name,
            mbPerSecond: (options.iterations * chunkSize) / seconds / 1e6,
          });
        }
      } finally {
        await Promise.all(pipes.map((pipe) => pipe.close()));
      }
    }
  }
  return rows;
}

export function bulkTable(rows: readonly BulkRow[]): string {
  return markdownTable(
    ['version', 'AEAD', 'implementation', 'MB/s', 'vs node:tls'],
    rows.map((row) => [
      row.version,
      row.aead,
      row.implementation,
      row.mbPerSecond.toFixed(1),
      ratio(
        row.mbPerSecond,
        rows.find(
          (r) =>
            r.implementation === 'node:tls' && r.version === row.version && r.aead === row.aead,
        )?.mbPerSecond,
      ),
    ]),
    3,
  );
}

export function bulkSection(
  rows: readonly BulkRow[],
  command: string,
  options: BulkBenchOptions,
): string {
  const mib = (options.batches * options.iterations * chunkSize) / 2 ** 20;
  return sectionBody({
    heading: 'Bulk transfer over one connection',
    command,
    method: `One connection per row (TLS 1.3 with the AEAD's suite, x25519, ECDSA P-256), client
and server in one process on 127.0.0.1; the client writes 1 MiB chunks (with backpressure) and a
batch ends when the server has received every byte. ${mib} MiB are timed per row, in
${count(options.batches, 'batch', 'batches')} of ${options.iterations} MiB after
${count(options.warmupBatches, 'untimed batch', 'untimed batches')}, rows interleaved within each batch. MB/s is 10^6 bytes of application data per CPU second
of this process, which does both the sealing and the opening, so it is about half what one side
alone would reach; the median batch.`,
    table: bulkTable(rows),
  });
}
