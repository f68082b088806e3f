/**
 * 0-RTT (RFC 8446 2.3, 4.2.10, 8) between our engines: accepted early data is delivered once and
 * marked as early; a second use of the ticket, a raw replay of the first flight, a stale ticket
 * age, a HelloRetryRequest and a changed ALPN all reject it, and the client then sends it again
 * as ordinary data. The OpenSSL interop is in packages/cli/test/early-data.test.ts.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  MemoryAntiReplayStore,
  OptionsError,
  pump,
  type ServerOptions,
  type Session,
} from '@tlskit/handshake';
import { trafficKeys } from '@tlskit/key-schedule';
import { Tls13RecordProtection } from '@tlskit/record';
import { fromHex } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const ticketKeys = [{ name: new Uint8Array(16).fill(5), key: new Uint8Array(32).fill(6) }];

interface Run {
  client: Connection;
  server: Connection;
  early: string[];
  data: string[];
  serverError: Error | undefined;
  clientError: Error | undefined;
}

/** A server accepting 0-RTT with `store`, and a session from a first full handshake with it. */
async function setup(server: Partial<ServerOptions> = {}, client: Partial<ClientOptions> = {}) {
  const f = await fixtures();
  const store = new MemoryAntiReplayStore();
  const serverOptions: ServerOptions = {
    provider,
    certificates: [f.server.p256],
    ticketKeys,
    maxEarlyData: 1000,
    antiReplay: store,
    ...server,
  };
  const first = await connectPair([f.server.p256], client, serverOptions);
  expect(first.sessions.length).toBe(1);
  const session = first.sessions[0]!;
  expect(session).toMatchObject({ maxEarlyData: serverOptions.maxEarlyData });
  return { f, store, serverOptions, session };
}

/** A client that will resume `session` offering 0-RTT; not started yet. */
async function offering0Rtt(
  session: Session,
  client: Partial<ClientOptions> = {},
): Promise<Connection> {
  const f = await fixtures();
  return createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    session,
    earlyData: true,
    ...client,
  });
}

/** A client resuming `session` with 0-RTT, started, with `early` written as early data. */
async function earlyClient(session: Session, early: string): Promise<Connection> {
  const c = await offering0Rtt(session);
  await c.start();
  await c.write(enc(early));
  return c;
}

/** Resumes with `session`, writes `early` before the handshake, then pumps to the end. */
async function resume(
  session: Session,
  serverOptions: ServerOptions,
  early: string,
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Run> {
  const c = await offering0Rtt(session, client);
  const s = createServer({ ...serverOptions, ...server });
  const run: Run = {
    client: c,
    server: s,
    early: [],
    data: [],
    serverError: undefined,
    clientError: undefined,
  };
  s.on('close', (e) => {
    run.serverError = e.error;
  });
  c.on('close', (e) => {
    run.clientError = e.error;
  });
  s.on('earlyData', (d) => run.early.push(dec(d)));
  s.on('data', (d) => run.data.push(dec(d)));
  await c.start();
  if (early !== '') await c.write(enc(early));
  await pump(c, s);
  return run;
}

describe('0-RTT', () => {
  it('delivers accepted early data once, marked as early, and both sides say accepted', async () => {
    const { serverOptions, session } = await setup();
    const c = await offering0Rtt(session);
    await c.start();
    expect(c.earlyDataRemaining).toBe(1000);
    await c.write(enc('GET / early'));
    expect(c.earlyDataRemaining).toBe(1000 - 11);
    const s = createServer(serverOptions);
    const early: string[] = [];
    const data: string[] = [];
    let earlyBeforeHandshake = false;
    s.on('earlyData', (d) => {
      early.push(dec(d));
      earlyBeforeHandshake = s.handshakeInfo === undefined;
    });
    s.on('data', (d) => data.push(dec(d)));
    await pump(c, s);
    expect(c.handshakeInfo).toMatchObject({ resumed: true, earlyData: 'accepted' });
    expect(s.handshakeInfo).toMatchObject({ resumed: true, earlyData: 'accepted' });
    expect(early).toEqual(['GET / early']);
    expect(earlyBeforeHandshake).toBe(true);
    await c.write(enc('after'));
    await pump(c, s);
    expect(data).toEqual(['after']);
    expect(c.earlyDataRemaining).toBe(0);
  });

  it('lets a server that accepted early data answer it at once, as half-RTT data', async () => {
    const { serverOptions, session } = await setup();
    const c = await earlyClient(session, 'GET / early');
    const s = createServer(serverOptions);
    const answers: string[] = [];
    let written: Promise<void> | undefined;
    let clientDone = false;
    s.on('earlyData', (d) => {
      // Before the client's Finished: the server's own Finished is out, the client's is not in.
      expect(s.handshakeInfo).toBeUndefined();
      written = s.write(enc(`answer to ${dec(d)}`));
    });
    c.on('data', (d) => {
      clientDone = c.handshakeInfo !== undefined;
      answers.push(dec(d));
    });
    await pump(c, s);
    await written;
    await pump(c, s);
    expect(answers).toEqual(['answer to GET / early']);
    expect(clientDone).toBe(true);
    expect(s.handshakeInfo).toMatchObject({ earlyData: 'accepted' });
    // Without accepted early data a server still may not write before the handshake.
    const plain = createServer(serverOptions);
    await expect(plain.write(enc('x'))).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
  });

  it('fails with protocol_version when the server answers 0-RTT with TLS 1.2', async () => {
    // RFC 8446 D.3: the early data may already be out; a TLS 1.2 server would take what follows
    // as TLS 1.2 records.
    const { serverOptions, session } = await setup();
    const run = await resume(session, serverOptions, 'early', {}, { maxVersion: 'TLSv1.2' });
    expect(run.client.handshakeInfo).toBeUndefined();
    expect(run.clientError).toMatchObject({ code: 'ERR_PROTOCOL_VERSION', alert: 70 });
  });

  it('accepts a ticket once: its second use is rejected and the data resent as ordinary data', async () => {
    const { serverOptions, session } = await setup();
    const once = await resume(session, serverOptions, 'first');
    expect(once.early).toEqual(['first']);
    const again = await resume(session, serverOptions, 'second');
    expect(again.server.handshakeInfo).toMatchObject({ resumed: true, earlyData: 'rejected' });
    expect(again.client.handshakeInfo).toMatchObject({ resumed: true, earlyData: 'rejected' });
    expect(again.early).toEqual([]);
    expect(again.data).toEqual(['second']);
  });

  it('skips rejected early data up to the max_early_data_size its tickets allow', async () => {
    const { serverOptions, session } = await setup({ maxEarlyData: 40_000 });
    await resume(session, serverOptions, 'first');
    const again = await resume(session, serverOptions, 'x'.repeat(40_000));
    expect(again.serverError).toBeUndefined();
    expect(again.server.handshakeInfo).toMatchObject({ earlyData: 'rejected' });
    expect(again.data.join('').length).toBe(40_000);
  });

  it('a server taking no early data skips 16 KiB of it, then ends with unexpected_message', async () => {
    // RFC 8446 4.2.10 bounds what a server skips by its max_early_data_size; one that issues
    // no 0-RTT tickets still skips 16 KiB, for a ticket from another configuration.
    const { serverOptions, session } = await setup({ maxEarlyData: 40_000 });
    const noEarly = { maxEarlyData: 0 };
    const small = await resume(session, serverOptions, 'x'.repeat(16_000), {}, noEarly);
    expect(small.serverError).toBeUndefined();
    const large = await resume(session, serverOptions, 'x'.repeat(20_000), {}, noEarly);
    expect(large.serverError).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });

  it('lets the application decide with resendRejectedEarlyData: false', async () => {
    const { serverOptions, session } = await setup();
    await resume(session, serverOptions, 'first');
    const again = await resume(session, serverOptions, 'second', {
      resendRejectedEarlyData: false,
    });
    expect(again.client.handshakeInfo?.earlyData).toBe('rejected');
    expect(again.early).toEqual([]);
    expect(again.data).toEqual([]);
  });

  it('does not deliver early data twice when the first flight is replayed byte for byte', async () => {
    const { serverOptions, session } = await setup();
    const c = await earlyClient(session, 'transfer 100');
    const flight = c.takeOutput();
    const delivered: string[] = [];
    for (let i = 0; i < 2; i++) {
      const s = createServer(serverOptions);
      s.on('earlyData', (d) => delivered.push(dec(d)));
      s.on('data', (d) => delivered.push(dec(d)));
      for (const chunk of flight) await s.receive(chunk);
      expect(s.state).toBe('handshaking');
    }
    expect(delivered).toEqual(['transfer 100']);
  });

  it('rejects early data whose ticket age is outside the freshness window', async () => {
    const { serverOptions, session } = await setup({ earlyDataWindow: 1000 });
    // The client's clock runs 5 s ahead: its ticket age disagrees with the server's by 5 s.
    const skewed = await resume(session, serverOptions, 'late', { now: () => Date.now() + 5000 });
    expect(skewed.server.handshakeInfo).toMatchObject({ resumed: true, earlyData: 'rejected' });
    expect(skewed.data).toEqual(['late']);
  });

  it('rejects early data through a HelloRetryRequest, and the handshake still completes', async () => {
    const { serverOptions, session } = await setup();
    const retried = await resume(
      session,
      serverOptions,
      'before retry',
      { groups: [0x001d, 0x0017], keyShareGroups: [0x001d] },
      { groups: [0x0017] },
    );
    expect(retried.client.handshakeInfo).toMatchObject({
      helloRetryRequest: true,
      resumed: true,
      earlyData: 'rejected',
    });
    expect(retried.early).toEqual([]);
    expect(retried.data).toEqual(['before retry']);
  });

  it('rejects early data when the server would now choose another ALPN protocol', async () => {
    const { serverOptions, session } = await setup(
      { alpnProtocols: ['h2', 'http/1.1'] },
      { alpnProtocols: ['h2', 'http/1.1'] },
    );
    expect(session.alpn).toBe('h2');
    const changed = await resume(
      session,
      serverOptions,
      'alpn',
      { alpnProtocols: ['h2', 'http/1.1'] },
      { alpnProtocols: ['http/1.1', 'h2'] },
    );
    expect(changed.client.handshakeInfo).toMatchObject({ alpn: 'http/1.1', earlyData: 'rejected' });
    expect(changed.data).toEqual(['alpn']);
  });

  it('closes with unexpected_message when a client sends more than max_early_data_size', async () => {
    const { serverOptions, session } = await setup({ maxEarlyData: 100 });
    // A client that ignores the ticket's limit (ours never does: the session is doctored).
    const greedy = { ...session, maxEarlyData: 5000 } as Session;
    const run = await resume(greedy, serverOptions, 'x'.repeat(200));
    expect(run.server.state).toBe('closed');
    expect(run.serverError).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
    expect(run.early).toEqual([]);
  });

  it('skips only records that fail to authenticate while skipping rejected early data', async () => {
    // RFC 8446 4.2.10: a server that rejected 0-RTT skips records it cannot deprotect. A record
    // that does deprotect under the handshake key but is malformed (a TLSInnerPlaintext of zeros,
    // RFC 8446 5.4) is the client's, and fatal: it must not be skipped as if it were early data.
    const { serverOptions, session } = await setup();
    await resume(session, serverOptions, 'first'); // uses the ticket: its next use is rejected
    const client = await offering0Rtt(session, { cipherSuites: [0x1301] });
    const server = createServer(serverOptions);
    let secret: Uint8Array | undefined;
    client.on('keylog', (line) => {
      const [label, , hex] = line.split(' ');
      if (label === 'CLIENT_HANDSHAKE_TRAFFIC_SECRET') secret = fromHex(hex!);
    });
    let serverError: Error | undefined;
    server.on('close', (e) => {
      serverError = e.error;
    });
    await client.start();
    await client.write(enc('rejected'));
    for (const chunk of client.takeOutput()) await server.receive(chunk);
    for (const chunk of server.takeOutput()) await client.receive(chunk);
    expect(server.state).toBe('handshaking');
    expect(secret).toBeDefined();
    const { key, iv } = trafficKeys(provider, 'SHA-256', secret!, 'AES-128-GCM');
    const sealer = await Tls13RecordProtection.create(provider, 'AES-128-GCM', key, iv);
    // Content type 0 and no content: the inner plaintext is the single byte 0.
    await server.receive(await sealer.seal(0, new Uint8Array(0)));
    expect(server.state).toBe('closed');
    expect(serverError).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });

  it('refuses writes beyond the ticket limit before the handshake, as a caller error', async () => {
    const { session } = await setup({ maxEarlyData: 10 });
    const c = await offering0Rtt(session);
    await c.start();
    await expect(c.write(enc('more than ten bytes'))).rejects.toMatchObject({
      code: 'ERR_NOT_CONNECTED',
    });
  });

  it('does not offer early data without earlyData: true', async () => {
    const { serverOptions, session } = await setup();
    const run = await resume(session, serverOptions, '', { earlyData: false });
    expect(run.client.handshakeInfo).toMatchObject({ resumed: true, earlyData: 'none' });
    expect(run.client.earlyDataRemaining).toBe(0);
  });

  it('needs an anti-replay store to accept early data', async () => {
    const f = await fixtures();
    expect(() =>
      createServer({ provider, certificates: [f.server.p256], maxEarlyData: 100 }),
    ).toThrow(OptionsError);
  });
});

describe('MemoryAntiReplayStore', () => {
  it('claims a key once until it expires, and refuses new claims when full', () => {
    const store = new MemoryAntiReplayStore({ maxEntries: 2 });
    expect(store.claim(Uint8Array.of(1), 1000, 0)).toBe(true);
    expect(store.claim(Uint8Array.of(1), 1000, 10)).toBe(false);
    expect(store.claim(Uint8Array.of(2), 5000, 10)).toBe(true);
    // Full of live claims: a new ticket is refused rather than an old one forgotten.
    expect(store.claim(Uint8Array.of(3), 5000, 20)).toBe(false);
    // Once the first claim expired, there is room again.
    expect(store.claim(Uint8Array.of(3), 5000, 2000)).toBe(true);
    expect(store.size).toBe(2);
  });
});
