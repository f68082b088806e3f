/**
 * Limits on what a peer may put in a protected record, checked by forging records with the
 * client's real application traffic key (taken from its key log) and feeding them to the server.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { type Connection, createClient, createServer, pump } from '@tlskit/handshake';
import { fromHex } from '@tlskit/wire';
import { tls12KeyBlock, trafficKeys } from '@tlskit/key-schedule';
import { Tls12RecordProtection, Tls13RecordProtection } from '@tlskit/record';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

const handshake = 22;
const alert = 21;
const applicationData = 23;

/** record_size_limit values (RFC 8449) each side advertises, if any. */
interface Limits {
  readonly client?: number;
  readonly server?: number;
}

/** A connected pair, and record protections that seal as the client and as the server would. */
async function connectedPair(limits: Limits = {}) {
  const f = await fixtures();
  const client = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    cipherSuites: [0x1301],
    minVersion: 'TLSv1.3',
    ...(limits.client === undefined ? {} : { recordSizeLimit: limits.client }),
  });
  const server = createServer({
    provider,
    certificates: [f.server.p256],
    minVersion: 'TLSv1.3',
    ...(limits.server === undefined ? {} : { recordSizeLimit: limits.server }),
  });
  const secrets = new Map<string, Uint8Array>();
  client.on('keylog', (line) => {
    const [label, , hex] = line.split(' ');
    secrets.set(label!, fromHex(hex!));
  });
  const received: Uint8Array[] = [];
  let closeError: Error | undefined;
  let clientCloseError: Error | undefined;
  server.on('data', (d) => received.push(d));
  server.on('close', ({ error }) => {
    closeError = error;
  });
  client.on('close', ({ error }) => {
    clientCloseError = error;
  });
  await client.start();
  await server.start();
  await pump(client, server);
  expect(server.state).toBe('connected');
  expect(client.state).toBe('connected');
  const sealer = (label: string) => {
    const { key, iv } = trafficKeys(provider, 'SHA-256', secrets.get(label)!, 'AES-128-GCM');
    return Tls13RecordProtection.create(provider, 'AES-128-GCM', key, iv);
  };
  return {
    server,
    client,
    asClient: await sealer('CLIENT_TRAFFIC_SECRET_0'),
    asServer: await sealer('SERVER_TRAFFIC_SECRET_0'),
    received,
    closed: () => closeError,
    clientClosed: () => clientCloseError,
  };
}

const connectedServer = () => connectedPair();

async function send(server: Connection, record: Uint8Array): Promise<void> {
  await server.receive(record);
}

describe('protected record limits (RFC 8446 5.2, 5.4)', () => {
  it('delivers a record of exactly 2^14 bytes', async () => {
    const t = await connectedServer();
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(16_384).fill(7)));
    expect(t.closed()).toBeUndefined();
    expect(t.received.reduce((n, d) => n + d.length, 0)).toBe(16_384);
  });

  it('refuses a record that decrypts to 2^14 + 1 bytes with record_overflow', async () => {
    const t = await connectedServer();
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(16_385)));
    expect(t.closed()).toMatchObject({ code: 'ERR_RECORD_OVERFLOW', alert: 22 });
    expect(t.received).toEqual([]);
  });

  it('refuses padding that takes the inner plaintext past 2^14 + 1 bytes', async () => {
    const t = await connectedServer();
    // 16,300 bytes of data + type + 100 bytes of padding: under the ciphertext limit of
    // 2^14 + 256, over the inner plaintext limit of 2^14 + 1.
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(16_300), 100));
    expect(t.closed()).toMatchObject({ code: 'ERR_RECORD_OVERFLOW' });
  });

  it('accepts 32 empty application_data records in a row but not 33', async () => {
    const t = await connectedServer();
    for (let i = 0; i < 32; i++)
      await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(0)));
    expect(t.closed()).toBeUndefined();
    await send(t.server, await t.asClient.seal(applicationData, Uint8Array.of(1)));
    expect(t.received.map((d) => d.length)).toEqual([1]);
    // The run counter restarts after a non-empty record; 33 more empties end the connection.
    for (let i = 0; i < 33; i++)
      await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(0)));
    expect(t.closed()).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE' });
  });
});

describe('our advertised record_size_limit (RFC 8449 section 4)', () => {
  it('server accepts inner plaintext up to its limit and refuses one byte more', async () => {
    const t = await connectedPair({ client: 16_385, server: 1000 });
    // 999 bytes of content + the type byte = 1000 bytes of TLSInnerPlaintext: at the limit.
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(999)));
    expect(t.closed()).toBeUndefined();
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(1000)));
    expect(t.closed()).toMatchObject({ code: 'ERR_RECORD_OVERFLOW', alert: 22 });
    expect(t.received.map((d) => d.length)).toEqual([999]);
  });

  it('client refuses a record over the limit it advertised once the server agreed', async () => {
    const t = await connectedPair({ client: 500 });
    await send(t.client, await t.asServer.seal(applicationData, new Uint8Array(499)));
    expect(t.clientClosed()).toBeUndefined();
    // Padding counts towards the limit too (TLSInnerPlaintext includes it).
    await send(t.client, await t.asServer.seal(applicationData, new Uint8Array(10), 490));
    expect(t.clientClosed()).toMatchObject({ code: 'ERR_RECORD_OVERFLOW', alert: 22 });
  });

  it('does not enforce a limit the peer never acknowledged', async () => {
    // The server advertises a limit only in answer to the client's extension (RFC 8449 4).
    const t = await connectedPair({ server: 1000 });
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(16_384)));
    expect(t.closed()).toBeUndefined();
  });
});

describe('zero-length protected records (RFC 8446 5.1)', () => {
  it('refuses a zero-length handshake record with unexpected_message', async () => {
    const t = await connectedServer();
    await send(t.server, await t.asClient.seal(handshake, new Uint8Array(0)));
    expect(t.closed()).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });

  it('refuses a zero-length alert record with unexpected_message', async () => {
    const t = await connectedServer();
    await send(t.server, await t.asClient.seal(alert, new Uint8Array(0)));
    expect(t.closed()).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });

  it('refuses a one-byte alert record with decode_error', async () => {
    const t = await connectedServer();
    await send(t.server, await t.asClient.seal(alert, Uint8Array.of(2)));
    expect(t.closed()).toMatchObject({ code: 'ERR_DECODE', alert: 50 });
  });
});

/** A TLS 1.2 pair (ECDHE-ECDSA-AES128-GCM-SHA256) and a protection that seals as the client. */
async function connected12() {
  const f = await fixtures();
  const only12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
  const client = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    cipherSuites: [0xc02b],
    ...only12,
  });
  const server = createServer({ provider, certificates: [f.server.p256], ...only12 });
  let master: Uint8Array | undefined;
  let clientRandom: Uint8Array | undefined;
  let serverRandom: Uint8Array | undefined;
  client.on('keylog', (line) => {
    const [label, random, hex] = line.split(' ');
    if (label === 'CLIENT_RANDOM') {
      clientRandom = fromHex(random!);
      master = fromHex(hex!);
    }
  });
  client.on('message', (m) => {
    // ServerHello: type(1) length(3) version(2) random(32).
    if (m.direction === 'received' && m.bytes[0] === 2) serverRandom = m.bytes.slice(6, 38);
  });
  let closeError: Error | undefined;
  const received: Uint8Array[] = [];
  server.on('data', (d) => received.push(d));
  server.on('close', ({ error }) => {
    closeError = error;
  });
  await client.start();
  await server.start();
  await pump(client, server);
  expect(server.state).toBe('connected');
  const block = tls12KeyBlock(
    provider,
    'SHA-256',
    master!,
    clientRandom!,
    serverRandom!,
    'AES-128-GCM',
  );
  const asClient = await Tls12RecordProtection.create(
    provider,
    'AES-128-GCM',
    block.clientWriteKey,
    block.clientWriteIv,
  );
  // Sequence number 0 went to the client's Finished (RFC 5246 6.1); skip it.
  await asClient.seal(handshake, new Uint8Array(16));
  return { server, asClient, received, closed: () => closeError };
}

describe('TLS 1.2 plaintext limit (RFC 5246 6.2.3)', () => {
  it('delivers 2^14 bytes and refuses 2^14 + 1 with record_overflow', async () => {
    const t = await connected12();
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(16_384)));
    expect(t.closed()).toBeUndefined();
    expect(t.received.reduce((n, d) => n + d.length, 0)).toBe(16_384);
    await send(t.server, await t.asClient.seal(applicationData, new Uint8Array(16_385)));
    expect(t.closed()).toMatchObject({ code: 'ERR_RECORD_OVERFLOW', alert: 22 });
  });
});

/**
 * Records that deliver nothing cost a decryption each; a peer sending them without end wastes
 * our CPU. The limits follow BoringSSL's (kMaxWarningAlerts, kMaxKeyUpdates, kMaxEmptyRecords).
 */
describe('runs of records that deliver nothing', () => {
  const userCanceled = Uint8Array.of(1, 90);

  it('accepts 4 user_canceled alerts in a row but not 5 (TLS 1.3)', async () => {
    const t = await connectedServer();
    for (let i = 0; i < 4; i++) await send(t.server, await t.asClient.seal(alert, userCanceled));
    expect(t.closed()).toBeUndefined();
    // Data between alerts restarts the count.
    await send(t.server, await t.asClient.seal(applicationData, Uint8Array.of(1)));
    for (let i = 0; i < 4; i++) await send(t.server, await t.asClient.seal(alert, userCanceled));
    expect(t.closed()).toBeUndefined();
    await send(t.server, await t.asClient.seal(alert, userCanceled));
    expect(t.closed()).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });

  it('accepts 4 TLS 1.2 warning alerts in a row but not 5', async () => {
    const t = await connected12();
    const noRenegotiation = Uint8Array.of(1, 100);
    for (let i = 0; i < 4; i++) await send(t.server, await t.asClient.seal(alert, noRenegotiation));
    expect(t.closed()).toBeUndefined();
    await send(t.server, await t.asClient.seal(alert, noRenegotiation));
    expect(t.closed()).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });

  it('accepts 32 KeyUpdates without data between but not 33', async () => {
    const t = await connectedServer();
    for (let i = 0; i < 32; i++) await t.client.keyUpdate(false);
    await t.client.write(Uint8Array.of(1));
    for (let i = 0; i < 32; i++) await t.client.keyUpdate(false);
    await pump(t.client, t.server);
    expect(t.closed()).toBeUndefined();
    expect(t.received.map((d) => d.length)).toEqual([1]);
    await t.client.keyUpdate(false);
    await pump(t.client, t.server);
    expect(t.closed()).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });

  it('accepts 32 compatibility change_cipher_spec records in a row but not 33', async () => {
    const f = await fixtures();
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
    await client.start();
    const hello = client.takeOutput();
    const ccs = Uint8Array.of(20, 3, 3, 0, 1, 1);
    const run = async (count: number) => {
      const server = createServer({ provider, certificates: [f.server.p256] });
      let error: Error | undefined;
      server.on('close', (e) => {
        error = e.error;
      });
      for (const chunk of hello) await server.receive(chunk);
      for (let i = 0; i < count; i++) await server.receive(ccs);
      return { server, error };
    };
    expect((await run(32)).error).toBeUndefined();
    expect((await run(33)).error).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });
});

describe('requested KeyUpdates (RFC 8446 4.6.3)', () => {
  it('answers several requests received while silent with one KeyUpdate, before its data', async () => {
    const t = await connectedServer();
    const sent: string[] = [];
    t.server.on('message', (m) => {
      if (m.direction === 'sent') sent.push(m.type);
    });
    for (let i = 0; i < 5; i++) await t.client.keyUpdate(true);
    await pump(t.client, t.server);
    // Nothing is owed on the wire until the server has data to send.
    expect(sent).toEqual([]);
    const got: number[] = [];
    t.client.on('data', (d) => got.push(d.length));
    await t.server.write(Uint8Array.of(1, 2));
    await t.server.write(Uint8Array.of(3));
    await pump(t.client, t.server);
    expect(sent).toEqual(['key_update']);
    expect(got).toEqual([2, 1]);
    expect(t.closed()).toBeUndefined();
    expect(t.clientClosed()).toBeUndefined();
  });
});
