/**
 * The TLS endpoints the connection benchmarks compare: tlskit's client and server over each
 * crypto provider that exists in this checkout, and node:tls (OpenSSL inside Node). Every
 * endpoint takes the same certificate, group and cipher suite, so that a row differs from its
 * neighbour only in the implementation. Servers and clients live in this process and bind
 * 127.0.0.1 only.
 */
import { type EventEmitter, once } from 'node:events';
import { type AddressInfo, connect as netConnect, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as nodeConnect, createServer as nodeCreateServer } from 'node:tls';
import { connect as tlskitConnect } from '@tlskit/client';
import { CIPHER_SUITES, type CryptoProvider, nobleProvider } from '@tlskit/crypto';
import { nodeProvider } from '@tlskit/crypto/node';
import { webcryptoProvider } from '@tlskit/crypto/webcrypto';
import { type Credential, interopCerts, loopback } from '@tlskit/interop';
import { createServer as tlskitCreateServer } from '@tlskit/server';

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** The certificates benchmarked: the server's key type decides the signature work. */
export type CertName = 'ECDSA P-256' | 'RSA-2048';

/** TLS 1.3 suites by the AEAD they use (IANA names; OpenSSL spells them the same). */
export const suiteNames = {
  'AES-128-GCM': 'TLS_AES_128_GCM_SHA256',
  'CHACHA20-POLY1305': 'TLS_CHACHA20_POLY1305_SHA256',
} as const;

/**
 * TLS 1.2 suites for the same AEADs, for the 1.2 rows: ECDHE with the certificate's key type
 * (RFC 8422 / RFC 7905 names).
 */
const tls12Suites: Record<CertName, Record<keyof typeof suiteNames, string>> = {
  'ECDSA P-256': {
    'AES-128-GCM': 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'CHACHA20-POLY1305': 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  },
  'RSA-2048': {
    'AES-128-GCM': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'CHACHA20-POLY1305': 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  },
};

export type AeadChoice = keyof typeof suiteNames;

/** What every connection of a benchmark row agrees on. */
export interface Profile {
  readonly version: TlsVersion;
  readonly cert: CertName;
  /** Default: AES-128-GCM. */
  readonly aead?: AeadChoice;
}

/**
 * Groups offered: x25519, the group every row uses. TLS 1.2 adds P-256 behind it, because an
 * ECDSA certificate is usable only on a curve the client lists in supported_groups (RFC 8422
 * section 5.1); the key exchange still picks x25519, listed first on both sides.
 */
function opensslGroups(profile: Profile): string {
  return profile.version === 'TLSv1.3' ? 'X25519' : 'X25519:P-256';
}

/** The name both sides check and the certificate carries (see @tlskit/interop's serverNames). */
const servername = 'tlskit.test';

/** Server and client of one implementation. */
export interface Implementation {
  /** Row label: `tlskit (noble)`, `node:tls`. */
  readonly name: string;
  /** A listening server on 127.0.0.1 whose accepted sockets call `onSecure`. */
  listen(profile: Profile, onSecure: (socket: Duplex) => void): Promise<RunningServer>;
  /** A client connection to `port`; emits `secureConnect` once the handshake is done. */
  connect(port: number, profile: Profile): TlsClientSocket;
}

/** What both clients (tlskit's and node:tls's) report after the handshake. */
export type TlsClientSocket = Duplex & {
  getProtocol(): string | null;
  getCipher(): { readonly standardName?: string | undefined } | null | undefined;
};

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The certificates: one CA (ECDSA P-256) and its leaves, made at run time by openssl. */
export function benchCredential(cert: CertName): Credential {
  const certs = interopCerts();
  return cert === 'ECDSA P-256' ? certs.server.ecdsaP256 : certs.server.rsa2048;
}

export function caPem(): string {
  return interopCerts().ca.cert.pem;
}

/**
 * Throws unless `socket` negotiated the version and cipher suite of `profile`: a row must measure
 * what its label says, even if an engine ignored an option.
 */
export function checkNegotiated(socket: TlsClientSocket, profile: Profile): void {
  const version = socket.getProtocol();
  const suite = socket.getCipher()?.standardName;
  if (version !== profile.version || suite !== suiteFor(profile)) {
    throw new Error(
      `negotiated ${version} ${suite}, expected ${profile.version} ${suiteFor(profile)}`,
    );
  }
}

/** OpenSSL's name of the profile's suite (`-cipher`, node:tls `ciphers`); TLS 1.3 keeps IANA's. */
export function opensslSuiteName(profile: Profile): string {
  const suite = suiteFor(profile);
  return CIPHER_SUITES.find((s) => s.name === suite)?.openssl ?? suite;
}

export function suiteFor(profile: Profile): string {
  const aead = profile.aead ?? 'AES-128-GCM';
  return profile.version === 'TLSv1.3' ? suiteNames[aead] : tls12Suites[profile.cert][aead];
}

/** Listens on an ephemeral loopback port; `close` also drops the connections still open. */
async function listening(server: Server): Promise<RunningServer> {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  server.listen(0, loopback);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
      }),
  };
}

/** Accepted sockets: errors are the client hanging up; a half-close is answered in kind. */
function acceptQuietly(socket: Duplex, onSecure: (socket: Duplex) => void): void {
  socket.on('error', () => {});
  socket.on('end', () => socket.end());
  onSecure(socket);
  // Flowing, so that the peer's close is seen even where nobody reads the data.
  socket.resume();
}

/** Variants of the tlskit endpoints. */
export interface TlskitVariant {
  /**
   * TCP_NODELAY on both ends. The facades write each record as it is made; with Nagle's
   * algorithm on, the second small write of a flight waits for the peer's delayed ACK (40 ms on
   * Linux). node:tls writes a flight at once, so it does not meet this.
   */
  readonly noDelay?: boolean;
}

/** tlskit's client and server over `provider`. */
export function tlskit(
  providerName: string,
  provider: CryptoProvider,
  variant: TlskitVariant = {},
): Implementation {
  return {
    name: `tlskit (${providerName}${variant.noDelay ? ', TCP_NODELAY' : ''})`,
    async listen(profile, onSecure) {
      const credential = benchCredential(profile.cert);
      const server = tlskitCreateServer(
        {
          key: credential.key.pem,
          cert: credential.chain.pem,
          minVersion: profile.version,
          maxVersion: profile.version,
          provider,
        },
        (socket) => acceptQuietly(socket, onSecure),
      );
      server.on('tlsClientError', () => {});
      if (variant.noDelay) server.on('connection', (socket: Socket) => socket.setNoDelay(true));
      return listening(server as unknown as Server);
    },
    connect(port, profile) {
      return tlskitConnect({
        ...(variant.noDelay
          ? { socket: netConnect({ host: loopback, port }).setNoDelay(true) }
          : { host: loopback, port }),
        servername,
        ca: caPem(),
        groups: profile.version === 'TLSv1.3' ? ['x25519'] : ['x25519', 'secp256r1'],
        cipherSuites: [suiteFor(profile)],
        minVersion: profile.version,
        maxVersion: profile.version,
        provider,
      });
    },
  };
}

/** node:tls on both sides: the reference. */
export const nodeTls: Implementation = {
  name: 'node:tls',
  async listen(profile, onSecure) {
    const credential = benchCredential(profile.cert);
    const server = nodeCreateServer(
      {
        key: credential.key.pem,
        cert: credential.chain.pem,
        minVersion: profile.version,
        maxVersion: profile.version,
        ecdhCurve: opensslGroups(profile),
        // node:tls takes TLS 1.3 suites by IANA name and TLS 1.2 ones by OpenSSL's in `ciphers`.
        ciphers: opensslSuiteName(profile),
      },
      (socket) => acceptQuietly(socket, onSecure),
    );
    server.on('tlsClientError', () => {});
    return listening(server);
  },
  connect(port, profile) {
    return nodeConnect({
      host: loopback,
      port,
      servername,
      ca: caPem(),
      ecdhCurve: opensslGroups(profile),
      ciphers: opensslSuiteName(profile),
      minVersion: profile.version,
      maxVersion: profile.version,
    });
  },
};

/** The providers of @tlskit/crypto, each benchmarked under its own name. */
const providers: readonly { name: string; provider: CryptoProvider }[] = [
  { name: 'noble', provider: nobleProvider },
  { name: 'node', provider: nodeProvider },
  { name: 'webcrypto', provider: webcryptoProvider },
];

/** The providers to benchmark: every one, or the named ones (`--provider NAME`). */
export async function availableProviders(
  only?: readonly string[],
): Promise<{ name: string; provider: CryptoProvider }[]> {
  return providers.filter(({ name }) => !only || only.length === 0 || only.includes(name));
}

/** tlskit over every available provider, then node:tls. */
export async function implementations(
  providers?: readonly string[],
  variant: TlskitVariant = {},
): Promise<Implementation[]> {
  const found = await availableProviders(providers);
  return [...found.map(({ name, provider }) => tlskit(name, provider, variant)), nodeTls];
}

/**
 * Resolves with the arguments of the first `event` of `emitter`; rejects on its `error` event or
 * after `ms`. Every listener and the timer go away once it settles (unlike racing `once()`
 * promises, whose loser would reject later, unhandled).
 */
export function nextEvent(emitter: EventEmitter, event: string, ms = 30_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const onEvent = (...args: unknown[]) => settle(() => resolve(args));
    const onError = (error: unknown) => settle(() => reject(error));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`no ${event} within ${ms} ms`))),
      ms,
    );
    function settle(then: () => void): void {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      emitter.off('error', onError);
      then();
    }
    emitter.once(event, onEvent);
    emitter.once('error', onError);
  });
}

/** Resolves on `secureConnect`; rejects on an error or after `ms`. */
export async function secureConnected(socket: Duplex, ms = 30_000): Promise<void> {
  await nextEvent(socket, 'secureConnect', ms);
}

/**
 * Whether `implementation` speaks `version` end to end: one handshake with both sides pinned to
 * it. An engine without TLS 1.2 either fails or ignores the pin, so the negotiated version is what
 * counts.
 */
export async function supportsVersion(
  implementation: Implementation,
  version: TlsVersion,
): Promise<boolean> {
  const profile: Profile = { version, cert: 'ECDSA P-256' };
  let server: RunningServer | undefined;
  let socket: ReturnType<Implementation['connect']> | undefined;
  try {
    server = await implementation.listen(profile, () => {});
    socket = implementation.connect(server.port, profile);
    await secureConnected(socket, 20_000);
    return socket.getProtocol() === version;
  } catch {
    // Refused options or a failed handshake: not this version.
    return false;
  } finally {
    socket?.destroy();
    await server?.close();
  }
}

/** Versions to benchmark: TLS 1.3 always, TLS 1.2 when every implementation speaks it. */
export async function benchVersions(
  list: readonly Implementation[],
  wanted: readonly TlsVersion[] = ['TLSv1.3', 'TLSv1.2'],
): Promise<TlsVersion[]> {
  const versions: TlsVersion[] = [];
  for (const version of wanted) {
    let all = true;
    for (const implementation of list) {
      if (!(await supportsVersion(implementation, version))) {
        all = false;
        break;
      }
    }
    if (all) versions.push(version);
  }
  return versions;
}
