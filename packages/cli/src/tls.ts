/**
 * What `connect`, `serve` and `demo` share: option parsing (versions, lists, providers), and a
 * client socket whose engine is watched from its first message on, so a trace can show the
 * ClientHello and a key log can record every secret.
 */
import { connect as netConnect } from 'node:net';
import { rootCertificates } from 'node:tls';
import {
  cipherSuiteCode,
  createClientEngine,
  createPeerVerifier,
  groupCode,
  loadTrustAnchors,
  TLSSocket,
} from '@tlskit/client';
import { type CryptoProvider, nobleProvider } from '@tlskit/crypto';
import { defaultProviderName } from '@tlskit/crypto/default';
import type { AlertEvent, MessageTrace, PskMode } from '@tlskit/handshake';
import { fromHex, nameOf, SignatureScheme } from '@tlskit/wire';
import { TrustStore } from '@tlskit/x509';
import { type OptionSpec, type OptionValue, UsageError } from './command.js';
import { CliError } from './errors.js';
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
export class ProviderError extends CliError {
  constructor(message: string) {
    super('ERR_PROVIDER_UNAVAILABLE', message);
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
  /** Ask for a stapled OCSP response and check it (`--ocsp`). */
  readonly requestOcsp?: boolean | undefined;
  readonly provider: CryptoProvider;
  /** Each handshake message, from the ClientHello on. */
  readonly onMessage?: ((trace: MessageTrace) => void) | undefined;
  /** Each NSS key log line (no newline). */
  readonly onKeylog?: ((line: string) => void) | undefined;
  /** Each alert sent or received (close_notify included). */
  readonly onAlert?: ((alert: AlertEvent) => void) | undefined;
  /** A saved session to resume (`--session-in`): its bytes, as `getSession()` gave them. */
  readonly session?: Uint8Array | undefined;
  /** An external PSK to offer (`--psk`, `--psk-identity`). */
  readonly psk?: CliPsk | undefined;
  /** Offer 0-RTT with `session` (`--early-data`). */
  readonly earlyData?: boolean | undefined;
}

/** `--psk HEX --psk-identity ID [--psk-modes LIST]`, parsed. */
export interface CliPsk {
  readonly key: Uint8Array;
  readonly identity: string;
  readonly modes: PskMode[] | undefined;
}

/** The options `connect` and `serve` share for external PSKs. */
export const pskOptions = {
  psk: { type: 'string' },
  'psk-identity': { type: 'string' },
  'psk-modes': { type: 'string' },
} as const satisfies OptionSpec;

/** Help lines for {@link pskOptions}. */
export const pskHelp = [
  '  --psk HEX          external PSK (TLS 1.3), as openssl -psk: hex, at least 16 bytes; the',
  '                     PSK authenticates the server (SHA-256 suites, as OpenSSL)',
  '  --psk-identity ID  the identity of --psk (required with it)',
  '  --psk-modes LIST   psk_dhe_ke (default), psk_ke (no forward secrecy), or both',
];

/** Reads `--psk`, `--psk-identity` and `--psk-modes`, or undefined without `--psk`. */
export function parsePsk(values: Record<string, OptionValue>): CliPsk | undefined {
  const hex = stringOption(values.psk);
  const identity = stringOption(values['psk-identity']);
  const modes = parseList(values['psk-modes']);
  if (hex === undefined) {
    if (identity !== undefined || modes !== undefined) {
      throw new UsageError('--psk-identity and --psk-modes need --psk HEX');
    }
    return undefined;
  }
  if (identity === undefined) throw new UsageError('--psk needs --psk-identity ID');
  if (!/^([0-9a-fA-F]{2})+$/.test(hex) || hex.length < 32) {
    throw new UsageError('--psk must be hex, at least 16 bytes (32 hex digits)');
  }
  for (const mode of modes ?? []) {
    if (mode !== 'psk_dhe_ke' && mode !== 'psk_ke') {
      throw new UsageError(`--psk-modes: ${mode} is neither psk_dhe_ke nor psk_ke`);
    }
  }
  return { key: fromHex(hex), identity, modes: modes as PskMode[] | undefined };
}

let mozilla: TrustStore | undefined;

/**
 * Opens a client connection, like `connect()` from @tlskit/client, except that the CLI wires its
 * trace and key log listeners to the engine before the TLSSocket starts it, so they see the
 * ClientHello. Every option is checked before the TCP connection is opened: a bad `--ca`,
 * `--key` or version combination throws a `TlsOptionError` at once (a user error, not a bug).
 */
export function openClient(setup: ClientSetup): TLSSocket {
  let socket: TLSSocket | undefined;
  const provider = setup.provider;
  const engine = createClientEngine(
    {
      provider,
      ...(setup.minVersion === undefined ? {} : { minVersion: setup.minVersion }),
      ...(setup.maxVersion === undefined ? {} : { maxVersion: setup.maxVersion }),
      ...(setup.alpn === undefined ? {} : { ALPNProtocols: [...setup.alpn] }),
      ...(setup.cert === undefined ? {} : { cert: setup.cert }),
      ...(setup.key === undefined ? {} : { key: setup.key }),
      ...(setup.groups === undefined ? {} : { groups: [...setup.groups] }),
      ...(setup.ciphers === undefined ? {} : { cipherSuites: [...setup.ciphers] }),
      ...(setup.requestOcsp === true ? { requestOCSP: true } : {}),
      ...(setup.session === undefined ? {} : { session: setup.session }),
      ...(setup.earlyData === true ? { earlyData: true } : {}),
      ...(setup.psk === undefined
        ? {}
        : {
            pskCallback: () => ({ psk: setup.psk!.key, identity: setup.psk!.identity }),
            ...(setup.psk.modes === undefined ? {} : { pskKeyExchangeModes: setup.psk.modes }),
          }),
    },
    setup.servername,
    () =>
      createPeerVerifier({
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
  ).then((connection) => {
    if (setup.onMessage) connection.on('message', setup.onMessage);
    if (setup.onKeylog) connection.on('keylog', setup.onKeylog);
    if (setup.onAlert) connection.on('alert', setup.onAlert);
    return connection;
  });
  const transport = netConnect({ host: setup.host, port: setup.port, allowHalfOpen: true });
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
      reject(new CliError('ERR_TIMEOUT', `no handshake within ${timeoutMs} ms`));
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
      reject(new CliError('ERR_CONNECTION_CLOSED', 'the connection closed during the handshake'));
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
  /** 0-RTT: 'accepted', 'rejected' or 'none'. */
  readonly earlyData: 'accepted' | 'rejected' | 'none';
  /** The peer chain verified against the trust anchors. */
  readonly verified: boolean;
  /** Why it did not verify (with `--insecure`), as `CODE: message`. */
  readonly verifyError: string | null;
  /** Subjects of the peer's chain, leaf first. */
  readonly peerCertificates: readonly string[];
  /** With `--ocsp`: the stapled OCSP status (`good`, `unknown`, `none`, `unchecked`); else null. */
  readonly ocsp: string | null;
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
    earlyData: socket.earlyData,
    verified: socket.authorized && error === null,
    verifyError: error === null ? null : `${error.code ?? error.name}: ${error.message}`,
    peerCertificates: (info?.peerCertificates ?? []).map(certificateSubject),
    ocsp: info?.ocsp?.status ?? null,
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
    `  early data: ${p.earlyData}`,
    `  peer chain: ${p.verified ? 'verified' : `NOT verified (${p.verifyError ?? 'unknown reason'})`}${chain.join('')}`,
  ];
  if (p.ocsp !== null) lines.push(`  OCSP staple: ${p.ocsp}`);
  return `${lines.join('\n')}\n`;
}
