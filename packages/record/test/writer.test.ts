import { nobleProvider } from '@tlskit/crypto';
import { ContentType } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import {
  padToMultipleOf,
  type RecordProtection,
  RecordWriter,
  Tls12RecordProtection,
  Tls13RecordProtection,
} from '../src/index.js';
import { openWithNode, randomKey, type TrafficKey } from './node-records.js';
import { shuffledTiming } from './timing.js';

const aead = 'CHACHA20-POLY1305';
const app = ContentType.applicationData;

function tls13(key: TrafficKey): Promise<Tls13RecordProtection> {
  return Tls13RecordProtection.create(nobleProvider, aead, key.key, key.iv);
}

function data(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31) & 0xff);
}

/** Opens TLS 1.3 records with node:crypto from sequence 0 and returns content type and content. */
function openAll(key: TrafficKey, records: readonly Uint8Array[], firstSeq = 0) {
  return records.map((record, i) => {
    const inner = openWithNode(aead, key, firstSeq + i, record);
    let end = inner.length - 1;
    while (inner[end] === 0) end--;
    return { type: inner[end], content: inner.subarray(0, end), innerLength: inner.length };
  });
}

describe('RecordWriter fragmentation', () => {
  it('fragments plaintext to 2^14-byte records', async () => {
    const writer = new RecordWriter();
    const records = await writer.writeHandshake(data(40_000));
    expect(records.map((r) => r.length)).toEqual([5 + 16_384, 5 + 16_384, 5 + 7232]);
    expect(Buffer.concat(records.map((r) => r.subarray(5))).equals(data(40_000))).toBe(true);
    expect(records.every((r) => r[0] === 22 && r[1] === 3 && r[2] === 3)).toBe(true);
  });

  it('fragments protected data to 2^14 content bytes per record', async () => {
    const key = randomKey(aead);
    const writer = new RecordWriter({ protection: await tls13(key) });
    const records = await writer.writeApplicationData(data(35_000));
    const opened = openAll(key, records);
    expect(opened.map((o) => o.content.length)).toEqual([16_384, 16_384, 2232]);
    expect(Buffer.concat(opened.map((o) => o.content)).equals(data(35_000))).toBe(true);
    expect(opened.every((o) => o.type === app)).toBe(true);
  });

  it('respects the peer record_size_limit, which in TLS 1.3 includes the content type byte', async () => {
    const key = randomKey(aead);
    const writer = new RecordWriter({ protection: await tls13(key), recordSizeLimit: 1000 });
    const opened = openAll(key, await writer.writeApplicationData(data(2500)));
    expect(opened.map((o) => o.innerLength)).toEqual([1000, 1000, 503]);
  });

  it('applies record_size_limit to TLS 1.2 plaintext length', async () => {
    const key = randomKey('AES-128-GCM');
    const protection = await Tls12RecordProtection.create(
      nobleProvider,
      'AES-128-GCM',
      key.key,
      key.iv.subarray(0, 4),
    );
    const writer = new RecordWriter({ protection, recordSizeLimit: 500 });
    const records = await writer.writeApplicationData(data(1200));
    // explicit nonce (8) + plaintext + tag (16)
    expect(records.map((r) => r.length - 5 - 8 - 16)).toEqual([500, 500, 200]);
  });

  it('does not apply record_size_limit to unprotected records (RFC 8449 section 4)', async () => {
    const writer = new RecordWriter({ recordSizeLimit: 64 });
    const records = await writer.writeHandshake(data(1000));
    expect(records).toHaveLength(1);
  });

  it('sends one empty record for empty application data', async () => {
    const key = randomKey(aead);
    const writer = new RecordWriter({ protection: await tls13(key) });
    const opened = openAll(key, await writer.writeApplicationData(new Uint8Array(0)));
    expect(opened).toHaveLength(1);
    expect(opened[0]?.content.length).toBe(0);
  });

  it('writes each alert in its own record', async () => {
    const writer = new RecordWriter();
    expect((await writer.writeAlert(2, 40)).map((r) => Buffer.from(r).toString('hex'))).toEqual([
      '15030300020228',
    ]);
  });

  it('writes the ChangeCipherSpec record unprotected even under TLS 1.3 keys', async () => {
    const writer = new RecordWriter({ protection: await tls13(randomKey(aead)) });
    expect(Buffer.from((await writer.writeChangeCipherSpec())[0]!).toString('hex')).toBe(
      '140303000101',
    );
  });
});

describe('RecordWriter padding', () => {
  it('pads TLSInnerPlaintext to the policy and clamps the padding to the record size limit', async () => {
    const key = randomKey(aead);
    const writer = new RecordWriter({
      protection: await tls13(key),
      padding: padToMultipleOf(256),
      recordSizeLimit: 700,
    });
    const opened = openAll(key, await writer.writeApplicationData(data(1500)));
    // 699 + 1 = 700 inner (limit, no room to pad), 699 + 1 = 700, 102 + 1 padded to 256.
    expect(opened.map((o) => o.innerLength)).toEqual([700, 700, 256]);
    expect(Buffer.concat(opened.map((o) => o.content)).equals(data(1500))).toBe(true);
  });

  it('refuses a policy answer that is not a non-negative integer', async () => {
    const writer = new RecordWriter({
      protection: await tls13(randomKey(aead)),
      padding: () => -1,
    });
    expect(() => writer.writeApplicationData(data(10))).toThrow(RangeError);
  });
});

describe('RecordWriter ordering and key changes', () => {
  it('settles writes in call order with sequential sequence numbers even when sealing settles out of order', async () => {
    const key = randomKey(aead);
    const writer = new RecordWriter({ protection: shuffledTiming(await tls13(key)) });
    const settled: number[] = [];
    const writes = [0, 1, 2, 3, 4, 5].map((n) =>
      writer.writeApplicationData(Uint8Array.of(n)).then((records) => {
        settled.push(n);
        return records;
      }),
    );
    const records = (await Promise.all(writes)).flat();
    expect(settled).toEqual([0, 1, 2, 3, 4, 5]);
    expect(openAll(key, records).map((o) => o.content[0])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('starts the new key at sequence number 0 after a key change', async () => {
    const first = randomKey(aead);
    const second = randomKey(aead);
    const writer = new RecordWriter({ protection: await tls13(first) });
    const before = await writer.writeApplicationData(data(20_000));
    writer.setProtection(await tls13(second));
    const after = await writer.writeApplicationData(data(10));
    expect(openAll(first, before)).toHaveLength(2);
    expect(openAll(second, after, 0)[0]?.content).toEqual(data(10));
  });

  it('fails every later write once a seal has failed', async () => {
    const failing: RecordProtection = {
      kind: 'tls13',
      recordVersion: 0x0303,
      maxPayloadLength: 16_640,
      innerOverhead: 1,
      payloadOverhead: 16,
      seal: async () => {
        throw new Error('provider failure');
      },
      sealChunks: async () => {
        throw new Error('unused');
      },
      open: async () => {
        throw new Error('unused');
      },
    };
    const writer = new RecordWriter({ protection: failing });
    const first = writer.writeApplicationData(data(1));
    writer.setProtection(await tls13(randomKey(aead)));
    const second = writer.writeApplicationData(data(1));
    await expect(first).rejects.toThrow('provider failure');
    await expect(second).rejects.toThrow('provider failure');
  });
});

describe('sequence number limits', () => {
  it('uses 2^64 - 1 as the last sequence number and then refuses to wrap', async () => {
    const key = randomKey(aead);
    const protection = await Tls13RecordProtection.create(nobleProvider, aead, key.key, key.iv, {
      initialSequence: 0xffff_ffff_ffff_fffen,
    });
    const secondToLast = await protection.seal(app, data(3));
    const last = await protection.seal(app, data(4));
    expect(openWithNode(aead, key, 0xffff_ffff_ffff_fffen, secondToLast).subarray(0, 3)).toEqual(
      data(3),
    );
    expect(openWithNode(aead, key, 0xffff_ffff_ffff_ffffn, last).subarray(0, 4)).toEqual(data(4));
    await expect(protection.seal(app, data(1))).rejects.toMatchObject({
      code: 'ERR_SEQUENCE_EXHAUSTED',
    });
  });

  it('reports a key update due after 2^24.5 AES-GCM records, never for ChaCha20 before the wrap', async () => {
    const key = randomKey('AES-128-GCM');
    const gcm = await Tls13RecordProtection.create(nobleProvider, 'AES-128-GCM', key.key, key.iv, {
      initialSequence: 23_726_565n,
    });
    expect(gcm.keyUpdateDue).toBe(false);
    await gcm.seal(app, data(1));
    expect(gcm.keyUpdateDue).toBe(true);
    const chacha = await Tls13RecordProtection.create(
      nobleProvider,
      aead,
      randomKey(aead).key,
      key.iv,
      {
        initialSequence: 0xffff_ffff_ffff_fffen,
      },
    );
    expect(chacha.keyUpdateDue).toBe(false);
  });

  it('carries the sequence number across the 32-bit boundary', async () => {
    const key = randomKey('AES-128-GCM');
    const protection = await Tls12RecordProtection.create(
      nobleProvider,
      'AES-128-GCM',
      key.key,
      key.iv.subarray(0, 4),
      {
        initialSequence: 0xffff_ffffn,
      },
    );
    await protection.seal(app, data(1));
    const record = await protection.seal(app, data(1));
    // The explicit nonce we send is the sequence number (RFC 5288 section 3).
    expect(Buffer.from(record.subarray(5, 13)).toString('hex')).toBe('0000000100000000');
    expect(protection.sequenceNumber).toBe(0x1_0000_0001n);
  });
});
