/**
 * The servers of the raw-peer tests: ours and node:tls (OpenSSL) with the same credential, so a
 * test can put the same bytes to both (with `sendRaw` and the record helpers of
 * `@tlskit/interop`) and compare the answers.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer as nodeCreateServer } from 'node:tls';
import { interopCerts } from '@tlskit/interop';
import { createServer, type TlsServer, type TlsServerOptions } from '../src/index.js';

export const credential = interopCerts().server.ecdsaP256;

/** Steps to run after each test (sockets and servers to close). */
export const cleanup: (() => void)[] = [];

/** Our echo server on 127.0.0.1, with the handshake errors it reported. */
export async function ourServer(options: Partial<TlsServerOptions> = {}) {
  const clientErrors: Error[] = [];
  const server: TlsServer = createServer(
    { key: credential.key.pem, cert: credential.chain.pem, ...options },
    (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    },
  );
  server.on('tlsClientError', (error: Error) => clientErrors.push(error));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  return { port: (server.address() as AddressInfo).port, clientErrors, server };
}

/** A node:tls server (OpenSSL) with the same credential: the independent reference. */
export async function nodeServer(): Promise<{ port: number }> {
  const server = nodeCreateServer({ key: credential.key.pem, cert: credential.chain.pem });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  return { port: (server.address() as AddressInfo).port };
}

/** Waits (bounded) until the server has reported `count` client errors. */
export async function clientErrorsReach(errors: Error[], count: number): Promise<void> {
  for (let i = 0; i < 100 && errors.length < count; i++)
    await new Promise((r) => setTimeout(r, 20));
}
