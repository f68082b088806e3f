/** The engine options both client entry points (Node sockets, WHATWG streams) derive alike. */
import { type CryptoProvider, nobleProvider } from '@tlskit/crypto';
import {
  type CertificateVerifier,
  type ClientOptions,
  type Connection,
  createClient,
  OptionsError,
  type Session,
  type TlsVersion,
} from '@tlskit/handshake';
import { cipherSuiteCode, groupCode } from './code-points.js';
import { checkCredential, importCredential, type PemInput } from './credentials.js';
import { checkCommonFacadeOptions, refuseUnsupportedOptions } from './option-checks.js';
import { TlsOptionError } from './option-errors.js';

/** Options with node:tls names that both `connect()` and `connectStreams()` take. */
export interface ClientEngineOptions {
  /** Client certificate chain (PEM), for servers that ask for one. */
  cert?: PemInput | PemInput[];
  /** The client certificate's private key (PEM: PKCS#8, encrypted PKCS#8, SEC1 or PKCS#1). */
  key?: PemInput;
  /** Passphrase of an encrypted `key` (`ENCRYPTED PRIVATE KEY`). */
  passphrase?: string;
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
  /** The crypto provider. Default: `nobleProvider`. */
  provider?: CryptoProvider;
  /** Extra engine options for research and tests (trace hooks, key shares, clock). */
  engine?: Partial<ClientOptions>;
}

/**
 * Checks every option and builds the engine. Option mistakes throw synchronously, as a
 * {@link TlsOptionError} with a `code`, before the caller opens any connection (issue 13); only
 * the import of the client key is asynchronous. `verifier` receives the provider so that
 * certificate checks use the same crypto as the handshake.
 */
export function createClientEngine(
  options: ClientEngineOptions,
  serverName: string | undefined,
  verifier: (provider: CryptoProvider) => CertificateVerifier,
): Promise<Connection> {
  refuseUnsupportedOptions(options, 'client');
  checkCommonFacadeOptions(options);
  const provider = options.provider ?? nobleProvider;
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new TlsOptionError(
      'ERR_INVALID_ARG_VALUE',
      options.cert === undefined ? 'key' : 'cert',
      'cert and key go together',
    );
  }
  const credential =
    options.cert !== undefined && options.key !== undefined
      ? checkCredential(options.cert, options.key, options.passphrase)
      : undefined;
  const engineOptions: ClientOptions = {
    provider,
    ...(serverName === undefined ? {} : { serverName }),
    ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(options.ALPNProtocols === undefined ? {} : { alpnProtocols: options.ALPNProtocols }),
    ...(options.session === undefined ? {} : { session: options.session }),
    ...(options.groups === undefined ? {} : { groups: codes('groups', options.groups, groupCode) }),
    ...(options.cipherSuites === undefined
      ? {}
      : { cipherSuites: codes('cipherSuites', options.cipherSuites, cipherSuiteCode) }),
    verifyCertificate: verifier(provider),
    ...options.engine,
  };
  // The engine checks the rest (groups the provider lacks, suites of no allowed version, ...).
  // Without a client certificate it is the engine we use; with one, the key import is async, so
  // this engine only validates and a second is built once the key is imported (both are cheap:
  // nothing is computed before start()).
  const engine = engineOrOptionError(engineOptions);
  if (credential === undefined) return Promise.resolve(engine);
  return importCredential(provider, credential).then((certificate) =>
    createClient({ ...engineOptions, certificate }),
  );
}

function engineOrOptionError(options: ClientOptions): Connection {
  try {
    return createClient(options);
  } catch (error) {
    if (error instanceof OptionsError) {
      throw new TlsOptionError('ERR_INVALID_ARG_VALUE', 'options', error.message, {
        cause: error,
      });
    }
    throw error;
  }
}

function codes(
  option: string,
  values: unknown,
  code: (value: string | number) => number,
): number[] {
  if (!Array.isArray(values)) {
    throw new TlsOptionError(
      'ERR_INVALID_ARG_TYPE',
      option,
      'must be an array of names or code points',
    );
  }
  return values.map((value) => {
    try {
      return code(value as string | number);
    } catch (error) {
      throw new TlsOptionError(
        'ERR_INVALID_ARG_VALUE',
        option,
        error instanceof Error ? error.message : String(error),
      );
    }
  });
}
