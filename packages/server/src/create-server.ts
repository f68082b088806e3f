/**
 * `createServer()`: the tlskit server over Node.js sockets, modelled on `node:tls.createServer`.
 * Each accepted socket gets its own sans-IO engine; a failed handshake is closed with its alert
 * and reported as `tlsClientError`, never thrown.
 */
import { EventEmitter } from 'node:events';
import {
  createServer as createNetServer,
  type ListenOptions,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import type { CryptoProvider } from '@tlskit/crypto';
import { defaultProvider } from '@tlskit/crypto/default';
import { createPeerVerifier, TLSSocket } from '@tlskit/client';
import {
  type ClientAuthPolicy,
  createServer as createEngine,
  SessionCache,
  type ServerOptions,
  type TicketKey,
  type TlsVersion,
} from '@tlskit/handshake';
import { peekServerName } from './client-hello-peek.js';
import {
  createSecureContext,
  type SecureContext,
  type SecureContextOptions,
} from './secure-context.js';

/** node:tls's SNICallback: answer with the context for `servername` (or undefined for the default). */
export type SNICallback = (
  servername: string,
  callback: (error: Error | null, context?: SecureContext) => void,
) => void;

/** Options of {@link createServer}; names follow node:tls where the concept is the same. */
export interface TlsServerOptions extends SecureContextOptions {
  /** Picks the credentials by SNI before the handshake proceeds. */
  SNICallback?: SNICallback;
  /** Ask clients for a certificate. Default false. */
  requestCert?: boolean;
  /** With `requestCert`: refuse clients without a valid certificate. Default true. */
  rejectUnauthorized?: boolean;
  /** ALPN protocols, most preferred first. */
  ALPNProtocols?: string[];
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  /**
   * Session ticket keys: node:tls's 48-byte buffer (16 bytes name, 32 bytes key), or a list of
   * `{ name, key }` (current first; rotate by prepending). Default: a random key per server.
   */
  ticketKeys?: Uint8Array | TicketKey[];
  /**
   * TLS 1.2 session-ID resumption cache, shared by the server's connections (node:tls keeps one
   * by default too). Default: a cache of 1000 sessions for `sessionTimeout` seconds; `false` turns
   * session-ID resumption off (tickets still work).
   */
  sessionCache?: SessionCache | false;
  /** Seconds a cached TLS 1.2 session stays resumable. Default 300 (as node:tls). */
  sessionTimeout?: number;
  /** TCP_NODELAY on accepted sockets. Default true (flights are already coalesced). */
  noDelay?: boolean;
  /** Milliseconds a client has to finish the handshake. Default 120000 (as node:tls). */
  handshakeTimeout?: number;
  /**
   * The crypto provider. Default: `nodeProvider` on Node.js (the `node` export condition),
   * `nobleProvider` elsewhere; pass `nobleProvider` for pure JavaScript on Node too.
   */
  provider?: CryptoProvider;
  /** Extra engine options for research and tests. */
  engine?: Partial<ServerOptions>;
}

/** A TLS server: a net.Server whose connections speak TLS. */
export class TlsServer extends EventEmitter {
  readonly #net: NetServer;
  readonly #options: TlsServerOptions;
  readonly #provider: CryptoProvider;
  readonly #context: SecureContext;
  readonly #ticketKeys: TicketKey[];
  readonly #sessionCache: SessionCache | undefined;

  constructor(options: TlsServerOptions, listener?: (socket: TLSSocket) => void) {
    super();
    this.#options = options;
    this.#provider = options.provider ?? defaultProvider;
    this.#context = createSecureContext(options);
    if (
      toList(options.cert).length === 0 &&
      !options.certificates?.length &&
      !options.SNICallback
    ) {
      throw new TypeError('createServer: give cert and key (or certificates, or an SNICallback)');
    }
    this.#ticketKeys = ticketKeyList(options.ticketKeys, this.#provider);
    this.#sessionCache =
      options.sessionCache === false
        ? undefined
        : (options.sessionCache ?? new SessionCache({ lifetime: options.sessionTimeout ?? 300 }));
    if (listener) this.on('secureConnection', listener);
    this.#net = createNetServer({ allowHalfOpen: true }, (socket) => this.#accept(socket));
    this.#net.on('error', (error) => this.emit('error', error));
    this.#net.on('listening', () => this.emit('listening'));
    this.#net.on('close', () => this.emit('close'));
  }

  #accept(socket: Socket): void {
    this.emit('connection', socket);
    // Flights are written as one writev (TLSSocket corks), so Nagle would only add a delayed-ACK
    // wait between a flight and the data after it.
    if (this.#options.noDelay ?? true) socket.setNoDelay(true);
    let tlsSocket: TLSSocket | undefined;
    const engine =
      this.#options.SNICallback === undefined
        ? // No SNICallback: the context is the server's whatever the name, so the ClientHello
          // is not peeked at (decoded twice) before the engine exists (issue 7).
          this.#buildEngine(this.#context, () => tlsSocket)
        : this.#peekedEngine(socket, () => tlsSocket);
    tlsSocket = new TLSSocket(socket, engine, {
      onSecure: (s) => {
        clearTimeout(timer);
        this.emit('secureConnection', s);
      },
    });
    const timer = setTimeout(() => {
      tlsSocket?.destroy(
        Object.assign(new Error('TLS handshake timeout'), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' }),
      );
    }, this.#options.handshakeTimeout ?? 120_000);
    timer.unref?.();
    // As node:tls: connections accepted while the server has 'keylog' listeners report theirs.
    if (this.listenerCount('keylog') > 0) {
      tlsSocket.on('keylog', (line: Buffer) => this.emit('keylog', line, tlsSocket));
    }
    tlsSocket.once('error', (error: Error) => {
      clearTimeout(timer);
      // A handshake failure belongs to this connection only: report it, keep serving.
      if (tlsSocket?.handshakeInfo === undefined) this.emit('tlsClientError', error, tlsSocket);
    });
    tlsSocket.once('close', () => clearTimeout(timer));
  }

  /**
   * The TLSSocket queues every byte until its engine exists; meanwhile a second 'data'
   * listener reads the ClientHello's server_name so SNICallback can pick the credentials.
   */
  #peekedEngine(socket: Socket, tlsSocket: () => TLSSocket | undefined) {
    let buffered = new Uint8Array(0);
    let settle!: (serverName: string | undefined) => void;
    const serverName = new Promise<string | undefined>((resolve) => {
      settle = resolve;
    });
    const onData = (chunk: Buffer): void => {
      const next = new Uint8Array(buffered.length + chunk.length);
      next.set(buffered);
      next.set(chunk, buffered.length);
      buffered = next;
      const peek = peekServerName(buffered);
      if (peek.done) stopPeeking(peek.serverName);
    };
    const stopPeeking = (name: string | undefined): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      buffered = new Uint8Array(0);
      settle(name);
    };
    // A client that ends early still gets an engine, which answers the partial input properly.
    const onEnd = (): void => stopPeeking(undefined);
    socket.on('data', onData);
    socket.once('end', onEnd);
    return serverName
      .then((name) => this.#contextFor(name))
      .then((context) => this.#buildEngine(context, tlsSocket));
  }

  async #contextFor(serverName: string | undefined): Promise<SecureContext> {
    const callback = this.#options.SNICallback;
    if (callback === undefined || serverName === undefined) return this.#context;
    return new Promise((resolve, reject) => {
      callback(serverName, (error, context) =>
        error ? reject(error) : resolve(context ?? this.#context),
      );
    });
  }

  async #buildEngine(context: SecureContext, socket: () => TLSSocket | undefined) {
    const options = this.#options;
    const provider = this.#provider;
    const certificates = await context.certificates(provider);
    if (certificates.length === 0)
      throw new TypeError('the selected SecureContext has no certificate');
    const clientAuth: ClientAuthPolicy = options.requestCert
      ? (options.rejectUnauthorized ?? true)
        ? 'require'
        : 'request'
      : 'none';
    const ca = context.ca ?? this.#context.ca;
    return createEngine({
      provider,
      certificates,
      clientAuth,
      ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
      ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
      ...(options.ALPNProtocols === undefined ? {} : { alpnProtocols: options.ALPNProtocols }),
      ticketKeys: this.#ticketKeys,
      ...(this.#sessionCache === undefined ? {} : { sessionCache: this.#sessionCache }),
      ...(clientAuth === 'none'
        ? {}
        : {
            verifyCertificate: createPeerVerifier({
              provider,
              ca,
              rejectUnauthorized: options.rejectUnauthorized ?? true,
              report: (error) => {
                const s = socket();
                if (s !== undefined) s.authorizationError = error;
              },
              verified: (chain) => {
                const s = socket();
                if (s !== undefined) s.verifiedChain = chain;
              },
            }),
          }),
      ...options.engine,
    });
  }

  /** As net.Server.listen. Bind to 127.0.0.1 in tests. */
  listen(port?: number | ListenOptions, host?: string | (() => void), callback?: () => void): this {
    (this.#net.listen as (...args: unknown[]) => NetServer)(
      ...[port, host, callback].filter((arg) => arg !== undefined),
    );
    return this;
  }

  /** Stops accepting connections (as net.Server.close). */
  close(callback?: (error?: Error) => void): this {
    this.#net.close(callback);
    return this;
  }

  /** The bound address, as net.Server's. */
  address(): ReturnType<NetServer['address']> {
    return this.#net.address();
  }

  /** Keeps the process alive while listening (the default), as net.Server's. */
  ref(): this {
    this.#net.ref();
    return this;
  }

  /** Lets the process exit even while listening, as net.Server's. */
  unref(): this {
    this.#net.unref();
    return this;
  }

  get listening(): boolean {
    return this.#net.listening;
  }

  /** The ticket keys in use, current first. */
  getTicketKeys(): TicketKey[] {
    return [...this.#ticketKeys];
  }
}

function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function ticketKeyList(
  keys: TlsServerOptions['ticketKeys'],
  provider: CryptoProvider,
): TicketKey[] {
  if (keys === undefined)
    return [{ name: provider.randomBytes(16), key: provider.randomBytes(32) }];
  if (keys instanceof Uint8Array) {
    if (keys.length !== 48) throw new TypeError('ticketKeys must be 48 bytes (16 name + 32 key)');
    return [{ name: keys.slice(0, 16), key: keys.slice(16) }];
  }
  return keys;
}

/** Creates a TLS server (node:tls.createServer). */
export function createServer(
  options: TlsServerOptions,
  secureConnectionListener?: (socket: TLSSocket) => void,
): TlsServer {
  return new TlsServer(options, secureConnectionListener);
}
