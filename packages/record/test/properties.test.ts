import { nobleProvider } from '@tlskit/crypto';
import { ContentType, isTlsError } from '@tlskit/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PlaintextProtection,
  type RecordProtection,
  RecordReader,
  RecordWriter,
  Tls12RecordProtection,
  Tls13RecordProtection,
} from '../src/index.js';
import {
  type AeadName,
  innerPlaintext,
  plaintextRecord,
  randomKey,
  sealWithNode,
} from './node-records.js';
import { drain } from './drain.js';

const aeads: readonly AeadName[] = ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'];

const handshakeMessage = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 3000 }))
  .map(([type, body]) => {
    const out = new Uint8Array(4 + body.length);
    out.set([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
    out.set(body, 4);
    return out;
  });

/** Splits `data` at the given cut fractions into non-empty pieces, none longer than `max`. */
function split(
  data: Uint8Array,
  cuts: readonly number[],
  max = Number.POSITIVE_INFINITY,
): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * data.length)))]
    .filter((p) => p > 0 && p < data.length)
    .sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const end of [...points, data.length]) {
    for (let at = start; at < end; at += max)
      pieces.push(data.subarray(at, Math.min(end, at + max)));
    start = end;
  }
  return pieces;
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 });

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

describe('fragmentation and reassembly properties', () => {
  it('yields every handshake message exactly, however records split them and the stream is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(handshakeMessage, { minLength: 1, maxLength: 12 }),
        cuts,
        cuts,
        async (messages, recordCuts, chunkCuts) => {
          const stream = concat(messages);
          const records = split(stream, recordCuts, 16_384).map((f) =>
            plaintextRecord(ContentType.handshake, f),
          );
          const reader = new RecordReader({ maxHandshakeMessageLength: 1 << 24 });
          for (const chunk of split(concat(records), chunkCuts)) reader.feed(chunk);
          const events = await drain(reader);
          expect(events).toEqual(messages.map((message) => ({ type: 'handshake', message })));
          expect(reader.bufferedLength).toBe(0);
          expect(reader.hasPendingHandshake).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads back what the writer wrote under any AEAD, record size limit, padding and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...aeads),
        fc.integer({ min: 64, max: 16_385 }),
        fc.integer({ min: 0, max: 300 }),
        fc.array(handshakeMessage, { minLength: 1, maxLength: 5 }),
        fc.uint8Array({ maxLength: 40_000 }),
        cuts,
        async (aead, limit, padding, messages, appData, chunkCuts) => {
          const key = randomKey(aead);
          const writer = new RecordWriter({
            protection: await Tls13RecordProtection.create(nobleProvider, aead, key.key, key.iv),
            recordSizeLimit: limit,
            padding: () => padding,
          });
          const reader = new RecordReader({
            protection: await Tls13RecordProtection.create(nobleProvider, aead, key.key, key.iv),
            recordSizeLimit: limit,
            maxHandshakeMessageLength: 1 << 24,
          });
          const records = [
            ...(await writer.writeHandshake(concat(messages))),
            ...(await writer.writeApplicationData(appData)),
          ];
          for (const chunk of split(concat(records), chunkCuts)) reader.feed(chunk);
          const events = await drain(reader);
          const handshakes = events.filter((e) => e.type === 'handshake');
          const data = events.flatMap((e) => (e.type === 'applicationData' ? [e.data] : []));
          expect(handshakes).toEqual(messages.map((message) => ({ type: 'handshake', message })));
          expect(concat(data)).toEqual(appData);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('key change properties', () => {
  it('reads back flights separated by key changes at the same message boundaries as written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...aeads),
        fc.array(fc.array(handshakeMessage, { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        cuts,
        async (aead, flights, chunkCuts) => {
          // One key per flight, as handshake -> application -> KeyUpdate would switch them.
          const keys = flights.map(() => randomKey(aead));
          const protect = (i: number) =>
            Tls13RecordProtection.create(nobleProvider, aead, keys[i]!.key, keys[i]!.iv);
          const writer = new RecordWriter();
          const records: Uint8Array[] = [];
          for (const [i, flight] of flights.entries()) {
            writer.setProtection(await protect(i));
            records.push(...(await writer.writeHandshake(concat(flight))));
          }
          const reader = new RecordReader({ maxHandshakeMessageLength: 1 << 24 });
          for (const chunk of split(concat(records), chunkCuts)) reader.feed(chunk);
          for (const [i, flight] of flights.entries()) {
            reader.setProtection(await protect(i));
            for (const message of flight)
              expect(await reader.read()).toEqual({ type: 'handshake', message });
          }
          expect(await reader.read()).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('fuzzed records', () => {
  it('any single bit flip in a TLS 1.3 record outside its length field gives bad_record_mac and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...aeads),
        fc.uint8Array({ maxLength: 2000 }),
        fc.constantFrom(ContentType.handshake, ContentType.applicationData, ContentType.alert),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (aead, content, type, position, bit) => {
          const key = randomKey(aead);
          const record = sealWithNode(aead, key, 0, innerPlaintext(content, type));
          // Bytes 1-2 (version, additional data) and 5.. (ciphertext and tag); the type byte and
          // the length change the framing, which other tests cover.
          const flippable = [1, 2, ...Array.from({ length: record.length - 5 }, (_, i) => 5 + i)];
          const at = flippable[position % flippable.length]!;
          record[at]! ^= 1 << bit;
          const reader = new RecordReader({
            protection: await Tls13RecordProtection.create(nobleProvider, aead, key.key, key.iv),
          });
          reader.feed(record);
          await expect(reader.read()).rejects.toMatchObject({
            code: 'ERR_BAD_RECORD_MAC',
            alert: 20,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any single bit flip in a TLS 1.2 AEAD record outside its type and length gives bad_record_mac', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...aeads),
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (aead, content, position, bit) => {
          const key = randomKey(aead);
          const iv = aead === 'CHACHA20-POLY1305' ? key.iv : key.iv.subarray(0, 4);
          const sealer = await Tls12RecordProtection.create(nobleProvider, aead, key.key, iv);
          const record = await sealer.seal(ContentType.applicationData, content);
          const flippable = [1, 2, ...Array.from({ length: record.length - 5 }, (_, i) => 5 + i)];
          const at = flippable[position % flippable.length]!;
          record[at]! ^= 1 << bit;
          const reader = new RecordReader({
            protection: await Tls12RecordProtection.create(nobleProvider, aead, key.key, iv),
          });
          reader.feed(record);
          await expect(reader.read()).rejects.toMatchObject({
            code: 'ERR_BAD_RECORD_MAC',
            alert: 20,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random input, raw or shaped like records, ends only in events, "need more" or a TlsError', async () => {
    const recordish = fc
      .tuple(
        fc.constantFrom(20, 21, 22, 23, 23, 23, 24, 0),
        fc.constantFrom(0x0303, 0x0301, 0x0000),
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
      )
      .map(([type, version, body, honest]) => {
        const length = honest ? body.length : (body[0] ?? 0) * 256 + (body[1] ?? 0);
        return concat([
          Uint8Array.of(type, version >> 8, version & 0xff, length >> 8, length & 0xff),
          body,
        ]);
      });
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(recordish, { maxLength: 20 }).map(concat),
    );
    const protections: (() => Promise<RecordProtection>)[] = [
      async () => new PlaintextProtection(),
      ...aeads.map((aead) => async () => {
        const key = randomKey(aead);
        return Tls13RecordProtection.create(nobleProvider, aead, key.key, key.iv);
      }),
      ...aeads.map((aead) => async () => {
        const key = randomKey(aead);
        const iv = aead === 'CHACHA20-POLY1305' ? key.iv : key.iv.subarray(0, 4);
        return Tls12RecordProtection.create(nobleProvider, aead, key.key, iv);
      }),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...protections),
        fc.boolean(),
        input,
        cuts,
        async (makeProtection, ignoreChangeCipherSpec, bytes, chunkCuts) => {
          const reader = new RecordReader({ protection: await makeProtection() });
          reader.ignoreChangeCipherSpec = ignoreChangeCipherSpec;
          for (const chunk of split(bytes, chunkCuts)) reader.feed(chunk);
          try {
            await drain(reader);
          } catch (error) {
            if (!isTlsError(error)) throw error;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
