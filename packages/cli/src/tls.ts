/**
 * What `connect`, `serve` and `demo` share: option parsing (versions, lists, providers), and a
 * client socket whose engine is watched from its first message on, so a trace can show the
 * ClientHello and a key log can record every secret.
 */
import { connect as netConnect } from 'node:net';
import { rootCertificates } from 'node:tls';
import {
  cipherSuiteCode,
  createPeerVerifier,
  groupCode,
  loadCertificate,
  loadTrustAnchors,
  TLSSocket,
} from '@tlskit/client';
import { type CryptoProvider, nobleProvider } from '@tlskit/crypto';
import { defaultProviderName } from '@tlskit/crypto/default';
import {
  type AlertEvent,
  type ClientOptions,
  createClient,
  type MessageTrace,
} from '@tlskit/handshake';
import { nameOf, SignatureScheme, TlsError } from '@tlskit/wire';
import { TrustStore } from '@tlskit/x509';
import { type OptionSpec, type OptionValue, UsageError } from './command.js';
import { certificateSubject } from './trace.js';

/** A protocol version as node:tls names it. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** `--min-version 1.2` and friends: `1.2`, `1.3` (or `TLSv1.2`, `TLSv1.3`). */
export function parseVersion(flag: string, value: OptionValue): TlsVersion | undefined {
  if (value === undefined) return undefined;
  const v = String(value).replace(/^TLSv/i, '');
  if (v === '1.2' || v === '1.3') return `TLSv${v}`;
  throw new UsageError(`${flag} must be 1.2 or 1.3, not ${String(value)}`);
}

/** A comma-separated option value (`--alpn h2,http/1.1`) as a list, or undefined. */
export function parseList(value: OptionValue): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
}

/**
 * `--groups` / `--ciphers`: a comma-separated list of IANA names, each checked now so that a
 * typo is a usage error rather than a failed connection.
 */
export function parseCodePoints(
  flag: '--groups' | '--ciphers',
  value: OptionValue,
): string[] | undefined {
  const list = parseList(value);
  for (const name of list ?? []) {
    try {
      (flag === '--groups' ? groupCode : cipherSuiteCode)(name);
    } catch (error) {
      throw new UsageError(`${flag}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return list;
}

/** The option value as a string, or undefined. */
export function stringOption(value: OptionValue): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A provider the build does not have, or an unknown name: exit 1 with this code. */
export class ProviderError extends TlsError {
  constructor(message: string) {
    super('ERR_PROVIDER_UNAVAILABLE', 80, message);
  }
}

/** The provider names `--provider` takes. */
export const providerNames = ['noble', 'node', 'webcrypto'] as const;

/** The options `connect` and `serve` share, in `parseArgs` form. */
export const sharedTlsOptions = {
  alpn: { type: 'string' },
  ca: { type: 'string' },
  'min-version': { type: 'string' },
  'max-version': { type: 'string' },
  keylog: { type: 'string' },
  provider: { type: 'string' },
} as const satisfies OptionSpec;

/** Help lines for {@link sharedTlsOptions} that read the same for both commands. */
export const sharedTlsHelp = [
  '  --min-version V    1.2 or 1.3',
  '  --max-version V    1.2 or 1.3',
  '  --keylog FILE      write NSS key log lines (SSLKEYLOGFILE format) for Wireshark',
  `  --provider NAME    crypto provider: ${providerNames.join(', ')} (default ${defaultProviderName}, as connect() and createServer())`,
];

/**
 * The crypto provider for `--provider NAME`; by default the one `connect()` and `createServer()`
 * pick by themselves (node on Node.js). `node` and `webcrypto` are
 * subpath exports of @tlskit/crypto, loaded only when asked for, so a build without them still
 * runs with noble.
 */
export async function loadProvider(value: OptionValue): Promise<CryptoProvider> {
  const name = value === undefined ? defaultProviderName : String(value);
  if (name === 'noble') return nobleProvider;
  if (name !== 'node' && name !== 'webcrypto') {
    throw new UsageError(`--provider must be one of ${providerNames.join(', ')}, not ${name}`);
  }
  const specifier = `@tlskit/crypto/${name}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch {
    throw new ProviderError(`--provider ${name}: ${specifier} is not available in this build`);
  }
  const provider = module[name === 'node' ? 'nodeProvider' : 'webcryptoProvider'];
  if (provider === undefined) {
    throw new ProviderError(`--provider ${name}: ${specifier} does not export a provider`);
  }
  return provider as CryptoProvider;
}

/** What the CLI's client needs: the subset of node:tls-like options it exposes as flags. */
export interface ClientSetup {
  readonly host: string;
  readonly port: number;
  readonly servername?: string | undefined;
  /** Trust anchors, PEM; default Node's Mozilla set. */
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly alpn?: readonly string[] | undefined;
  readonly minVersion?: TlsVersion | undefined;
  readonly maxVersion?: TlsVersion | undefined;
  readonly groups?: readonly string[] | undefined;
  readonly ciphers?: readonly string[] | undefined;
  /** false: finish the handshake even if the chain does not verify (`--insecure`). */
  readonly rejectUnauthorized?: boolean | undefined;
  readonly provider: CryptoProvider;
  /** Each handshake message, from the ClientHello on. */
  readonly onMessage?: ((trace: MessageTrace) => void) | undefined;
  /** Each NSS key log line (no newline). */
  readonly onKeylog?: ((line: string) => void) | undefined;
  /** Each alert sent or received (close_notify included). */
  readonly onAlert?: ((alert: AlertEvent) => void) | undefined;
}

let mozilla: TrustStore | undefined;

/**
 * Opens a client connection, like `connect()` from @tlskit/client, except that the engine is
 * built here: `connect()` subscribes to the engine only as it starts it, too late to see the
 * ClientHello, so the CLI wires its trace and key log listeners first and hands the engine to
 * the same `TLSSocket`.
 */
export function openClient(setup: ClientSetup): TLSSocket {
  const transport = netConnect({ host: setup.host, port: setup.port });
  let socket: TLSSocket | undefined;
  const engine = (async () => {
    const provider = setup.provider;
    const certificate =
      setup.cert !== undefined && setup.key !== undefined
        ? await loadCertificate(provider, setup.cert, setup.key)
        : undefined;
    const options: ClientOptions = {
      provider,
      ...(setup.servername === undefined ? {} : { serverName: setup.servername }),
      ...(setup.minVersion === undefined ? {} : { minVersion: setup.minVersion }),
      ...(setup.maxVersion === undefined ? {} : { maxVersion: setup.maxVersion }),
      ...(setup.alpn === undefined ? {} : { alpnProtocols: setup.alpn }),
      ...(certificate === undefined ? {} : { certificate }),
      ...(setup.groups === undefined ? {} : { groups: setup.groups.map(groupCode) }),
      ...(setup.ciphers === undefined ? {} : { cipherSuites: setup.ciphers.map(cipherSuiteCode) }),
      verifyCertificate: createPeerVerifier({
        provider,
        ca: setup.ca === undefined ? undefined : loadTrustAnchors(setup.ca),
        defaultTrustStore: () => {
          mozilla ??= TrustStore.fromPem([...rootCertificates], { skipInvalid: true });
          return mozilla;
        },
        rejectUnauthorized: setup.rejectUnauthorized ?? true,
        // Connecting to an IP address (no SNI), the certificate must still be for it.
        hostname: setup.servername ?? setup.host,
        report: (error) => {
          if (socket !== undefined) socket.authorizationError = error;
        },
      }),
    };
    const connection = createClient(options);
    if (setup.onMessage) connection.on('message', setup.onMessage);
    if (setup.onKeylog) connection.on('keylog', setup.onKeylog);
    if (setup.onAlert) connection.on('alert', setup.onAlert);
    return connection;
  })();
  socket = new TLSSocket(transport, engine, {
    onSecure: (s) => s.emit('secureConnect'),
    onSession: (s, session) => s.emit('session', session),
  });
  if (setup.servername !== undefined) socket.servername = setup.servername;
  return socket;
}

/** Resolves when the handshake is done; rejects with its error, or after `timeoutMs`. */
export function secureConnected(socket: TLSSocket, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new TlsError('ERR_TIMEOUT', 90, `no handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    const onSecure = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(
        new TlsError('ERR_CONNECTION_CLOSED', 90, 'the connection closed during the handshake'),
      );
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('secureConnect', onSecure);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    socket.once('secureConnect', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/** Reads the socket to its end (or until `timeoutMs`), as text. */
export function readAll(socket: TLSSocket, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(), timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    socket.on('data', onData);
    socket.once('end', () => finish());
    socket.once('close', () => finish());
    socket.once('error', (error: Error) => finish(error));
  });
}

/** What a finished handshake negotiated, as `connect --json` prints it. */
export interface NegotiatedParameters {
  /** 'TLSv1.3' or 'TLSv1.2'. */
  readonly version: string | null;
  /** IANA cipher suite name. */
  readonly cipher: string | null;
  /** IANA group name, e.g. `x25519`; null for a PSK-only resumption. */
  readonly group: string | null;
  readonly alpn: string | null;
  readonly servername: string | null;
  /** IANA name of the scheme the peer signed its CertificateVerify/ServerKeyExchange with. */
  readonly signatureScheme: string | null;
  readonly helloRetryRequest: boolean;
  readonly resumed: boolean;
  /** The peer chain verified against the trust anchors. */
  readonly verified: boolean;
  /** Why it did not verify (with `--insecure`), as `CODE: message`. */
  readonly verifyError: string | null;
  /** Subjects of the peer's chain, leaf first. */
  readonly peerCertificates: readonly string[];
}

/** The negotiated parameters of a connected socket. */
export function negotiated(socket: TLSSocket): NegotiatedParameters {
  const info = socket.handshakeInfo;
  const error = socket.authorizationError as (Error & { code?: string }) | null;
  return {
    version: info?.version ?? null,
    cipher: info?.cipherSuite ?? null,
    group: info?.group ?? null,
    alpn: info?.alpn ?? null,
    servername: info?.serverName ?? null,
    signatureScheme:
      info?.peerSignatureScheme === undefined
        ? null
        : nameOf(SignatureScheme, info.peerSignatureScheme),
    helloRetryRequest: info?.helloRetryRequest ?? false,
    resumed: info?.resumed ?? false,
    verified: socket.authorized && error === null,
    verifyError: error === null ? null : `${error.code ?? error.name}: ${error.message}`,
    peerCertificates: (info?.peerCertificates ?? []).map(certificateSubject),
  };
}

/** The negotiated parameters as indented text, one per line. */
export function formatNegotiated(p: NegotiatedParameters): string {
  const chain = p.peerCertificates.map(
    (subject, i) => `\n    ${i === 0 ? 'leaf' : `chain[${i}]`}: ${subject}`,
  );
  const lines = [
    `  version: ${p.version}`,
    `  cipher suite: ${p.cipher}`,
    `  group: ${p.group ?? '(none: PSK only)'}`,
    `  ALPN: ${p.alpn ?? '(none)'}`,
    `  server name: ${p.servername ?? '(none)'}`,
    `  peer signature scheme: ${p.signatureScheme ?? '(none)'}`,
    `  HelloRetryRequest: ${p.helloRetryRequest ? 'yes' : 'no'}`,
    `  resumed: ${p.resumed ? 'yes' : 'no'}`,
    `  peer chain: ${p.verified ? 'verified' : `NOT verified (${p.verifyError ?? 'unknown reason'})`}${chain.join('')}`,
  ];
  return `${lines.join('\n')}\n`;
}
