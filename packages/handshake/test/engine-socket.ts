/**
 * The engines over real sockets, for the tests against openssl and GnuTLS: a client engine
 * connected to 127.0.0.1, a server that runs an engine per connection, bounded waits for engine
 * events, and the @tlskit/interop certificates as engine credentials. Sockets and servers are
 * tracked by @tlskit/interop, so `afterEach(stopAllPeers)` closes what a test left open.
 */
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import { nobleProvider as provider } from '@tlskit/crypto';
import type { CertificateEntry, Connection, ConnectionEvents } from '@tlskit/handshake';
import { type Authority, type Credential, loopback, trackResource } from '@tlskit/interop';
import { parsePem } from '@tlskit/x509';

/** Moves bytes between an engine and a socket until either side closes. */
export function bridge(conn: Connection, socket: Socket): void {
  const flush = () => {
    for (const chunk of conn.takeOutput()) socket.write(chunk);
  };
  socket.on('error', () => {});
  socket.on('data', (bytes) => {
    conn.receive(bytes).then(flush, () => socket.destroy());
  });
  conn.on('close', () => {
    flush();
    socket.end();
  });
  conn.on('handshake', flush);
}

/** Sends what the engine has queued (after `write`, `keyUpdate`, `close`). */
export function flushTo(conn: Connection, socket: Socket): void {
  for (const chunk of conn.takeOutput()) socket.write(chunk);
}

/** Connects a client engine to 127.0.0.1:`port` and sends its ClientHello. */
export async function connectEngine(client: Connection, port: number): Promise<Socket> {
  const socket = netConnect(port, loopback);
  trackResource({ stop: async () => socket.destroy() });
  bridge(client, socket);
  await client.start();
  flushTo(client, socket);
  return socket;
}

/**
 * A TCP server on 127.0.0.1 that runs `make()`'s engine on each connection and echoes the
 * application data it receives; resolves with its port.
 */
export async function serveEngines(make: () => Connection): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const conn = make();
    bridge(conn, socket);
    conn.on('data', async (data) => {
      await conn.write(data);
      flushTo(conn, socket);
    });
  });
  trackResource({
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, loopback, resolve));
  return (server.address() as { port: number }).port;
}

/** The next `event` of `conn` (its first argument), or a rejection after `ms`. */
export function nextEvent<E extends keyof ConnectionEvents>(
  conn: Connection,
  event: E,
  ms = 15_000,
): Promise<Parameters<ConnectionEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), ms);
    const off = conn.on(event, ((value: Parameters<ConnectionEvents[E]>[0]) => {
      clearTimeout(timer);
      off();
      resolve(value);
    }) as ConnectionEvents[E]);
  });
}

/** Resolves once `condition()` holds, polling every 20 ms; rejects after `ms`. */
export async function until(what: string, condition: () => boolean, ms = 15_000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An interop credential as the engine takes it (DER chain, imported key). */
export async function engineCredential(credential: Credential): Promise<CertificateEntry> {
  return {
    chain: parsePem(credential.chain.pem),
    key: await provider.importPrivateKey(credential.key.pem),
  };
}

/** An interop authority as engine trust anchors (DER). */
export const anchors = (authority: Authority | Credential['ca']): Uint8Array[] =>
  parsePem('pem' in authority ? authority.pem : authority.cert.pem);

/** The description of the first alert `conn` receives, or a rejection after `ms`. */
export function receivedAlert(conn: Connection, ms = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no alert received')), ms);
    const off = conn.on('alert', (alert) => {
      if (alert.direction !== 'received') return;
      clearTimeout(timer);
      off();
      resolve(alert.description);
    });
  });
}

/** Sends `GET /` to an `s_server -www` and resolves with the page (it closes after it). */
export async function getPage(client: Connection, port: number): Promise<string> {
  const socket = await connectEngine(client, port);
  let body = '';
  client.on('data', (d) => {
    body += new TextDecoder().decode(d);
  });
  await nextEvent(client, 'handshake');
  await client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
  flushTo(client, socket);
  await nextEvent(client, 'end');
  // s_server serves one connection at a time: let it go at once.
  socket.destroy();
  return body;
}
