/**
 * `connect()`: the tlskit client over a Node.js socket, modelled on `node:tls.connect`.
 */
import { connect as netConnect, isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Duplex } from 'node:stream';
import { type CryptoProvider, nobleProvider } from '@tlskit/crypto';
import { type ClientOptions, createClient, type Session, type TlsVersion } from '@tlskit/handshake';
import { TrustStore } from '@tlskit/x509';
import { cipherSuiteCode, groupCode } from './code-points.js';
import {
  type CertificateMaterial,
  loadCertificate,
  loadTrustAnchors,
  type PemInput,
} from './credentials.js';
import { type CheckServerIdentity, createPeerVerifier } from './peer-verifier.js';
import { TLSSocket } from './tls-socket.js';

/** Options of {@link connect}; names follow `node:tls.connect` where the concept is the same. */
export interface ConnectOptions {
  /** Host to connect to. Default 'localhost'. */
  host?: string;
  /** Port to connect to. Required unless `socket` is given. */
  port?: number;
  /** An already-connected transport to run TLS over (a net.Socket, or any Duplex). */
  socket?: Duplex;
  /** SNI and the name checked against the certificate. Default: `host` unless it is an IP address. */
  servername?: string;
  /** Trust anchors: PEM text (one or several certificates), DER, or a list of either. */
  ca?: PemInput | PemInput[];
  /** Client certificate chain (PEM), for servers that ask for one. */
  cert?: PemInput | PemInput[];
  /** The client certificate's private key (PEM: PKCS#8, SEC1 or PKCS#1). */
  key?: PemInput;
  /** ALPN protocols, most preferred first. */
  ALPNProtocols?: string[];
  /** Lowest version to negotiate. Default 'TLSv1.2' when the engine supports it, else 'TLSv1.3'. */
  minVersion?: TlsVersion;
  /** Highest version. Default 'TLSv1.3'. */
  maxVersion?: TlsVersion;
  /**
   * When false, a chain that does not verify is accepted and reported through `authorized` /
   * `authorizationError` instead of failing the handshake (as node:tls). Default true.
   */
  rejectUnauthorized?: boolean;
  /** Replaces the host name check; return an Error to reject (node:tls signature). */
  checkServerIdentity?: CheckServerIdentity;
  /** A session from an earlier connection's `session` event or `getSession()`, to resume. */
  session?: Session;
  /** Named groups by IANA name or code point, most preferred first (e.g. ['x25519', 'secp256r1']). */
  groups?: (string | number)[];
  /** TLS 1.3 cipher suites by IANA name or code point. */
  cipherSuites?: (string | number)[];
  /** The crypto provider. Default: `nobleProvider`. */
  provider?: CryptoProvider;
  /** Extra engine options for research and tests (trace hooks, key shares, clock). */
  engine?: Partial<ClientOptions>;
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
export function connect(options: ConnectOptions, secureConnectListener?: () => void): TLSSocket {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('connect: options must be an object');
  if (options.socket === undefined && !Number.isInteger(options.port)) {
    throw new TypeError('connect: options.port (an integer) or options.socket is required');
  }
  const host = options.host ?? 'localhost';
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  const transport = options.socket ?? netConnect({ host, port: options.port as number });
  let tlsSocket: TLSSocket | undefined;
  const engine = buildEngine(options, servername, () => tlsSocket);
  tlsSocket = new TLSSocket(transport, engine, {
    onSecure: (socket) => socket.emit('secureConnect'),
    onSession: (socket, session) => socket.emit('session', session),
  });
  if (servername !== undefined) tlsSocket.servername = servername;
  if (secureConnectListener) tlsSocket.once('secureConnect', secureConnectListener);
  return tlsSocket;
}

async function buildEngine(
  options: ConnectOptions,
  servername: string | undefined,
  socket: () => TLSSocket | undefined,
) {
  const provider = options.provider ?? nobleProvider;
  const certificate: CertificateMaterial | undefined =
    options.cert !== undefined && options.key !== undefined
      ? await loadCertificate(provider, options.cert, options.key)
      : undefined;
  const ca = options.ca === undefined ? undefined : loadTrustAnchors(options.ca);
  const verifyCertificate = createPeerVerifier({
    provider,
    ca,
    defaultTrustStore: mozillaTrustStore,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    checkServerIdentity: options.checkServerIdentity,
    report: (error) => {
      const s = socket();
      if (s !== undefined) s.authorizationError = error;
    },
  });
  const clientOptions: ClientOptions = {
    provider,
    ...(servername === undefined ? {} : { serverName: servername }),
    ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(options.ALPNProtocols === undefined ? {} : { alpnProtocols: options.ALPNProtocols }),
    ...(certificate === undefined ? {} : { certificate }),
    ...(options.session === undefined ? {} : { session: options.session }),
    ...(options.groups === undefined ? {} : { groups: options.groups.map(groupCode) }),
    ...(options.cipherSuites === undefined
      ? {}
      : { cipherSuites: options.cipherSuites.map(cipherSuiteCode) }),
    verifyCertificate,
    ...options.engine,
  };
  return createClient(clientOptions);
}

let mozilla: TrustStore | undefined;
/** node:tls's default anchors (the Mozilla set bundled with Node), parsed once per process. */
function mozillaTrustStore(): TrustStore {
  mozilla ??= TrustStore.fromPem([...rootCertificates], { skipInvalid: true });
  return mozilla;
}
