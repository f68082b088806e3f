import { nobleProvider } from '@tlskit/crypto';
import { ContentType } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { shuffledTiming } from './timing.js';
import {
  NotTlsError,
  PlaintextProtection,
  RecordReader,
  Tls12RecordProtection,
  Tls13RecordProtection,
} from '../src/index.js';
import {
  innerPlaintext,
  plaintextRecord,
  randomKey,
  sealWithNode,
  type TrafficKey,
} from './node-records.js';
import { drain } from './drain.js';

const aead = 'AES-128-GCM';
const hs = ContentType.handshake;
const app = ContentType.applicationData;

function tls13(key: TrafficKey): Promise<Tls13RecordProtection> {
  return Tls13RecordProtection.create(nobleProvider, aead, key.key, key.iv);
}

async function protectedReader(): Promise<{ reader: RecordReader; key: TrafficKey }> {
  const key = randomKey(aead);
  return { reader: new RecordReader({ protection: await tls13(key) }), key };
}

/** A handshake message: type, uint24 length, body. */
function message(type: number, bodyLength: number): Uint8Array {
  const out = new Uint8Array(4 + bodyLength);
  out.set([type, bodyLength >> 16, (bodyLength >> 8) & 0xff, bodyLength & 0xff]);
  for (let i = 0; i < bodyLength; i++) out[4 + i] = (i * 7 + type) & 0xff;
  return out;
}

function rejectsWith(promise: Promise<unknown>, code: string, alert: number) {
  return expect(promise).rejects.toMatchObject({ code, alert });
}

describe('RecordReader size limits', () => {
  it('refuses a plaintext record longer than 2^14 as soon as its header arrives', async () => {
    const reader = new RecordReader();
    reader.feed(Uint8Array.of(hs, 3, 3, 0x40, 0x01));
    await rejectsWith(reader.read(), 'ERR_RECORD_OVERFLOW', 22);
  });

  it('accepts a plaintext record of exactly 2^14 bytes', async () => {
    const reader = new RecordReader();
    reader.feed(plaintextRecord(hs, message(11, 16_380)));
    expect((await reader.read())?.type).toBe('handshake');
  });

  it('refuses a TLS 1.3 ciphertext longer than 2^14 + 256', async () => {
    const { reader } = await protectedReader();
    reader.feed(Uint8Array.of(app, 3, 3, 0x41, 0x01));
    await rejectsWith(reader.read(), 'ERR_RECORD_OVERFLOW', 22);
  });

  it('refuses a TLS 1.3 inner plaintext of 2^14 + 2 bytes and accepts 2^14 + 1', async () => {
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(new Uint8Array(16_384).fill(1), app)));
    expect(await reader.read()).toMatchObject({ type: 'applicationData' });
    reader.feed(sealWithNode(aead, key, 1, innerPlaintext(new Uint8Array(16_384).fill(1), app, 1)));
    await rejectsWith(reader.read(), 'ERR_RECORD_OVERFLOW', 22);
  });

  it('refuses a TLS 1.2 ciphertext longer than 2^14 + 2048', async () => {
    const key = randomKey(aead);
    const protection = await Tls12RecordProtection.create(
      nobleProvider,
      aead,
      key.key,
      key.iv.subarray(0, 4),
    );
    const reader = new RecordReader({ protection });
    reader.feed(Uint8Array.of(app, 3, 3, 0x48, 0x01));
    await rejectsWith(reader.read(), 'ERR_RECORD_OVERFLOW', 22);
  });

  it('enforces the record_size_limit it advertised on protected records only (RFC 8449)', async () => {
    const key = randomKey(aead);
    const reader = new RecordReader({ recordSizeLimit: 100 });
    // Unprotected records are not subject to the limit.
    reader.feed(plaintextRecord(hs, message(2, 200)));
    expect((await reader.read())?.type).toBe('handshake');
    reader.setProtection(await tls13(key));
    // The limit counts the whole TLSInnerPlaintext: 99 content bytes + type byte is exactly 100.
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(new Uint8Array(99).fill(5), app)));
    expect(await reader.read()).toMatchObject({ type: 'applicationData' });
    reader.feed(sealWithNode(aead, key, 1, innerPlaintext(new Uint8Array(99).fill(5), app, 1)));
    await rejectsWith(reader.read(), 'ERR_RECORD_OVERFLOW', 22);
  });

  it('refuses a handshake message announcing more than the configured maximum', async () => {
    const reader = new RecordReader({ maxHandshakeMessageLength: 1000 });
    reader.feed(plaintextRecord(hs, Uint8Array.of(11, 0, 0x03, 0xe9)));
    await rejectsWith(reader.read(), 'ERR_HANDSHAKE_MESSAGE_TOO_LARGE', 47);
  });
});

describe('RecordReader TLS 1.3 deprotection', () => {
  it('fails with bad_record_mac under the wrong key', async () => {
    const { reader } = await protectedReader();
    reader.feed(sealWithNode(aead, randomKey(aead), 0, innerPlaintext(Uint8Array.of(1), app)));
    await rejectsWith(reader.read(), 'ERR_BAD_RECORD_MAC', 20);
  });

  it('fails with bad_record_mac for a record replayed at the next sequence number', async () => {
    const { reader, key } = await protectedReader();
    const record = sealWithNode(aead, key, 0, innerPlaintext(Uint8Array.of(1), app));
    reader.feed(record);
    reader.feed(record);
    expect(await reader.read()).toMatchObject({ type: 'applicationData' });
    await rejectsWith(reader.read(), 'ERR_BAD_RECORD_MAC', 20);
  });

  it('fails with bad_record_mac for a payload shorter than a tag', async () => {
    const { reader } = await protectedReader();
    reader.feed(Uint8Array.of(app, 3, 3, 0, 16, ...new Uint8Array(16)));
    await rejectsWith(reader.read(), 'ERR_BAD_RECORD_MAC', 20);
  });

  it('strips zero padding and finds the real content type (RFC 8446 section 5.4)', async () => {
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(message(4, 3), hs, 300)));
    expect(await reader.read()).toEqual({ type: 'handshake', message: message(4, 3) });
  });

  it('refuses an inner plaintext of all zeros with unexpected_message', async () => {
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, new Uint8Array(20)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('refuses an unprotected handshake record once keys are in place', async () => {
    const { reader } = await protectedReader();
    reader.feed(plaintextRecord(hs, message(20, 32)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('returns an unprotected alert under keys only while acceptUnprotectedAlerts is set', async () => {
    const { reader } = await protectedReader();
    reader.acceptUnprotectedAlerts = true;
    reader.feed(plaintextRecord(ContentType.alert, Uint8Array.of(2, 40)));
    expect(await reader.read()).toEqual({
      type: 'alert',
      level: 2,
      description: 40,
      unprotected: true,
    });
    reader.acceptUnprotectedAlerts = false;
    // Afterwards a forged plaintext close_notify must not pass as an orderly close.
    reader.feed(plaintextRecord(ContentType.alert, Uint8Array.of(1, 0)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('refuses an unknown inner content type', async () => {
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(Uint8Array.of(1, 2), 99)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });
});

describe('RecordReader content rules', () => {
  it('refuses record content types TLS does not define after the first record', async () => {
    const reader = new RecordReader();
    reader.feed(plaintextRecord(hs, message(1, 8)));
    reader.feed(Uint8Array.of(24, 3, 3, 0, 1, 0));
    await reader.read();
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('names a peer whose first bytes are not a TLS record: the peer does not speak TLS', async () => {
    for (const text of [
      'GET / HTTP/1.1\r\n',
      'HTTP/1.1 400 Bad Request\r\n',
      'SSH-2.0-OpenSSH_9.2\r\n',
    ]) {
      const reader = new RecordReader();
      // Two bytes suffice: nobody waits for a whole header (or a timeout) to hear it.
      reader.feed(new TextEncoder().encode(text.slice(0, 2)));
      const error = reader.read();
      await rejectsWith(error, 'ERR_NOT_TLS', 10);
      await expect(error).rejects.toThrow(/does not speak TLS.*"(GE|HT|SS)"/);
    }
    // What the bytes look like, as OpenSSL's "http request" / "https proxy request" tell it.
    for (const [text, looksLike] of [
      ['GET / HTTP/1.1\r\n', 'http-request'],
      ['POST /x HTTP/1.1\r\n', 'http-request'],
      ['CONNECT example.com:443 HTTP/1.1\r\n', 'http-proxy-request'],
      ['HTTP/1.1 400 Bad Request\r\n', undefined],
      ['GETTING', undefined],
    ] as const) {
      const reader = new RecordReader();
      reader.feed(new TextEncoder().encode(text));
      const error = await reader.read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotTlsError);
      expect((error as NotTlsError).looksLike).toBe(looksLike);
    }
    for (const bytes of [Uint8Array.of(24, 3, 3, 0, 1, 0), Uint8Array.of(22, 0x16, 3, 0, 1)]) {
      const reader = new RecordReader();
      reader.feed(bytes);
      await rejectsWith(reader.read(), 'ERR_NOT_TLS', 10);
    }
  });

  it('refuses application data before keys are in place', async () => {
    const reader = new RecordReader();
    reader.feed(plaintextRecord(app, Uint8Array.of(1)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('refuses a zero-length handshake record, plaintext or protected (RFC 8446 section 5.1)', async () => {
    const plain = new RecordReader();
    plain.feed(plaintextRecord(hs, new Uint8Array(0)));
    await rejectsWith(plain.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(new Uint8Array(0), hs, 10)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('refuses an alert record that is not exactly one alert', async () => {
    for (const body of [Uint8Array.of(2), Uint8Array.of(2, 40, 2, 40)]) {
      const reader = new RecordReader();
      reader.feed(plaintextRecord(ContentType.alert, body));
      await rejectsWith(reader.read(), 'ERR_DECODE', 50);
    }
  });

  it('refuses a zero-length alert record with unexpected_message, like a handshake one', async () => {
    const plain = new RecordReader();
    plain.feed(plaintextRecord(ContentType.alert, new Uint8Array(0)));
    await rejectsWith(plain.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(new Uint8Array(0), ContentType.alert)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('returns one alert per record', async () => {
    const reader = new RecordReader();
    reader.feed(plaintextRecord(ContentType.alert, Uint8Array.of(2, 40)));
    expect(await reader.read()).toEqual({ type: 'alert', level: 2, description: 40 });
  });

  it('skips zero-length application data records but refuses a long run of them', async () => {
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(new Uint8Array(0), app)));
    reader.feed(sealWithNode(aead, key, 1, innerPlaintext(Uint8Array.of(9), app)));
    expect(await reader.read()).toEqual({ type: 'applicationData', data: Uint8Array.of(9) });
    for (let seq = 2; seq < 40; seq++)
      reader.feed(sealWithNode(aead, key, seq, innerPlaintext(new Uint8Array(0), app)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('splits several handshake messages sharing one record and joins one split across records', async () => {
    const reader = new RecordReader();
    const a = message(1, 10);
    const b = message(2, 300);
    const c = message(8, 0);
    const stream = Buffer.concat([a, b, c]);
    reader.feed(plaintextRecord(hs, stream.subarray(0, 20)));
    reader.feed(plaintextRecord(hs, stream.subarray(20, 21)));
    reader.feed(plaintextRecord(hs, stream.subarray(21)));
    expect(await drain(reader)).toEqual([a, b, c].map((m) => ({ type: 'handshake', message: m })));
  });

  it('refuses another record type between the fragments of a handshake message', async () => {
    const reader = new RecordReader();
    const m = message(11, 100);
    reader.feed(plaintextRecord(hs, m.subarray(0, 50)));
    reader.feed(plaintextRecord(ContentType.alert, Uint8Array.of(1, 0)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('refuses a key change while a handshake message is incomplete', async () => {
    const reader = new RecordReader();
    reader.feed(plaintextRecord(hs, message(2, 40).subarray(0, 30)));
    expect(await reader.read()).toBeUndefined();
    expect(() => reader.setProtection(new PlaintextProtection())).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_MESSAGE' }),
    );
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('refuses a key change after a message that does not end its record', async () => {
    const reader = new RecordReader();
    // ServerHello and EncryptedExtensions in one plaintext record: the key change after
    // ServerHello would fall inside the record (RFC 8446 section 5.1).
    reader.feed(plaintextRecord(hs, Buffer.concat([message(2, 40), message(8, 2)])));
    expect((await reader.read())?.type).toBe('handshake');
    expect(() => reader.setProtection(new PlaintextProtection())).toThrow(
      expect.objectContaining({ code: 'ERR_UNEXPECTED_MESSAGE' }),
    );
  });

  it('stays failed: every read after an error rejects with that error', async () => {
    const reader = new RecordReader();
    reader.feed(Uint8Array.of(99, 3, 3, 0, 0));
    const first = await reader.read().catch((error: unknown) => error);
    reader.feed(plaintextRecord(hs, message(1, 1)));
    await expect(reader.read()).rejects.toBe(first);
  });
});

describe('RecordReader ChangeCipherSpec', () => {
  const ccs = Uint8Array.of(20, 3, 3, 0, 1, 1);

  it('drops the TLS 1.3 compatibility record while the window is open, even under keys', async () => {
    const { reader, key } = await protectedReader();
    reader.ignoreChangeCipherSpec = true;
    reader.feed(ccs);
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(message(20, 32), hs)));
    expect(await reader.read()).toEqual({ type: 'handshake', message: message(20, 32) });
  });

  it('refuses a compatibility record other than the single byte 0x01', async () => {
    for (const body of [Uint8Array.of(2), Uint8Array.of(1, 1), new Uint8Array(0)]) {
      const reader = new RecordReader();
      reader.ignoreChangeCipherSpec = true;
      reader.feed(plaintextRecord(20, body));
      await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
    }
  });

  it('refuses a ChangeCipherSpec under TLS 1.3 keys outside the window', async () => {
    const { reader } = await protectedReader();
    reader.feed(ccs);
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('refuses a protected ChangeCipherSpec (inner content type 20)', async () => {
    const { reader, key } = await protectedReader();
    reader.ignoreChangeCipherSpec = true;
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(Uint8Array.of(1), 20)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('returns a TLS 1.2 ChangeCipherSpec under plaintext protection as an event', async () => {
    const reader = new RecordReader();
    reader.feed(ccs);
    expect(await reader.read()).toEqual({ type: 'changeCipherSpec' });
  });

  it('refuses a ChangeCipherSpec under TLS 1.2 keys (no renegotiation)', async () => {
    const key = randomKey(aead);
    const protection = await Tls12RecordProtection.create(
      nobleProvider,
      aead,
      key.key,
      key.iv.subarray(0, 4),
    );
    const reader = new RecordReader({ protection });
    reader.feed(ccs);
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });
});

describe('RecordReader ordering and 0-RTT', () => {
  it('answers concurrent reads in record order even when decryption settles out of order', async () => {
    const key = randomKey(aead);
    const protection = shuffledTiming(await tls13(key));
    const reader = new RecordReader({ protection });
    for (let seq = 0; seq < 5; seq++)
      reader.feed(sealWithNode(aead, key, seq, innerPlaintext(Uint8Array.of(seq + 1), app)));
    const reads = [0, 1, 2, 3, 4].map(() => reader.read());
    const events = await Promise.all(reads);
    expect(events).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ type: 'applicationData', data: Uint8Array.of(n) })),
    );
  });

  it('skips undeprotectable records within the 0-RTT budget, then reads normally', async () => {
    const { reader, key } = await protectedReader();
    const early = randomKey(aead);
    reader.discardUndecryptableRecords(100);
    reader.feed(sealWithNode(aead, early, 0, innerPlaintext(new Uint8Array(30), app)));
    reader.feed(sealWithNode(aead, early, 1, innerPlaintext(new Uint8Array(30), app)));
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(message(20, 32), hs)));
    expect(await reader.read()).toEqual({ type: 'handshake', message: message(20, 32) });
  });

  it('skips only records that fail to authenticate, not a malformed one that does', async () => {
    const { reader, key } = await protectedReader();
    reader.discardUndecryptableRecords(100);
    // Authenticates under the handshake key, but its TLSInnerPlaintext is all zeros (RFC 8446 5.4).
    reader.feed(sealWithNode(aead, key, 0, new Uint8Array(3)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('skips application_data records under plaintext within the budget (0-RTT and HelloRetryRequest)', async () => {
    const reader = new RecordReader();
    reader.discardUndecryptableRecords(40);
    reader.feed(plaintextRecord(app, new Uint8Array(20)));
    reader.feed(plaintextRecord(app, new Uint8Array(20)));
    reader.feed(plaintextRecord(hs, message(1, 4)));
    expect(await reader.read()).toEqual({ type: 'handshake', message: message(1, 4) });
    reader.feed(plaintextRecord(app, new Uint8Array(1)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('skips an empty application_data record, or returns it while the handshake is not done', async () => {
    const { reader, key } = await protectedReader();
    reader.feed(sealWithNode(aead, key, 0, innerPlaintext(new Uint8Array(0), app)));
    reader.feed(sealWithNode(aead, key, 1, innerPlaintext(message(20, 4), hs)));
    expect(await reader.read()).toEqual({ type: 'handshake', message: message(20, 4) });
    // A connection in its handshake refuses any application data, an empty record too
    // (BoGo's AppDataBeforeHandshake-Empty), so it needs to see it.
    reader.skipEmptyApplicationData = false;
    reader.feed(sealWithNode(aead, key, 2, innerPlaintext(new Uint8Array(0), app)));
    expect(await reader.read()).toEqual({ type: 'applicationData', data: new Uint8Array(0) });
  });

  it('refuses an empty application_data record under plaintext when skipping nothing', async () => {
    // BoGo's AppDataBeforeHandshake-Empty: a budget of 0 must not let a 0-byte record through.
    const reader = new RecordReader();
    reader.feed(plaintextRecord(app, new Uint8Array(0)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });

  it('fails with unexpected_message when skipping overruns the 0-RTT budget', async () => {
    const { reader } = await protectedReader();
    const early = randomKey(aead);
    reader.discardUndecryptableRecords(60);
    reader.feed(sealWithNode(aead, early, 0, innerPlaintext(new Uint8Array(30), app)));
    reader.feed(sealWithNode(aead, early, 1, innerPlaintext(new Uint8Array(30), app)));
    await rejectsWith(reader.read(), 'ERR_UNEXPECTED_MESSAGE', 10);
  });
});
