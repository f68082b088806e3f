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
import {
  createPeerVerifier,
  groupCode,
  socketVerifierReports,
  TLSSocket,
  TlsOptionError,
} from '@tlskit/client';
import {
  type ClientAuthPolicy,
  type OcspStapleRequest,
  type AntiReplayStore,
  type ExternalPskLookup,
  MemoryAntiReplayStore,
  type PskHash,
  type PreparedServer,
  type PskMode,
  prepareServer,
  type ServerConnectionHooks,
  SessionCache,
  type ServerOptions,
  type TicketKey,
  type TlsVersion,
} from '@tlskit/handshake';
import { parseCertificate, TrustStore } from '@tlskit/x509';
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

/**
 * node:tls's `OCSPRequest` listener: called when a client asks for a staple, with the server's
 * leaf (DER) and its issuer (the next certificate of the chain, or a `ca` certificate whose
 * subject is the leaf's issuer; undefined when neither is known). Answer with the DER
 * OCSPResponse, or null to staple nothing; an error fails the handshake.
 */
export type OCSPRequestListener = (
  certificate: Buffer,
  issuer: Buffer | undefined,
  callback: (error: Error | null, response?: Uint8Array | null) => void,
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
   * Key exchange groups by IANA name or code point, most preferred first (as the client's
   * `groups`; node:tls calls this `ecdhCurve`), e.g. `['x25519', 'secp256r1', 'ffdhe2048']`.
   * Default: every group of the provider, FFDHE last. An unknown name throws here.
   */
  groups?: (string | number)[];
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
  /**
   * Milliseconds a client has to finish the handshake; then the socket is destroyed and
   * `tlsClientError` reports `ERR_TLS_HANDSHAKE_TIMEOUT`. Default 120000 (as node:tls).
   */
  handshakeTimeout?: number;
  /**
   * As node:tls: when false (the default), a connection whose client has ended its side
   * (close_notify or FIN) is ended from ours too and closes; true keeps our side writable.
   */
  allowHalfOpen?: boolean;
  /**
   * External PSKs (TLS 1.3, RFC 8446 2.2), node:tls's shape: called with the identity a client
   * offers (decoded as UTF-8) and the socket; return the key (a Buffer, bound to SHA-256), or
   * `{ psk, hash }`, or null for an identity the server does not know. With it the server may
   * have no certificate at all (then clients without a known PSK get handshake_failure).
   */
  pskCallback?: (
    socket: TLSSocket,
    identity: string,
  ) => Uint8Array | { psk: Uint8Array; hash?: PskHash } | null | undefined;
  /** PSK key exchange modes accepted, preferred first. Default `['psk_dhe_ke']`. */
  pskKeyExchangeModes?: PskMode[];
  /**
   * 0-RTT (TLS 1.3): bytes of early data accepted per session ticket. Default 0 (off). Accepted
   * early data is the first `socket.earlyDataLength` bytes the socket reads, and may be a
   * replay: handle it only if the request is safe to repeat (docs/early-data.md).
   */
  maxEarlyData?: number;
  /**
   * Where ticket uses are recorded so that each ticket carries early data once (RFC 8446 8.1).
   * Default: a `MemoryAntiReplayStore` of this server. Servers sharing ticket keys must share it.
   */
  antiReplay?: AntiReplayStore;
  /** 0-RTT freshness window in ms (RFC 8446 8.3). Default 10000. */
  earlyDataWindow?: number;
  /**
   * The crypto provider. Default: `nodeProvider` on Node.js (the `node` export condition),
   * `nobleProvider` elsewhere; pass `nobleProvider` for pure JavaScript on Node too.
   */
  provider?: CryptoProvider;
  /** Extra engine options for research and tests. */
  engine?: Partial<ServerOptions>;
}

/** A SecureContext's engine configuration, prepared once for all its connections. */
interface PreparedContext {
  readonly prepared: PreparedServer;
  /** Trust anchors for client certificates (the context's, else the server's). */
  readonly ca: Uint8Array[] | undefined;
  /** The anchors as the connections' verifiers take them. */
  readonly trust: TrustStore | Uint8Array[] | undefined;
}

/**
 * One trust store for every connection of a context, instead of one per verified client. DER
 * that does not make a store stays DER: each verification then fails as it always did.
 */
function sharedTrustStore(ca: Uint8Array[] | undefined): TrustStore | Uint8Array[] | undefined {
  if (ca === undefined) return undefined;
  try {
    return new TrustStore(ca);
  } catch {
    return ca;
  }
}

/** node:tls's default `handshakeTimeout`, in milliseconds. */
export const defaultHandshakeTimeout = 120_000;

/** A TLS server: a net.Server whose connections speak TLS. */
export class TlsServer extends EventEmitter {
  readonly #net: NetServer;
  readonly #options: TlsServerOptions;
  readonly #provider: CryptoProvider;
  readonly #context: SecureContext;
  readonly #ticketKeys: TicketKey[];
  readonly #groups: number[] | undefined;
  readonly #sessionCache: SessionCache | undefined;
  readonly #antiReplay: AntiReplayStore | undefined;
  readonly #prepared = new WeakMap<SecureContext, Promise<PreparedContext>>();

  constructor(options: TlsServerOptions, listener?: (socket: TLSSocket) => void) {
    super();
    this.#options = options;
    // Every option is checked here, so that a server with a bad key or version never starts
    // listening to fail each handshake instead (issue 13).
    this.#context = createSecureContext(options);
    this.#provider = options.provider ?? defaultProvider;
    if (
      toList(options.cert).length === 0 &&
      !options.certificates?.length &&
      !options.SNICallback &&
      !options.pskCallback
    ) {
      throw new TlsOptionError(
        'ERR_INVALID_ARG_VALUE',
        'cert',
        'createServer needs cert and key (or certificates, an SNICallback or a pskCallback)',
      );
    }
    const timeout = options.handshakeTimeout;
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
      throw new TlsOptionError(
        'ERR_INVALID_ARG_VALUE',
        'handshakeTimeout',
        'must be a positive number of milliseconds',
      );
    }
    this.#groups = options.groups?.map(groupCode);
    this.#ticketKeys = ticketKeyList(options.ticketKeys, this.#provider);
    this.#sessionCache =
      options.sessionCache === false
        ? undefined
        : (options.sessionCache ?? new SessionCache({ lifetime: options.sessionTimeout ?? 300 }));
    const maxEarlyData = options.maxEarlyData ?? 0;
    if (!Number.isInteger(maxEarlyData) || maxEarlyData < 0 || maxEarlyData > 0xffff_ffff) {
      throw new TypeError(
        'createServer: maxEarlyData must be an integer number of bytes, 0..2^32-1',
      );
    }
    this.#antiReplay =
      (options.maxEarlyData ?? 0) > 0
        ? (options.antiReplay ?? new MemoryAntiReplayStore())
        : options.antiReplay;
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
    const engine = this.#buildEngine(() => tlsSocket);
    tlsSocket = new TLSSocket(socket, engine, {
      onSecure: (s) => {
        clearTimeout(timer);
        this.emit('secureConnection', s);
      },
      allowHalfOpen: this.#options.allowHalfOpen ?? false,
      // Before secureConnection: the data is also at the start of what the socket reads.
      onEarlyData: (s, data) => this.emit('earlyData', s, data),
    });
    const timer = setTimeout(() => {
      tlsSocket?.destroy(
        Object.assign(new Error('TLS handshake timeout'), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' }),
      );
    }, this.#options.handshakeTimeout ?? defaultHandshakeTimeout);
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

  async #contextFor(serverName: string | undefined): Promise<SecureContext> {
    const callback = this.#options.SNICallback;
    if (callback === undefined || serverName === undefined) return this.#context;
    return new Promise((resolve, reject) => {
      callback(serverName, (error, context) =>
        error ? reject(error) : resolve(context ?? this.#context),
      );
    });
  }

  /**
   * The engine of one connection: the server context's prepared configuration (made on first
   * use, see #prepare) with this connection's socket-bound hooks. With an SNICallback, the engine
   * calls it from its chooseConfig hook once the ClientHello is decoded and checked, and the
   * context it answers with (prepared once too) takes over: the hello is read once, by the engine.
   */
  async #buildEngine(socket: () => TLSSocket | undefined) {
    const { prepared, ...context } = await this.#prepare(this.#context);
    const hooks = this.#hooks(prepared, context, socket);
    if (this.#options.SNICallback === undefined) return prepared.create(hooks);
    return prepared.create({
      ...hooks,
      chooseConfig: async ({ serverName }) => {
        const chosen = await this.#prepare(await this.#contextFor(serverName));
        return chosen.prepared.bind(this.#hooks(chosen.prepared, chosen, socket));
      },
    });
  }

  /** The hooks that bind a prepared configuration to one connection's socket. */
  #hooks(
    prepared: PreparedServer,
    { ca, trust }: Omit<PreparedContext, 'prepared'>,
    socket: () => TLSSocket | undefined,
  ): ServerConnectionHooks {
    const options = this.#options;
    const engineOptions = options.engine ?? {};
    const psk = options.pskCallback;
    const bindPsk = psk !== undefined && engineOptions.pskCallback === undefined;
    const askOcsp =
      this.listenerCount('OCSPRequest') > 0 && engineOptions.ocspStapling === undefined;
    const verify =
      prepared.options.verifyCertificate !== undefined && !('verifyCertificate' in engineOptions);
    return {
      ...(bindPsk ? { pskCallback: externalPskLookup(psk, () => socket()) } : {}),
      ...(askOcsp
        ? { ocspStapling: ({ chain }: OcspStapleRequest) => this.#ocspRequest(chain, ca) }
        : {}),
      ...(verify
        ? {
            verifyCertificate: createPeerVerifier({
              provider: this.#provider,
              ca: trust,
              rejectUnauthorized: options.rejectUnauthorized ?? true,
              ...socketVerifierReports(socket),
            }),
          }
        : {}),
    };
  }

  /**
   * The engine configuration of `context`, checked and resolved once (issue 14: resolving the
   * same options for every accepted connection was a fixed cost of each handshake). A failure
   * (a context without certificates, engine options that do not check) fails every connection
   * that selects the context, as it did when each connection resolved the options itself.
   */
  #prepare(context: SecureContext): Promise<PreparedContext> {
    let prepared = this.#prepared.get(context);
    if (prepared === undefined) {
      prepared = this.#prepareContext(context);
      this.#prepared.set(context, prepared);
    }
    return prepared;
  }

  async #prepareContext(context: SecureContext): Promise<PreparedContext> {
    const options = this.#options;
    const provider = this.#provider;
    const certificates = await context.certificates(provider);
    // With an SNICallback, the server's own context may leave the certificates to the contexts
    // the callback answers with.
    const choosing = context === this.#context && options.SNICallback !== undefined;
    if (certificates.length === 0 && options.pskCallback === undefined && !choosing)
      throw new TypeError('the selected SecureContext has no certificate');
    const clientAuth: ClientAuthPolicy = options.requestCert
      ? (options.rejectUnauthorized ?? true)
        ? 'require'
        : 'request'
      : 'none';
    const ca = context.ca ?? this.#context.ca;
    const trust = sharedTrustStore(ca);
    const rejectUnauthorized = options.rejectUnauthorized ?? true;
    const prepared = prepareServer({
      provider,
      certificates,
      clientAuth,
      ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
      ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
      ...(options.ALPNProtocols === undefined ? {} : { alpnProtocols: options.ALPNProtocols }),
      ...(this.#groups === undefined ? {} : { groups: this.#groups }),
      ticketKeys: this.#ticketKeys,
      // Each connection binds the callback to its socket (#buildEngine); this one only lets
      // the options check see that a PSK-only server is meant.
      ...(options.pskCallback === undefined ? {} : { pskCallback: () => undefined }),
      // Likewise each connection binds chooseConfig (SNICallback) to its socket.
      ...(choosing ? { chooseConfig: () => undefined } : {}),
      ...(options.pskKeyExchangeModes === undefined
        ? {}
        : { pskKeyExchangeModes: options.pskKeyExchangeModes }),
      ...(options.maxEarlyData === undefined ? {} : { maxEarlyData: options.maxEarlyData }),
      ...(this.#antiReplay === undefined ? {} : { antiReplay: this.#antiReplay }),
      ...(options.earlyDataWindow === undefined
        ? {}
        : { earlyDataWindow: options.earlyDataWindow }),
      ...(this.#sessionCache === undefined ? {} : { sessionCache: this.#sessionCache }),
      // A verifier also when only `ca` is set: requestCertificate() (post-handshake auth) uses
      // it. Each connection replaces it with one that reports to its socket (#buildEngine).
      ...(clientAuth === 'none' && ca === undefined
        ? {}
        : { verifyCertificate: createPeerVerifier({ provider, ca: trust, rejectUnauthorized }) }),
      ...options.engine,
    });
    return { prepared, ca, trust };
  }

  /** Asks the `OCSPRequest` listener (node:tls's protocol) for the staple of `chain`'s leaf. */
  #ocspRequest(
    chain: readonly Uint8Array[],
    ca: readonly Uint8Array[] | undefined,
  ): Promise<Uint8Array | undefined> {
    const leaf = chain[0]!;
    const issuer = issuerOf(leaf, [...chain.slice(1), ...(ca ?? [])]);
    return new Promise((resolve, reject) => {
      this.emit(
        'OCSPRequest',
        Buffer.from(leaf),
        issuer === undefined ? undefined : Buffer.from(issuer),
        (error: Error | null, response?: Uint8Array | null) =>
          error ? reject(error) : resolve(response ?? undefined),
      );
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

/** The engine's PSK lookup over node:tls's `pskCallback(socket, identity)`. */
function externalPskLookup(
  callback: NonNullable<TlsServerOptions['pskCallback']>,
  socket: () => TLSSocket | undefined,
): ExternalPskLookup {
  return (identity) => {
    const s = socket();
    if (s === undefined) return undefined;
    let name: string;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(identity);
    } catch {
      return undefined; // not UTF-8: not an identity a string-keyed callback can know
    }
    const found = callback(s, name);
    if (found === null || found === undefined) return undefined;
    if (found instanceof Uint8Array) return { key: found };
    return { key: found.psk, ...(found.hash === undefined ? {} : { hash: found.hash }) };
  };
}

/** The first of `candidates` whose subject is `leaf`'s issuer. */
function issuerOf(leaf: Uint8Array, candidates: readonly Uint8Array[]): Uint8Array | undefined {
  const issuerName = parseCertificate(leaf).issuer.key;
  return candidates.find((der) => {
    try {
      return parseCertificate(der).subject.key === issuerName;
    } catch {
      return false;
    }
  });
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
    if (keys.length !== 48) {
      throw new TlsOptionError(
        'ERR_INVALID_ARG_VALUE',
        'ticketKeys',
        'must be 48 bytes (16 name + 32 key)',
      );
    }
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
