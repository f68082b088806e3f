/**
 * Bulk transfer: MB/s of application data over one established connection, client to server, for
 * each AEAD, tlskit over each provider next to node:tls. Both ends run in this process, so the
 * cost of a byte is its sealing, its opening and everything between (records, sockets, streams):
 * CPU time of this process, in interleaved batches (measure.ts). Each implementation keeps one
 * connection for the whole run; a batch sends `iterations` chunks of 1 MiB over it and ends when
 * the server has received them all.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { CryptoProvider } from '@tlskit/crypto';
import { openEnginePipe } from './engines.js';
import { measure, median, pairedSpeedRatio, type Variant } from './measure.js';
import {
  type AeadChoice,
  availableProviders,
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
  /** Median over batches of node:tls's time / this row's time, batch by batch. */
  readonly paired: number;
}

/** A connection whose server counts what it receives; `until(n)` resolves once it has n bytes. */
export interface Pipe {
  readonly client: Duplex;
  until(bytes: number): Promise<void>;
  close(): Promise<void>;
}

export async function openPipe(
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

/** The name of the row of tlskit's engines joined in memory (node provider), no sockets. */
export const enginesName = 'tlskit (node) engines alone, no sockets';

async function enginesOnly(provider: CryptoProvider, profile: Profile): Promise<Variant> {
  const pipe = await openEnginePipe(provider, profile);
  const chunk = randomBytes(chunkSize);
  return {
    name: enginesName,
    bytesPerOperation: chunkSize,
    async prepare(iterations) {
      return async () => {
        for (let n = 0; n < iterations; n++) await pipe.send(chunk);
      };
    },
  };
}

/** The name of the ceiling row: node:crypto's AEAD calls alone, no TLS around them. */
export const ceilingName = 'node:crypto AEAD calls alone';

const nodeCiphers = { 'AES-128-GCM': 'aes-128-gcm', 'CHACHA20-POLY1305': 'chacha20-poly1305' };

/**
 * The floor of any TLS stack that seals and opens through node:crypto's public API (the `node`
 * provider): per 16 KiB record, one createCipheriv + setAAD + update + final + getAuthTag to
 * seal, and the same with createDecipheriv to open, on the same bytes, with no record layer,
 * sockets or streams. node:tls keeps one OpenSSL context per direction and only changes the
 * nonce; Node's JavaScript API cannot, and its update allocates its output twice (see
 * docs/performance.md). MB/s above this row's is out of reach for the node provider.
 */
function aeadCeiling(aead: AeadChoice): Variant {
  const algorithm = nodeCiphers[aead] as 'aes-128-gcm';
  const key = createSecretKey(randomBytes(aead === 'AES-128-GCM' ? 16 : 32));
  const header = Uint8Array.of(23, 3, 3, 0x40, 0x11);
  return {
    name: ceilingName,
    bytesPerOperation: chunkSize,
    async prepare(iterations) {
      const record = randomBytes(recordPayload);
      return async () => {
        let sequence = 0;
        for (let n = 0; n < iterations * (chunkSize / recordPayload); n++) {
          const nonce = Buffer.alloc(12);
          nonce.writeUInt32BE(sequence++, 8);
          const seal = createCipheriv(algorithm, key, nonce, { authTagLength: 16 });
          seal.setAAD(header);
          const body = seal.update(record);
          seal.final();
          const tag = seal.getAuthTag();
          const open = createDecipheriv(algorithm, key, nonce, { authTagLength: 16 });
          open.setAAD(header);
          open.setAuthTag(tag);
          open.update(body);
          open.final();
        }
      };
    },
  };
}

/** Plaintext bytes per full record: 2^14 of data (TLS 1.3 adds the content-type byte inside). */
const recordPayload = 2 ** 14;

export async function runBulkBench(options: BulkBenchOptions): Promise<BulkRow[]> {
  const list = await implementations(options.providers);
  // The engines-only row is of the node provider: it explains that provider's distance to node:tls.
  const nodeProvider = (await availableProviders(['node']))[0]?.provider;
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
        if (nodeProvider) variants.push(await enginesOnly(nodeProvider, profile));
        variants.push(aeadCeiling(aead));
        const timings = await measure(variants, options);
        for (const { name } of variants) {
          const seconds = median(timings.get(name) ?? []);
          rows.push({
            version,
            aead,
            implementation: name,
            mbPerSecond: (options.iterations * chunkSize) / seconds / 1e6,
            paired: pairedSpeedRatio(timings, name, 'node:tls'),
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
    ['version', 'AEAD', 'implementation', 'MB/s', 'vs node:tls', 'vs node:tls, paired'],
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
      `${row.paired.toFixed(2)}x`,
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
    method: `One connection per row (the row's version with the AEAD's suite, x25519, ECDSA P-256), client
and server in one process on 127.0.0.1; the client writes 1 MiB chunks (with backpressure) and a
batch ends when the server has received every byte. ${mib} MiB are timed per row, in
${count(options.batches, 'batch', 'batches')} of ${options.iterations} MiB after
${count(options.warmupBatches, 'untimed batch', 'untimed batches')}, rows interleaved within each batch. MB/s is 10^6 bytes of application data per CPU second
of this process, which does both the sealing and the opening, so it is about half what one side
alone would reach; the median batch. "vs node:tls, paired" is the median over batches of
node:tls's time divided by the row's time in the same batch (less moved by a shared machine's
drift than the ratio of the two medians).

The row "${enginesName}" is tlskit's client and server engines (\`@tlskit/handshake\`, node
provider) joined in memory: the same records, AEAD calls and engine work, with the sealed bytes
handed to the receiving engine in 64 KiB pieces as a socket read would, but no socket, no Node
stream and no TLSSocket. The distance from it to "tlskit (node)" is what the sockets and streams
cost.

The row "${ceilingName}" is no TLS at all: per 16 KiB record, node:crypto's createCipheriv,
setAAD, update, final and getAuthTag to seal it, and the same with createDecipheriv to open it,
on the same bytes, in the same batches. That is what the \`node\` provider cannot avoid (Node's
API makes a new OpenSSL context per nonce, and its update allocates and copies its output), so it
is the ceiling of tlskit over node:crypto; node:tls keeps one context per direction in C++.`,
    table: bulkTable(rows),
  });
}
