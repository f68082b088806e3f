/** The engine options both client entry points (Node sockets, WHATWG streams) derive alike. */
import type { CryptoProvider } from '@tlskit/crypto';
import { defaultProvider } from '@tlskit/crypto/default';
import {
  type CertificateVerifier,
  type ClientOptions,
  checkClientOptions,
  type Connection,
  createClient,
  OptionsError,
  type PskHash,
  type PskMode,
  type Session,
  type TlsVersion,
} from '@tlskit/handshake';
import { cipherSuiteCode, groupCode } from './code-points.js';
import { checkCredential, importCredential, type PemInput } from './credentials.js';
import { checkCommonFacadeOptions, refuseUnsupportedOptions } from './option-checks.js';
import { TlsOptionError } from './option-errors.js';

/** What a client `pskCallback` returns. */
export interface ClientPsk {
  /** The key, 16..255 bytes. */
  psk: Uint8Array;
  /** The identity the server knows the key by: a string is sent as UTF-8 (as node:tls). */
  identity: string | Uint8Array;
  /** The hash the key is bound to. Default 'SHA-256' (as OpenSSL's `-psk`). */
  hash?: PskHash;
}

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
  /**
   * A session to resume: the Buffer from an earlier connection's `session` event or
   * `getSession()` (also one stored and read back later), or a `Session` object from the engine.
   */
  session?: Session | Uint8Array;
  /** Named groups by IANA name or code point, most preferred first (e.g. ['x25519', 'secp256r1']). */
  groups?: (string | number)[];
  /** Cipher suites by IANA name or code point. */
  cipherSuites?: (string | number)[];
  /**
   * External PSK (TLS 1.3, RFC 8446 2.2), node:tls's shape: called once before the ClientHello
   * with `hint` null (TLS 1.3 has no identity hint); return `{ psk, identity }` to offer that key
   * (`hash` 'SHA-384' for a key bound to SHA-384; default 'SHA-256'), or null to offer none.
   * The server is then authenticated by the key, not by a certificate.
   */
  pskCallback?: (hint: string | null) => ClientPsk | null | undefined;
  /** PSK key exchange modes to offer: default `['psk_dhe_ke']`; `psk_ke` has no forward secrecy. */
  pskKeyExchangeModes?: PskMode[];
  /**
   * 0-RTT (TLS 1.3): with a `session` whose ticket allows it, what is written before
   * `secureConnect` (whole writes, up to the ticket's max_early_data_size) goes out as early
   * data. Early data can be replayed by an attacker: send only requests that are safe to repeat
   * (docs/early-data.md). `socket.earlyData` says afterwards whether the server accepted it.
   */
  earlyData?: boolean;
  /**
   * When the server rejects early data, send it again as ordinary data once connected
   * (default true). With false it is dropped: check `socket.earlyData` and decide.
   */
  resendRejectedEarlyData?: boolean;
  /**
   * Ask the server to staple an OCSP response (node:tls's name) and check it: `revoked` fails the
   * handshake with `ERR_CERT_REVOKED` (alert certificate_revoked), an invalid response with an
   * `ERR_OCSP_*` code. The socket emits `OCSPResponse` with the DER staple, and
   * `handshakeInfo.ocsp` says what it said. Default false.
   */
  requestOCSP?: boolean;
  /**
   * With `requestOCSP`: refuse a server that staples nothing (or a response saying `unknown`)
   * with `ERR_OCSP_MISSING`. Default false: a missing staple is allowed (status `none`).
   */
  requireOCSPStaple?: boolean;
  /**
   * The crypto provider. Default: `nodeProvider` on Node.js (the `node` export condition),
   * `nobleProvider` elsewhere; pass `nobleProvider` for pure JavaScript on Node too.
   */
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
  const provider = options.provider ?? defaultProvider;
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
  const external = options.pskCallback?.(null) ?? undefined;
  const engineOptions: ClientOptions = {
    provider,
    ...(external === undefined
      ? {}
      : {
          externalPsk: {
            key: external.psk,
            identity:
              typeof external.identity === 'string'
                ? new TextEncoder().encode(external.identity)
                : external.identity,
            ...(external.hash === undefined ? {} : { hash: external.hash }),
          },
        }),
    ...(options.pskKeyExchangeModes === undefined
      ? {}
      : { pskKeyExchangeModes: options.pskKeyExchangeModes }),
    ...(options.earlyData === undefined ? {} : { earlyData: options.earlyData }),
    ...(options.resendRejectedEarlyData === undefined
      ? {}
      : { resendRejectedEarlyData: options.resendRejectedEarlyData }),
    ...(serverName === undefined ? {} : { serverName }),
    ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(options.ALPNProtocols === undefined ? {} : { alpnProtocols: options.ALPNProtocols }),
    ...(options.session === undefined ? {} : { session: options.session }),
    ...(options.requestOCSP === true ? { requestOcsp: true } : {}),
    ...(options.requireOCSPStaple === true ? { requireOcspStaple: true } : {}),
    ...(options.groups === undefined ? {} : { groups: codes('groups', options.groups, groupCode) }),
    ...(options.cipherSuites === undefined
      ? {}
      : { cipherSuites: codes('cipherSuites', options.cipherSuites, cipherSuiteCode) }),
    verifyCertificate: verifier(provider),
    ...options.engine,
  };
  // The engine checks the rest (groups the provider lacks, suites of no allowed version, ...),
  // now, before the caller opens a connection. Without a client certificate that check builds
  // the engine we use; with one, the key import is asynchronous, so the options are only
  // checked here and the one engine is built once the key is imported.
  if (credential === undefined)
    return Promise.resolve(optionErrorsAsTlsOptionErrors(() => createClient(engineOptions)));
  optionErrorsAsTlsOptionErrors(() => checkClientOptions(engineOptions));
  return importCredential(provider, credential).then((certificate) =>
    createClient({ ...engineOptions, certificate }),
  );
}

/** Runs an engine option check, turning its OptionsError into the facade's TlsOptionError. */
function optionErrorsAsTlsOptionErrors<T>(check: () => T): T {
  try {
    return check();
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
