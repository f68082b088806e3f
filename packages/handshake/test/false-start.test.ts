/**
 * TLS 1.2 False Start (RFC 7918, ClientOptions.falseStart): the client writes after its Finished,
 * before the server's Finished arrives, only when it opted in and the conditions hold; the
 * server's Finished is still required.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  type HandshakeInfo,
  pump,
  type ServerOptions,
  type Session,
} from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

const text = new TextEncoder();

/** Moves what `from` has queued to `to`. */
async function deliver(from: Connection, to: Connection): Promise<void> {
  for (const chunk of from.takeOutput()) await to.receive(chunk);
}

interface Flight {
  client: Connection;
  server: Connection;
  /** What the client's `falseStart` event reported, if it came. */
  falseStart: HandshakeInfo | undefined;
  /** Whether the client reported `handshake` yet. */
  done: () => boolean;
  received: string[];
  clientError: () => Error | undefined;
}

/**
 * A TLS 1.2 handshake driven flight by flight up to the client's second flight: the client has
 * sent its Finished, the server has read it, and the server's Finished is queued, not delivered.
 */
async function upToServerFinished(
  client: Partial<ClientOptions>,
  server: Partial<ServerOptions> = {},
): Promise<Flight> {
  const f = await fixtures();
  const c = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    maxVersion: 'TLSv1.2',
    ...client,
  });
  const s = createServer({ provider, certificates: [f.server.p256], ...server });
  const flight: Flight = {
    client: c,
    server: s,
    falseStart: undefined,
    done: () => c.handshakeInfo !== undefined,
    received: [],
    clientError: () => error,
  };
  let error: Error | undefined;
  c.on('falseStart', (info) => {
    flight.falseStart = info;
  });
  c.on('close', (e) => {
    error = e.error;
  });
  s.on('data', (d) => flight.received.push(new TextDecoder().decode(d)));
  await c.start();
  await deliver(c, s); // ClientHello
  await deliver(s, c); // ServerHello .. ServerHelloDone
  await deliver(c, s); // ClientKeyExchange, ChangeCipherSpec, Finished
  return flight;
}

const alpn = { alpnProtocols: ['h2'] };

describe('TLS 1.2 False Start', () => {
  it('lets the client write before the server Finished, which still completes the handshake', async () => {
    const p = await upToServerFinished({ falseStart: true, ...alpn }, alpn);
    expect(p.falseStart).toMatchObject({
      version: 'TLSv1.2',
      alpn: 'h2',
      resumed: false,
      peerVerified: true,
    });
    expect(p.done()).toBe(false);
    expect(p.client.state).toBe('handshaking');
    expect(p.client.handshakeInfo).toBeUndefined();
    // Keying material is available already, and agrees with the server's (RFC 5705).
    const exported = p.client.exportKeyingMaterial('EXPERIMENTAL test', undefined, 32);
    await p.client.write(text.encode('GET / early'));
    await deliver(p.client, p.server);
    expect(p.received).toEqual(['GET / early']);
    expect(p.server.exportKeyingMaterial('EXPERIMENTAL test', undefined, 32)).toEqual(exported);
    await deliver(p.server, p.client); // the server's ChangeCipherSpec and Finished
    expect(p.done()).toBe(true);
    expect(p.client.handshakeInfo).toMatchObject({ ...p.falseStart });
    expect(p.clientError()).toBeUndefined();
  });

  it('is off by default: no write before the server Finished', async () => {
    const p = await upToServerFinished(alpn, alpn);
    expect(p.falseStart).toBeUndefined();
    await expect(p.client.write(text.encode('x'))).rejects.toMatchObject({
      code: 'ERR_NOT_CONNECTED',
    });
  });

  it('needs a negotiated ALPN protocol unless falseStartWithoutAlpn', async () => {
    const without = await upToServerFinished({ falseStart: true });
    expect(without.falseStart).toBeUndefined();
    await expect(without.client.write(text.encode('x'))).rejects.toMatchObject({
      code: 'ERR_NOT_CONNECTED',
    });
    // Offered but not negotiated (the server has no ALPN) is the same.
    const declined = await upToServerFinished({ falseStart: true, ...alpn });
    expect(declined.falseStart).toBeUndefined();
    const allowed = await upToServerFinished({ falseStart: true, falseStartWithoutAlpn: true });
    expect(allowed.falseStart).toMatchObject({ alpn: undefined });
    await allowed.client.write(text.encode('x'));
  });

  it('fails the connection when the server second flight does not authenticate', async () => {
    const p = await upToServerFinished({ falseStart: true, ...alpn }, alpn);
    await p.client.write(text.encode('sent on trust'));
    const chunks = p.server.takeOutput();
    const last = chunks.at(-1)!;
    // Flip a bit of the protected Finished: its record no longer opens.
    last[last.length - 1]! ^= 1;
    for (const chunk of chunks) await p.client.receive(chunk);
    expect(p.done()).toBe(false);
    expect(p.clientError()).toMatchObject({ code: 'ERR_BAD_RECORD_MAC' });
    expect(p.client.state).toBe('closed');
  });

  it('does not happen in TLS 1.3, nor when a TLS 1.2 session is resumed', async () => {
    const f = await fixtures();
    const c13 = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      falseStart: true,
      ...alpn,
    });
    const s13 = createServer({ provider, certificates: [f.server.p256], ...alpn });
    let falseStarted = false;
    c13.on('falseStart', () => {
      falseStarted = true;
    });
    await c13.start();
    await pump(c13, s13);
    expect(c13.handshakeInfo?.version).toBe('TLSv1.3');
    expect(falseStarted).toBe(false);

    const ticketKeys = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) }];
    const first = await upToServerFinished({ falseStart: true, ...alpn }, { ...alpn, ticketKeys });
    const sessions: Session[] = [];
    first.client.on('session', (session) => sessions.push(session));
    await deliver(first.server, first.client);
    expect(sessions).toHaveLength(1);
    const resumed = await upToServerFinished(
      { falseStart: true, ...alpn, session: sessions[0]! },
      { ...alpn, ticketKeys },
    );
    // In a resumption the server's Finished comes first: the client is done, no False Start.
    expect(resumed.client.handshakeInfo?.resumed).toBe(true);
    expect(resumed.falseStart).toBeUndefined();
  });
});
