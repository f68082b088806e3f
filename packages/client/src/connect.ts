/**
 * `connect()`: the tlskit client over a Node.js socket, modelled on `node:tls.connect`.
 */
import { connect as netConnect, isIP } from 'node:net';
import { rootCertificates } from 'node:tls';

/**
 * The trust anchors `connect()` uses when given no `ca`: the Mozilla set bundled with Node, PEM
 * (node:tls's `rootCertificates`, re-exported so code that reads it keeps working).
 */
export { rootCertificates };
import type { Duplex } from 'node:stream';
import { TrustStore } from '@tlskit/x509';
import { type ClientEngineOptions, createClientEngine } from './client-engine.js';
import type { PemInput } from './credentials.js';
import { trustStoreFor } from './trust-store-cache.js';
import { type CheckServerIdentity, nodeIdentityCheck } from './peer-certificate.js';
import { createPeerVerifier } from './peer-verifier.js';
import { TLSSocket } from './tls-socket.js';

/** Options of {@link connect}; names follow `node:tls.connect` where the concept is the same. */
export interface ConnectOptions extends ClientEngineOptions {
  /** Host to connect to. Default 'localhost'. */
  host?: string;
  /** Port to connect to. Required unless `socket` is given. */
  port?: number;
  /** An already-connected transport to run TLS over (a net.Socket, or any Duplex). */
  socket?: Duplex;
  /** TCP_NODELAY on the socket `connect()` opens (not on `socket`). Default true. */
  noDelay?: boolean;
  /** SNI and the name checked against the certificate. Default: `host` unless it is an IP address. */
  servername?: string;
  /** Trust anchors: PEM text (one or several certificates), DER, or a list of either. Default: Node's Mozilla set. */
  ca?: PemInput | PemInput[];
  /**
   * When false, a chain that does not verify is accepted and reported through `authorized` /
   * `authorizationError` instead of failing the handshake (as node:tls). Default true.
   */
  rejectUnauthorized?: boolean;
  /** Replaces the host name check; return an Error to reject (node:tls signature). */
  checkServerIdentity?: CheckServerIdentity;
}

/**
 * Opens a TLS connection. Returns at once; `secureConnect` fires when the handshake is done,
 * `error` if it fails (with a `TlsError` whose `code` says why).
 *
 * @example
 * const socket = connect({ host: 'example.com', port: 443, ALPNProtocols: ['http/1.1'] }, () => {
 *   console.log(socket.getProtocol(), socket.getCipher()?.standardName);
 * });
 */
export function connect(options: ConnectOptions, secureConnectListener?: () => void): TLSSocket;
/** node:tls's positional form: `connect(443, 'example.com', { ALPNProtocols: ['h2'] }, cb)`. */
export function connect(
  port: number,
  host?: string,
  options?: Omit<ConnectOptions, 'port' | 'host'>,
  secureConnectListener?: () => void,
): TLSSocket;
export function connect(
  port: number,
  options?: Omit<ConnectOptions, 'port'>,
  secureConnectListener?: () => void,
): TLSSocket;
export function connect(port: number, secureConnectListener?: () => void): TLSSocket;
export function connect(...args: unknown[]): TLSSocket {
  const [options, secureConnectListener] = normalizeConnectArgs(args);
  if (typeof options !== 'object' || options === null)
    throw new TypeError('connect: options must be an object');
  if (options.socket === undefined && !Number.isInteger(options.port)) {
    throw new TypeError('connect: options.port (an integer) or options.socket is required');
  }
  const host = options.host ?? 'localhost';
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  // TCP_NODELAY, as Go and node:http agents do: TLSSocket already hands each flight to the
  // socket as one write, so Nagle only adds delayed-ACK stalls between flights.
  const transport =
    options.socket ??
    netConnect({ host, port: options.port as number, noDelay: options.noDelay ?? true });
  let tlsSocket: TLSSocket | undefined;
  const engine = buildEngine(options, servername, host, () => tlsSocket);
  tlsSocket = new TLSSocket(transport, engine, {
    onSecure: (socket) => socket.emit('secureConnect'),
    onSession: (socket, session) => socket.emit('session', session),
  });
  if (servername !== undefined) tlsSocket.servername = servername;
  if (secureConnectListener) tlsSocket.once('secureConnect', secureConnectListener);
  return tlsSocket;
}

/** node:tls's argument forms: (options, cb), (port, host?, options?, cb?), (port, options?, cb?). */
function normalizeConnectArgs(args: unknown[]): [ConnectOptions, (() => void) | undefined] {
  const rest = [...args];
  const listener = typeof rest.at(-1) === 'function' ? (rest.pop() as () => void) : undefined;
  if (typeof rest[0] !== 'number') return [rest[0] as ConnectOptions, listener];
  const [port, second, third] = rest;
  const host = typeof second === 'string' ? second : undefined;
  const options = (typeof second === 'object' && second !== null ? second : third) ?? {};
  return [
    { ...(options as ConnectOptions), port, ...(host === undefined ? {} : { host }) },
    listener,
  ];
}

function buildEngine(
  options: ConnectOptions,
  servername: string | undefined,
  host: string,
  socket: () => TLSSocket | undefined,
) {
  const ca = options.ca === undefined ? undefined : trustStoreFor(options.ca);
  return createClientEngine(options, servername, (provider) =>
    createPeerVerifier({
      provider,
      ca,
      defaultTrustStore: mozillaTrustStore,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      // An IP address cannot be sent as SNI, yet the certificate must be for it (as node:tls).
      hostname: servername ?? host,
      checkServerIdentity:
        options.checkServerIdentity === undefined
          ? undefined
          : nodeIdentityCheck(options.checkServerIdentity),
      report: (error) => {
        const s = socket();
        if (s !== undefined) s.authorizationError = error;
      },
      verified: (chain) => {
        const s = socket();
        if (s !== undefined) s.verifiedChain = chain;
      },
    }),
  );
}

let mozilla: TrustStore | undefined;
/** node:tls's default anchors (the Mozilla set bundled with Node), parsed once per process. */
function mozillaTrustStore(): TrustStore {
  mozilla ??= TrustStore.fromPem([...rootCertificates], { skipInvalid: true });
  return mozilla;
}
