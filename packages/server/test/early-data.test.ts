/**
 * 0-RTT through the socket facades: our connect() with a saved session and early data against
 * our createServer({ maxEarlyData }), through a TCP proxy that records what the client sends.
 * The recorded first flight (ClientHello, change_cipher_spec, early data) is then replayed raw,
 * as an attacker on the path would: the server must not hand the early data over again.
 */
import { once } from 'node:events';
import {
  type AddressInfo,
  connect as netConnect,
  createServer as netServer,
  type Server,
} from 'node:net';
import { type TLSSocket as ClientSocket, type ConnectOptions, connect } from '@tlskit/client';
import { interopCerts } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type TLSSocket, type TlsServer } from '../src/index.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

async function listening(server: Server | TlsServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Forwards to `port`, recording each connection's client-to-server bytes until the server first answers. */
async function recordingProxy(port: number) {
  const firstFlights: Buffer[] = [];
  const proxy = netServer((inbound) => {
    const outbound = netConnect(port, '127.0.0.1');
    const flight: Buffer[] = [];
    let answered = false;
    inbound.on('data', (chunk: Buffer) => {
      if (!answered) flight.push(chunk);
      outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => {
      if (!answered) firstFlights.push(Buffer.concat(flight));
      answered = true;
      inbound.write(chunk);
    });
    inbound.on('end', () => outbound.end());
    outbound.on('end', () => inbound.end());
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  const proxyPort = await listening(proxy);
  cleanup.push(() => proxy.close());
  return { port: proxyPort, firstFlights };
}

/** Opens a client; resolves on secureConnect (10 s bound). */
async function open(port: number, options: Partial<ConnectOptions> = {}) {
  const socket = connect({
    host: '127.0.0.1',
    port,
    servername: 'tlskit.test',
    ca: certs.ca.cert.pem,
    ...options,
  });
  cleanup.push(() => socket.destroy());
  const signal = AbortSignal.timeout(10_000);
  await Promise.race([
    once(socket, 'secureConnect', { signal }),
    once(socket, 'error', { signal }).then(([error]) => Promise.reject(error)),
  ]);
  return socket;
}

function firstSession(socket: ClientSocket): Promise<Buffer> {
  const existing = socket.getSession();
  if (existing !== undefined) return Promise.resolve(existing);
  return once(socket, 'session', { signal: AbortSignal.timeout(10_000) }).then(
    ([s]) => s as Buffer,
  );
}

/** Reads from `socket` until `text` arrived (10 s bound). */
function receive(socket: ClientSocket | TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(() => reject(new Error(`no ${text} in 10 s, got ${got}`)), 10_000);
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString();
      if (got.includes(text)) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

describe('0-RTT between connect() and createServer()', () => {
  it('accepts early data once, marks it, answers it, and ignores a raw replay of the first flight', async () => {
    const early: string[] = [];
    const accepted: TLSSocket[] = [];
    const server = createServer(
      {
        key: certs.server.ecdsaP256.key.pem,
        cert: certs.server.ecdsaP256.cert.pem,
        maxEarlyData: 4096,
      },
      (socket) => {
        accepted.push(socket);
        socket.on('error', () => {});
        socket.pipe(socket);
      },
    );
    server.on('earlyData', (_socket: TLSSocket, data: Buffer) => early.push(data.toString()));
    const port = await listening(server);
    cleanup.push(() => server.close());

    const first = await open(port);
    const session = await firstSession(first);
    first.end();

    const proxy = await recordingProxy(port);
    const second = connect({
      host: '127.0.0.1',
      port: proxy.port,
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
      session,
      earlyData: true,
    });
    cleanup.push(() => second.destroy());
    second.write('GET /idempotent\n'); // before secureConnect: 0-RTT
    expect(await receive(second, 'GET /idempotent\n')).toBe('GET /idempotent\n');
    expect(second.earlyData).toBe('accepted');
    expect(second.isSessionReused()).toBe(true);
    expect(early).toEqual(['GET /idempotent\n']);
    expect(accepted[1]?.earlyDataLength).toBe('GET /idempotent\n'.length);
    expect(accepted[1]?.earlyData).toBe('accepted');

    // The attacker replays the recorded first flight, twice, on fresh connections.
    const flight = proxy.firstFlights[0]!;
    expect(flight.length).toBeGreaterThan(100);
    for (let i = 0; i < 2; i++) {
      const raw = netConnect(port, '127.0.0.1');
      cleanup.push(() => raw.destroy());
      await once(raw, 'connect');
      const answered = once(raw, 'data', { signal: AbortSignal.timeout(10_000) });
      raw.write(flight);
      await answered; // the server answered the replayed ClientHello (it cannot finish it)
      raw.destroy();
    }
    // Bounded settle so that a wrongly delivered replay would have shown up.
    await new Promise((r) => setTimeout(r, 200));
    expect(early).toEqual(['GET /idempotent\n']);
  });

  it('resends rejected early data as ordinary data once connected', async () => {
    const server = createServer(
      {
        key: certs.server.ecdsaP256.key.pem,
        cert: certs.server.ecdsaP256.cert.pem,
        maxEarlyData: 4096,
      },
      (socket) => {
        socket.on('error', () => {});
        socket.pipe(socket);
      },
    );
    const early: string[] = [];
    server.on('earlyData', (_s: TLSSocket, data: Buffer) => early.push(data.toString()));
    const port = await listening(server);
    cleanup.push(() => server.close());
    const first = await open(port);
    const session = await firstSession(first);
    first.end();
    // First use of the ticket: accepted.
    const a = connect({
      host: '127.0.0.1',
      port,
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
      session,
      earlyData: true,
    });
    cleanup.push(() => a.destroy());
    a.write('one\n');
    await receive(a, 'one\n');
    // Second use of the same ticket: rejected by the single-use store, resent, still answered.
    const b = connect({
      host: '127.0.0.1',
      port,
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
      session,
      earlyData: true,
    });
    cleanup.push(() => b.destroy());
    b.write('two\n');
    expect(await receive(b, 'two\n')).toBe('two\n');
    expect(b.earlyData).toBe('rejected');
    expect(early).toEqual(['one\n']);
  });
});
