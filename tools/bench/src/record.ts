/**
 * Record layer throughput: sealing and opening 16 KiB TLS 1.3 application data records through
 * @tlskit/record (RecordWriter / RecordReader over nobleProvider), next to the raw noble AEAD
 * and node:crypto doing the same AEAD work on the same bytes. The record layer's overhead is its
 * cost over the raw noble AEAD it calls: nonce construction, the inner plaintext, the record
 * header, framing, the promise queue.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { AeadKey, AeadName } from '@tlskit/crypto';
import { nobleProvider } from '@tlskit/crypto';
import { RecordReader, RecordWriter, Tls13RecordProtection } from '@tlskit/record';
import { measure, median, overheadPercent, throughput, type Variant } from './measure.js';

export const recordSize = 16_384;

export interface RecordRow {
  readonly aead: AeadName;
  readonly operation: 'seal' | 'open';
  readonly recordLayer: number;
  readonly rawNoble: number;
  readonly nodeCrypto: number;
  /** Record layer time over the raw noble AEAD's, in percent: median of per-batch ratios. */
  readonly overheadPercent: number;
  /**
   * The record layer's own CPU time per record, measured over a null AEAD (which only allocates
   * and copies its output, as every real AEAD does) minus that null AEAD called directly.
   */
  readonly ownMicroseconds: number;
  /** `ownMicroseconds` over the raw noble AEAD's time per record, in percent. */
  readonly ownPercent: number;
}

export interface RecordBenchOptions {
  /** Timed batches per variant. */
  readonly batches: number;
  /** Records per batch. */
  readonly iterations: number;
  readonly warmupBatches: number;
  readonly aeads?: readonly AeadName[];
}

// Typed as one GCM name: @types/node only lists authTagLength for the CCM/GCM/OCB overloads.
const nodeNames: Record<AeadName, 'aes-128-gcm'> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm' as 'aes-128-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305' as 'aes-128-gcm',
};

export const recordAeads: readonly AeadName[] = ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'];

function nobleCipher(aead: AeadName) {
  return aead === 'CHACHA20-POLY1305' ? chacha20poly1305 : gcm;
}

/** RFC 8446 section 5.3 nonce for `seq`, as the raw variants compute it (cheaply). */
function nonce(iv: Uint8Array, seq: number): Uint8Array {
  const out = new Uint8Array(iv);
  out[8]! ^= (seq >>> 24) & 0xff;
  out[9]! ^= (seq >>> 16) & 0xff;
  out[10]! ^= (seq >>> 8) & 0xff;
  out[11]! ^= seq & 0xff;
  return out;
}

/**
 * An AEAD that does no cryptography: "ciphertext" = plaintext || 16 zero bytes, in a new buffer,
 * as a real AEAD returns. Running the record layer over it isolates the layer's own cost.
 */
function nullAead(algorithm: AeadName): AeadKey & {
  sealSync(plaintext: Uint8Array): Uint8Array;
  openSync(ciphertext: Uint8Array): Uint8Array;
} {
  const sealSync = (plaintext: Uint8Array) => {
    const out = new Uint8Array(plaintext.length + 16);
    out.set(plaintext);
    return out;
  };
  const openSync = (ciphertext: Uint8Array) => ciphertext.slice(0, ciphertext.length - 16);
  return {
    algorithm,
    sealSync,
    openSync,
    seal: async (_nonce, _ad, plaintext) => sealSync(plaintext),
    open: async (_nonce, _ad, ciphertext) => (ciphertext.length < 16 ? null : openSync(ciphertext)),
  };
}

/** The TLS 1.3 header of a full record: the additional data of the raw variants too. */
const header = Uint8Array.of(23, 3, 3, (recordSize + 17) >> 8, (recordSize + 17) & 0xff);

export async function runRecordBench(options: RecordBenchOptions): Promise<RecordRow[]> {
  const rows: RecordRow[] = [];
  for (const aead of options.aeads ?? recordAeads) {
    const key = randomBytes(aead === 'AES-128-GCM' ? 16 : 32);
    const iv = randomBytes(12);
    const data = randomBytes(recordSize);
    // The raw variants seal what the record layer seals: content || content type byte.
    const inner = new Uint8Array(recordSize + 1);
    inner.set(data);
    inner[recordSize] = 23;
    const cipher = nobleCipher(aead);

    const none = nullAead(aead);
    const seal: Variant[] = [
      {
        name: 'layer over null AEAD',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          const writer = new RecordWriter({ protection: new Tls13RecordProtection(none, iv) });
          return async () => {
            for (let i = 0; i < iterations; i++) await writer.writeApplicationData(data);
          };
        },
      },
      {
        name: 'null AEAD',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          return async () => {
            for (let i = 0; i < iterations; i++) none.sealSync(inner);
          };
        },
      },
      {
        name: 'record layer',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          const writer = new RecordWriter({
            protection: await Tls13RecordProtection.create(nobleProvider, aead, key, iv),
          });
          return async () => {
            for (let i = 0; i < iterations; i++) await writer.writeApplicationData(data);
          };
        },
      },
      {
        name: 'raw noble',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          return async () => {
            for (let i = 0; i < iterations; i++) cipher(key, nonce(iv, i), header).encrypt(inner);
          };
        },
      },
      {
        name: 'node:crypto',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          return async () => {
            for (let i = 0; i < iterations; i++) {
              const c = createCipheriv(nodeNames[aead], key, nonce(iv, i), { authTagLength: 16 });
              c.setAAD(header);
              c.update(inner);
              c.final();
              c.getAuthTag();
            }
          };
        },
      },
    ];

    // Opening needs records sealed at sequence numbers 0..n-1; made outside the timed region.
    const sealed = async (iterations: number): Promise<Uint8Array[]> => {
      const writer = new RecordWriter({
        protection: await Tls13RecordProtection.create(nobleProvider, aead, key, iv),
      });
      const out: Uint8Array[] = [];
      for (let i = 0; i < iterations; i++) out.push(...(await writer.writeApplicationData(data)));
      return out;
    };
    const recordsCache = new Map<number, Uint8Array[]>();
    const recordsFor = async (iterations: number) => {
      let records = recordsCache.get(iterations);
      if (!records) {
        records = await sealed(iterations);
        recordsCache.set(iterations, records);
      }
      return records;
    };
    const nullRecords = new Map<number, Uint8Array[]>();
    const nullRecordsFor = async (iterations: number) => {
      let records = nullRecords.get(iterations);
      if (!records) {
        const writer = new RecordWriter({ protection: new Tls13RecordProtection(none, iv) });
        records = [];
        for (let i = 0; i < iterations; i++)
          records.push(...(await writer.writeApplicationData(data)));
        nullRecords.set(iterations, records);
      }
      return records;
    };
    const open: Variant[] = [
      {
        name: 'layer over null AEAD',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          const records = await nullRecordsFor(iterations);
          const reader = new RecordReader({ protection: new Tls13RecordProtection(none, iv) });
          return async () => {
            for (const record of records) {
              reader.feed(record);
              const event = await reader.read();
              if (event?.type !== 'applicationData') throw new Error('bench: record did not open');
            }
          };
        },
      },
      {
        name: 'null AEAD',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          const records = await nullRecordsFor(iterations);
          return async () => {
            for (const record of records) none.openSync(record.subarray(5));
          };
        },
      },
      {
        name: 'record layer',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          const records = await recordsFor(iterations);
          const reader = new RecordReader({
            protection: await Tls13RecordProtection.create(nobleProvider, aead, key, iv),
          });
          return async () => {
            for (const record of records) {
              reader.feed(record);
              const event = await reader.read();
              if (event?.type !== 'applicationData') throw new Error('bench: record did not open');
            }
          };
        },
      },
      {
        name: 'raw noble',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          const records = await recordsFor(iterations);
          return async () => {
            for (let i = 0; i < records.length; i++) {
              const record = records[i]!;
              cipher(key, nonce(iv, i), record.subarray(0, 5)).decrypt(record.subarray(5));
            }
          };
        },
      },
      {
        name: 'node:crypto',
        bytesPerOperation: recordSize,
        async prepare(iterations) {
          const records = await recordsFor(iterations);
          return async () => {
            for (let i = 0; i < records.length; i++) {
              const record = records[i]!;
              const d = createDecipheriv(nodeNames[aead], key, nonce(iv, i), { authTagLength: 16 });
              d.setAAD(record.subarray(0, 5));
              d.setAuthTag(record.subarray(record.length - 16));
              d.update(record.subarray(5, record.length - 16));
              d.final();
            }
          };
        },
      },
    ];

    for (const [operation, variants] of [
      ['seal', seal],
      ['open', open],
    ] as const) {
      const timings = await measure(variants, options);
      const bytes = recordSize * options.iterations;
      const perRecord = (name: string) =>
        (median(timings.get(name) ?? []) / options.iterations) * 1e6;
      const own = Math.max(0, perRecord('layer over null AEAD') - perRecord('null AEAD'));
      rows.push({
        aead,
        operation,
        recordLayer: throughput(timings, 'record layer', bytes),
        rawNoble: throughput(timings, 'raw noble', bytes),
        nodeCrypto: throughput(timings, 'node:crypto', bytes),
        overheadPercent: overheadPercent(timings, 'record layer', 'raw noble'),
        ownMicroseconds: own,
        ownPercent: (own / perRecord('raw noble')) * 100,
      });
    }
  }
  return rows;
}

/** The rows as a markdown table. */
export function recordTable(rows: readonly RecordRow[]): string {
  const lines = [
    '| AEAD | operation | record layer (MB/s) | raw noble (MB/s) | node:crypto (MB/s) | layer vs raw noble, paired | layer own cost (us/record) | own cost / raw AEAD time |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.aead} | ${row.operation} | ${row.recordLayer.toFixed(1)} | ${row.rawNoble.toFixed(1)} | ${row.nodeCrypto.toFixed(1)} | ${row.overheadPercent.toFixed(1)}% | ${row.ownMicroseconds.toFixed(1)} | ${row.ownPercent.toFixed(1)}% |`,
    );
  }
  return lines.join('\n');
}
