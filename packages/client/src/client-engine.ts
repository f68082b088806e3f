/** The engine options both client entry points (Node sockets, WHATWG streams) derive alike. */
import type { CryptoProvider } from '@tlskit/crypto';
import { defaultProvider } from '@tlskit/crypto/default';
import {
  type CertificateVerifier,
  type ClientOptions,
  type Connection,
  createClient,
  type Session,
  type TlsVersion,
} from '@tlskit/handshake';
import { cipherSuiteCode, groupCode } from './code-points.js';
import { loadCertificate, type PemInput } from './credentials.js';

/** Options with node:tls names that both `connect()` and `connectStreams()` take. */
export interface ClientEngineOptions {
  /** Client certificate chain (PEM), for servers that ask for one. */
  cert?: PemInput | PemInput[];
  /** The client certificate's private key (PEM: PKCS#8, SEC1 or PKCS#1). */
  key?: PemInput;
  /** ALPN protocols, most preferred first. */
  ALPNProtocols?: string[];
  /** Lowest version to negotiate. Default 'TLSv1.2'. */
  minVersion?: TlsVersion;
  /** Highest version. Default 'TLSv1.3'. */
  maxVersion?: TlsVersion;
  /** A session from an earlier connection's `session` event or `getSession()`, to resume. */
  session?: Session;
  /** Named groups by IANA name or code point, most preferred first (e.g. ['x25519', 'secp256r1']). */
  groups?: (string | number)[];
  /** Cipher suites by IANA name or code point. */
  cipherSuites?: (string | number)[];
  /**
   * The crypto provider. Default: `nodeProvider` on Node.js (the `node` export condition),
   * `nobleProvider` elsewhere; pass `nobleProvider` for pure JavaScript on Node too.
   */
  provider?: CryptoProvider;
  /** Extra engine options for research and tests (trace hooks, key shares, clock). */
  engine?: Partial<ClientOptions>;
}

/**
 * Loads the client certificate (if any) and builds the engine. `verifier` receives the provider
 * so that certificate checks use the same crypto as the handshake.
 */
export async function createClientEngine(
  options: ClientEngineOptions,
  serverName: string | undefined,
  verifier: (provider: CryptoProvider) => CertificateVerifier,
): Promise<Connection> {
  const provider = options.provider ?? defaultProvider;
  const certificate =
    options.cert !== undefined && options.key !== undefined
      ? await loadCertificate(provider, options.cert, options.key)
      : undefined;
  return createClient({
    provider,
    ...(serverName === undefined ? {} : { serverName }),
    ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(options.ALPNProtocols === undefined ? {} : { alpnProtocols: options.ALPNProtocols }),
    ...(certificate === undefined ? {} : { certificate }),
    ...(options.session === undefined ? {} : { session: options.session }),
    ...(options.groups === undefined ? {} : { groups: options.groups.map(groupCode) }),
    ...(options.cipherSuites === undefined
      ? {}
      : { cipherSuites: options.cipherSuites.map(cipherSuiteCode) }),
    verifyCertificate: verifier(provider),
    ...options.engine,
  });
}
