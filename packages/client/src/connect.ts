/**
 * `connect()`: the tlskit client over a Node.js socket, modelled on `node:tls.connect`.
 */
import { connect as netConnect, isIP, type TcpNetConnectOpts } from 'node:net';
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
import { TlsOptionError } from './option-errors.js';
import { type CheckServerIdentity, nodeIdentityCheck } from './peer-certificate.js';
import { createPeerVerifier } from './peer-verifier.js';
import { socketVerifierReports, TLSSocket } from './tls-socket.js';

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
  /**
   * As node:tls: when false (the default) the socket ends its side once the server has ended
   * its own (close_notify or FIN), so the connection closes and the process can exit.
   */
  allowHalfOpen?: boolean;
  /** As node:tls: calls `setTimeout(timeout)` on the socket (milliseconds of inactivity). */
  timeout?: number;
  /** Passed to `net.connect` (not used with `socket`). */
  family?: number;
  /** Passed to `net.connect` (not used with `socket`). */
  localAddress?: string;
  /** Passed to `net.connect` (not used with `socket`). */
  localPort?: number;
  /** Passed to `net.connect` (not used with `socket`). */
  lookup?: TcpNetConnectOpts['lookup'];
  /** Passed to `net.connect` (not used with `socket`). */
  keepAlive?: boolean;
  /** Passed to `net.connect` (not used with `socket`). */
  keepAliveInitialDelay?: number;
}

/** The `net.connect` options `connect()` forwards as node:tls does. */
const netOptions = [
  'family',
  'localAddress',
  'localPort',
  'lookup',
  'keepAlive',
  'keepAliveInitialDelay',
] as const;

/**
 * Opens a TLS connection. Returns at once; `secureConnect` fires when the handshake is done,
 * `error` if it fails (with a `TlsError` whose `code` says why). Every option is checked first:
 * a mistake throws a {@link TlsOptionError} (with a `code`) before any socket is opened.
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
    throw new TlsOptionError('ERR_INVALID_ARG_TYPE', 'options', 'must be an object');
  const port = options.port;
  if (
    options.socket === undefined &&
    !(Number.isInteger(port) && (port as number) >= 0 && (port as number) < 65536)
  ) {
    // node:tls throws ERR_SOCKET_BAD_PORT (a RangeError) here; ours is a TlsOptionError.
    throw new TlsOptionError(
      'ERR_SOCKET_BAD_PORT',
      'port',
      `an integer from 0 to 65535 (or options.socket) is required, got ${String(port)}`,
    );
  }
  if (options.host !== undefined && typeof options.host !== 'string') {
    throw new TlsOptionError('ERR_INVALID_ARG_TYPE', 'host', 'must be a string');
  }
  const host = options.host ?? 'localhost';
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  let tlsSocket: TLSSocket | undefined;
  // Every option is checked here, before a socket exists: a bad option must not leave a
  // connection open behind the exception (issue 13).
  const engine = buildEngine(options, servername, host, () => tlsSocket);
  // TCP_NODELAY, as Go and node:http agents do: TLSSocket already hands each flight to the
  // socket as one write, so Nagle only adds delayed-ACK stalls between flights. The transport
  // is half-open: TLSSocket ends it after its close_notify, whichever side closes first.
  const transport =
    options.socket ??
    netConnect({
      ...pick(options, netOptions),
      host,
      port: port as number,
      noDelay: options.noDelay ?? true,
      allowHalfOpen: true,
    });
  tlsSocket = new TLSSocket(transport, engine, {
    onSecure: (socket) => socket.emit('secureConnect'),
    onSession: (socket, session) => socket.emit('session', session),
    ...(options.allowHalfOpen === undefined ? {} : { allowHalfOpen: options.allowHalfOpen }),
  });
  if (options.timeout !== undefined) tlsSocket.setTimeout(options.timeout);
  if (servername !== undefined) tlsSocket.servername = servername;
  if (secureConnectListener) tlsSocket.once('secureConnect', secureConnectListener);
  return tlsSocket;
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
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
      ...socketVerifierReports(socket),
    }),
  );
}

let mozilla: TrustStore | undefined;
/** node:tls's default anchors (the Mozilla set bundled with Node), parsed once per process. */
function mozillaTrustStore(): TrustStore {
  mozilla ??= TrustStore.fromPem([...rootCertificates], { skipInvalid: true });
  return mozilla;
}
