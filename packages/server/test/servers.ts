/**
 * The servers of the server tests: ours (echo or one HTTP answer) and node:tls (OpenSSL) with the
 * same credential, so a test can put the same bytes to both (with `sendRaw` and the record
 * helpers of `@tlskit/interop`) or the same peer against both, and compare.
 */
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as nodeCreateServer } from 'node:tls';
import type { TLSSocket } from '@tlskit/client';
import { interopCerts, trackResource } from '@tlskit/interop';
import { createServer, type TlsServer, type TlsServerOptions } from '../src/index.js';

export const credential = interopCerts().server.ecdsaP256;

/** Steps to run after each test (sockets and servers to close). */
export const cleanup: (() => void)[] = [];

/** What {@link ourServer} does besides `createServer`'s options. */
export interface ServerSetup extends Partial<TlsServerOptions> {
  /** `echo` (default) sends back what it receives; `http` answers one HTTP/1.1 request. */
  mode?: 'echo' | 'http';
  /** Append the server's NSS key log lines to this file. */
  keylogFile?: string;
}

/**
 * Our server on 127.0.0.1 with the ECDSA P-256 credential unless `cert`/`key` are given, with the
 * sockets it accepted and the handshake errors it reported. `stopAllPeers` closes it.
 */
export async function ourServer({ mode = 'echo', keylogFile, ...options }: ServerSetup = {}) {
  const accepted: TLSSocket[] = [];
  const clientErrors: (Error & { code?: string })[] = [];
  const server: TlsServer = createServer(
    { key: credential.key.pem, cert: credential.chain.pem, ...options },
    (socket) => {
      accepted.push(socket);
      socket.on('error', () => {});
      if (mode === 'echo') {
        socket.pipe(socket);
        return;
      }
      socket.once('data', () => {
        const body = `hello from tlskit over ${socket.getProtocol()} ${socket.getCipher()?.standardName}\n`;
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
    },
  );
  server.on('tlsClientError', (error: Error) => clientErrors.push(error));
  if (keylogFile) server.on('keylog', (line: Buffer) => appendFileSync(keylogFile, line));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening', { signal: AbortSignal.timeout(10_000) });
  trackResource({
    stop: async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
  return { port: (server.address() as AddressInfo).port, accepted, clientErrors, server };
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
