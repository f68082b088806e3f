/**
 * `node:tls` as an interop peer, in process: an echo (or HTTP) server bound to 127.0.0.1 and a
 * one-shot client. Node's TLS is OpenSSL (`process.versions.openssl`), driven through a different
 * API than the CLI, so it catches other mistakes (session reuse, ALPN callbacks, key log events).
 */
import { appendFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import {
  type ConnectionOptions,
  connect,
  createServer,
  type PeerCertificate,
  type TLSSocket,
  type TlsOptions,
} from 'node:tls';
import { receivedAlert } from './openssl.js';
import { trackResource } from './processes.js';

/** What one side saw of a node:tls connection. */
export interface NodeTlsConnectionInfo {
  /** `TLSv1.3` / `TLSv1.2`. */
  readonly protocol: string | null;
  /** IANA suite name (`standardName`), e.g. TLS_AES_128_GCM_SHA256. */
  readonly cipher: string;
  readonly alpn: string | false | null;
  readonly authorized: boolean;
  readonly authorizationError?: string;
  /** The peer certificate's subject CN, if it sent one. */
  readonly peerCommonName?: string;
  /** Whether the session was resumed. */
  readonly resumed: boolean;
  /** Ephemeral key exchange group the client saw (`X25519`, `prime256v1`, ...); client only. */
  readonly ephemeralKey?: string;
}

function describe(socket: TLSSocket): NodeTlsConnectionInfo {
  const peer = socket.getPeerCertificate() as PeerCertificate | Record<string, never>;
  const cn = 'subject' in peer ? peer.subject?.CN : undefined;
  const ephemeral = socket.getEphemeralKeyInfo();
  const keyName = ephemeral && 'name' in ephemeral ? ephemeral.name : undefined;
  const error = socket.authorizationError as unknown;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().standardName,
    alpn: socket.alpnProtocol,
    authorized: socket.authorized,
    ...(error ? { authorizationError: String(error) } : {}),
    ...(cn ? { peerCommonName: Array.isArray(cn) ? cn.join(',') : cn } : {}),
    resumed: socket.isSessionReused(),
    ...(keyName ? { ephemeralKey: keyName } : {}),
  };
}

/** Options of {@link startNodeTlsServer}: node:tls server options plus the reply mode. */
export interface NodeTlsServerOptions extends TlsOptions {
  /** `echo` (default) writes back what it receives; `http` answers one HTTP/1.1 request. */
  readonly mode?: 'echo' | 'http';
  /** Append NSS key log lines here (the `keylog` event). */
  readonly keylogFile?: string;
}

/** A running node:tls server on 127.0.0.1. */
export interface NodeTlsServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Each completed handshake, in order. */
  readonly connections: readonly NodeTlsConnectionInfo[];
  /** Errors of failed handshakes (`tlsClientError`), in order. */
  readonly clientErrors: readonly Error[];
  stop(): Promise<void>;
}

/** Starts a node:tls server on 127.0.0.1 (a free port) that echoes or answers HTTP. */
export async function startNodeTlsServer(options: NodeTlsServerOptions): Promise<NodeTlsServer> {
  const { mode = 'echo', keylogFile, ...tlsOptions } = options;
  const connections: NodeTlsConnectionInfo[] = [];
  const clientErrors: Error[] = [];
  const sockets = new Set<TLSSocket>();
  const server = createServer(tlsOptions, (socket) => {
    connections.push(describe(socket));
    socket.on('error', () => {});
    if (mode === 'echo') {
      socket.pipe(socket);
    } else {
      socket.once('data', () => {
        const body = `tlskit interop node:tls ${socket.getProtocol()} ${socket.getCipher().standardName}\n`;
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
    }
  });
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (error) => clientErrors.push(error));
  if (keylogFile) server.on('keylog', (line) => appendFileSync(keylogFile, line));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  const handle: NodeTlsServer = {
    host: '127.0.0.1',
    port,
    connections,
    clientErrors,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        untrack();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
  const untrack = trackResource(handle);
  return handle;
}

/** Options of {@link nodeTlsExchange}. */
export interface NodeTlsExchangeOptions extends ConnectionOptions {
  /** Sent after the handshake. */
  readonly send?: string;
  /** Received text is collected until it contains this (or the peer closes). */
  readonly expect?: string;
  /** Append NSS key log lines here. */
  readonly keylogFile?: string;
  /** Default 10 s for the whole exchange. */
  readonly timeoutMs?: number;
}

/** The outcome of {@link nodeTlsExchange}. */
export interface NodeTlsExchangeResult {
  /** Present when the handshake completed. */
  readonly connection?: NodeTlsConnectionInfo;
  readonly received: string;
  /** The TLS session for `session` resumption (TLS 1.3: the last ticket received). */
  readonly session?: Buffer;
  readonly error?: Error & { code?: string };
  /** The alert number received, parsed from OpenSSL's error message. */
  readonly alertReceived?: number;
}

/**
 * One node:tls client connection: handshake, send, read until `expect` or close, end. Never
 * rejects; failures come back as `error` (and `alertReceived`). Default host 127.0.0.1 and
 * servername `tlskit.test`.
 */
export function nodeTlsExchange(options: NodeTlsExchangeOptions): Promise<NodeTlsExchangeResult> {
  const { send, expect, keylogFile, timeoutMs = 10_000, ...tlsOptions } = options;
  return new Promise((resolve) => {
    let received = '';
    let connection: NodeTlsConnectionInfo | undefined;
    let session: Buffer | undefined;
    let settled = false;
    const socket = connect({ host: '127.0.0.1', servername: 'tlskit.test', ...tlsOptions });
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.end();
      socket.destroy();
      const alert = error ? receivedAlert(error.message) : undefined;
      resolve({
        ...(connection ? { connection } : {}),
        received,
        ...(session ? { session } : {}),
        ...(error ? { error } : {}),
        ...(alert !== undefined ? { alertReceived: alert } : {}),
      });
    };
    const timer = setTimeout(
      () => finish(new Error(`node:tls exchange timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    if (keylogFile) socket.on('keylog', (line) => appendFileSync(keylogFile, line));
    socket.on('session', (s: Buffer) => {
      session = s;
    });
    socket.once('secureConnect', () => {
      connection = describe(socket);
      if (send !== undefined) socket.write(send);
      if (expect === undefined) setTimeout(() => finish(), 50);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (expect !== undefined && received.includes(expect)) {
        // TLS 1.3 tickets follow the handshake; give them a moment to arrive before closing.
        setTimeout(() => finish(), 50);
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('end', () => finish());
  });
}

/**
 * A port on 127.0.0.1 that accepts TCP and never speaks: for tests that a client gives up on a
 * silent server within its deadline.
 */
export async function startSilentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const server = createNetServer((socket) => socket.on('error', () => {}));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const handle = {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        untrack();
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
  const untrack = trackResource(handle);
  return handle;
}
