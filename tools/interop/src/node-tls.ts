/**
 * `node:tls` as an interop peer, in process: an echo (or HTTP) server bound to 127.0.0.1 and a
 * one-shot client. Node's TLS is OpenSSL (`process.versions.openssl`), driven through a different
 * API than the CLI, so it catches other mistakes (session reuse, ALPN callbacks, key log events).
 */
import { appendFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ConnectionOptions,
  connect,
  createServer,
  type PeerCertificate,
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

/**
 * The node:tls socket API the harness reads after a handshake. node:tls's `TLSSocket` has it, and
 * so does @tlskit/client's, so the same helpers drive either. Every member is optional: what a
 * socket lacks is left out of the report.
 */
export interface TlsSocketInfoSource {
  getProtocol?(): string | null;
  getCipher?(): { name: string; standardName?: string } | undefined;
  alpnProtocol?: string | false | null;
  authorized?: boolean;
  authorizationError?: unknown;
  isSessionReused?(): boolean;
  getPeerCertificate?(): object;
  getEphemeralKeyInfo?(): object | null;
}

/** What a node-like TLS socket reports about its connection. */
export function describeTlsSocket(socket: Duplex): NodeTlsConnectionInfo {
  const s = socket as unknown as TlsSocketInfoSource;
  const peer = (s.getPeerCertificate?.() ?? {}) as Partial<PeerCertificate>;
  const cn = peer.subject?.CN;
  const ephemeral = s.getEphemeralKeyInfo?.() as { name?: string } | null | undefined;
  const cipher = s.getCipher?.();
  const error = s.authorizationError;
  return {
    protocol: s.getProtocol?.() ?? null,
    cipher: cipher?.standardName ?? cipher?.name ?? '',
    alpn: s.alpnProtocol ?? null,
    authorized: s.authorized ?? false,
    ...(error
      ? { authorizationError: error instanceof Error ? error.message : String(error) }
      : {}),
    ...(cn ? { peerCommonName: Array.isArray(cn) ? cn.join(',') : cn } : {}),
    resumed: s.isSessionReused?.() ?? false,
    ...(ephemeral?.name ? { ephemeralKey: ephemeral.name } : {}),
  };
}

/** How a test server answers: `echo` writes back what it receives; `http` answers one request. */
export interface TlsServerBehaviour {
  /** Default `echo`. */
  readonly mode?: 'echo' | 'http';
  /** Append NSS key log lines here (the server's `keylog` event). */
  readonly keylogFile?: string;
}

/** Options of {@link startNodeTlsServer}: node:tls server options plus the reply mode. */
export interface NodeTlsServerOptions extends TlsOptions, TlsServerBehaviour {}

/** A running TLS server on 127.0.0.1. */
export interface NodeTlsServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Each completed handshake, in order. */
  readonly connections: readonly NodeTlsConnectionInfo[];
  /** Errors of failed handshakes (`tlsClientError`), in order. */
  readonly clientErrors: readonly Error[];
  stop(): Promise<void>;
}

/**
 * The server API {@link startTlsServer} drives: node:tls's `Server`, and @tlskit/server's
 * server, which is modelled on it.
 */
export interface TlsServerLike {
  /** Called as `listen(0, '127.0.0.1', callback)`; typed loosely to fit every overload set. */
  listen(...args: unknown[]): unknown;
  close(callback?: (error?: Error) => void): unknown;
  address(): AddressInfo | string | null;
  on(event: 'tlsClientError', listener: (error: Error) => void): unknown;
  on(event: 'keylog', listener: (line: Buffer) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

/** A `createServer(options, secureConnectionListener)` like node:tls's or @tlskit/server's. */
export type CreateTlsServer<O> = (options: O, listener: (socket: Duplex) => void) => TlsServerLike;

/** Starts a node:tls server on 127.0.0.1 (a free port) that echoes or answers HTTP. */
export function startNodeTlsServer(options: NodeTlsServerOptions): Promise<NodeTlsServer> {
  return startTlsServer(createServer, options);
}

/**
 * Starts a server made by `create` (node:tls's or @tlskit/server's `createServer`) on
 * 127.0.0.1 and a free port, echoing or answering HTTP, recording each connection, and tracked
 * for {@link stopAllPeers}.
 */
export async function startTlsServer<O extends object>(
  create: CreateTlsServer<O>,
  options: O & TlsServerBehaviour,
): Promise<NodeTlsServer> {
  const { mode = 'echo', keylogFile, ...serverOptions } = options;
  const connections: NodeTlsConnectionInfo[] = [];
  const clientErrors: Error[] = [];
  const sockets = new Set<Duplex>();
  const server = create(serverOptions as O, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const info = describeTlsSocket(socket);
    connections.push(info);
    socket.on('error', () => {});
    if (mode === 'echo') {
      socket.pipe(socket);
    } else {
      socket.once('data', () => {
        const body = `tlskit interop server ${info.protocol} ${info.cipher}\n`;
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
    }
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

/** What an exchange does after the handshake. */
export interface TlsExchangeSteps {
  /** Sent after the handshake. */
  readonly send?: string;
  /** Received text is collected until it contains this (or the peer closes). */
  readonly expect?: string;
  /** Append NSS key log lines here (the socket's `keylog` event). */
  readonly keylogFile?: string;
  /** Default 10 s for the whole exchange. */
  readonly timeoutMs?: number;
}

/** Options of {@link nodeTlsExchange}. */
export interface NodeTlsExchangeOptions extends ConnectionOptions, TlsExchangeSteps {}

/** The outcome of {@link nodeTlsExchange} / {@link tlsExchange}. */
export interface NodeTlsExchangeResult {
  /** Present when the handshake completed. */
  readonly connection?: NodeTlsConnectionInfo;
  readonly received: string;
  /** The last `session` event's value, for `session` resumption (TLS 1.3: the last ticket). */
  readonly session?: unknown;
  readonly error?: Error & { code?: string };
  /** The alert number received, parsed from OpenSSL's error message (node:tls only). */
  readonly alertReceived?: number;
}

/** How long an ending connection may take to close by itself before it is destroyed. */
const closeGraceMs = 1000;

/** A `connect(options)` like node:tls's or @tlskit/client's, returning the TLS socket. */
export type ConnectTls<O> = (options: O) => Duplex;

/**
 * One node:tls client connection: handshake, send, read until `expect` or close, end. Never
 * rejects; failures come back as `error` (and `alertReceived`). Default host 127.0.0.1 and
 * servername `tlskit.test`.
 */
export function nodeTlsExchange(options: NodeTlsExchangeOptions): Promise<NodeTlsExchangeResult> {
  return tlsExchange(connect, options);
}

/**
 * {@link nodeTlsExchange} with any node-like `connect` (e.g. @tlskit/client's): the socket must
 * emit `secureConnect`, `data`, `end`, `error`, and optionally `session` and `keylog`.
 */
export function tlsExchange<O extends object>(
  connectTls: ConnectTls<O>,
  options: O & TlsExchangeSteps,
): Promise<NodeTlsExchangeResult> {
  const { send, expect, keylogFile, timeoutMs = 10_000, ...tlsOptions } = options;
  return new Promise((resolve) => {
    let received = '';
    let connection: NodeTlsConnectionInfo | undefined;
    let session: unknown;
    let settled = false;
    let socket: Duplex | undefined;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const alert = error ? receivedAlert(error.message) : undefined;
      const report = (): void =>
        resolve({
          ...(connection ? { connection } : {}),
          received,
          ...(session !== undefined ? { session } : {}),
          ...(error ? { error } : {}),
          ...(alert !== undefined ? { alertReceived: alert } : {}),
        });
      const s = socket;
      if (!s || s.closed) {
        report();
        return;
      }
      // Let the socket flush what it still has to send (close_notify, or the alert that goes
      // with a failed handshake) and close by itself; destroying it at once could drop that.
      const grace = setTimeout(() => s.destroy(), closeGraceMs);
      s.once('close', () => {
        clearTimeout(grace);
        report();
      });
      if (!error) s.end();
    };
    const timer = setTimeout(
      () => finish(new Error(`TLS exchange timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      socket = connectTls({ host: '127.0.0.1', servername: 'tlskit.test', ...tlsOptions } as O);
    } catch (error) {
      finish(error as Error);
      return;
    }
    const s = socket;
    if (keylogFile) s.on('keylog', (line: Buffer) => appendFileSync(keylogFile, line));
    s.on('session', (value: unknown) => {
      session = value;
    });
    s.once('secureConnect', () => {
      connection = describeTlsSocket(s);
      if (send !== undefined) s.write(send);
      if (expect === undefined) setTimeout(() => finish(), 50);
    });
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      received += chunk;
      if (expect !== undefined && received.includes(expect)) {
        // TLS 1.3 tickets follow the handshake; give them a moment to arrive before closing.
        setTimeout(() => finish(), 50);
      }
    });
    s.on('error', (error: Error) => finish(error));
    s.on('end', () => finish());
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
