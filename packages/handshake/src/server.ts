/**
 * The server hub: createServer (or prepareServer, once for many engines) checks the options and
 * builds the server engine, which reads ClientHello1, negotiates the version (RFC 8446 4.2.1,
 * RFC 7507 fallback) and hands the handshake to tls13/server.ts or tls12/server.ts. The version
 * modules never import this file.
 */
import {
  CipherSuite,
  type ClientHello,
  ExtensionType,
  findExtension,
  isTlsError,
  ProtocolVersion,
} from '@tlskit/wire';
import { chainPolicy } from './certs/verify.js';
import { alpnNames, hostName, type RawMessage } from './core/codec.js';
import {
  resolveCommonConfig,
  resolveEarlyData,
  resolveVersions,
  type ServerConfig,
} from './core/config.js';
import type { HandshakeContext, State } from './core/context.js';
import { type Connection, Engine } from './core/engine.js';
import { publicConnection } from './core/public-connection.js';
import {
  illegalParameter,
  inappropriateFallback,
  internalError,
  protocolVersion,
} from './core/errors.js';
import { readClientHello } from './core/hello.js';
import {
  checkCommonOptions,
  type ClientHelloInfo,
  OptionsError,
  type PreparedServer,
  type ServerConnectionHooks,
  type ServerOptions,
} from './core/options.js';
import { checkTicketKeys, ticketKeySealer } from './core/tickets.js';
import { negotiate12 } from './tls12/server.js';
import { clientHello13 } from './tls13/server.js';
import { type EchOutcome, noEch, openClientHelloOuter } from './tls13/ech.js';
import { resolveEchKeys } from './tls13/ech-keys.js';
import { sctListProblem } from './certs/sct.js';
import { checkCertificateAuthorities } from './tls13/client-auth.js';

class ServerEngine extends Engine {
  readonly role = 'server' as const;
  constructor(config: ServerConfig) {
    const o = config.options;
    super(o.provider, o.now ?? Date.now, ProtocolVersion.TLSv1_2, o.maxHandshakeMessageSize);
    this.setState(new ExpectClientHello(this, config));
  }

  start(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * ClientHello1: TLS 1.3 when both sides allow it, else TLS 1.2 when both allow that
 * (RFC 8446 4.2.1: supported_versions decides; without it the client speaks at most 1.2).
 */
class ExpectClientHello implements State {
  readonly name = 'ExpectClientHello';
  constructor(
    private readonly engine: HandshakeContext,
    private readonly config: ServerConfig,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const { engine } = this;
    const { ch, clientMax, offers13, offers12 } = readClientHello(engine, m, this.name);
    let ech: EchOutcome = noEch;
    // RFC 9849 7.1: ECH is decided before any other parameter, whatever versions
    // ClientHelloOuter lists: only ClientHelloInner's count when it is accepted.
    if (this.config.allowTls13 && this.config.echKeys.length > 0) {
      const opened = await openClientHelloOuter(engine.provider, this.config.echKeys, ch, m);
      ech = opened.outcome;
      if (opened.inner !== undefined) return this.inner(opened.inner, ech);
    }
    // Chosen once, from ClientHello1 decoded and checked; a retry's hello keeps the choice.
    const config = await chooseConfig(this.config, ch);
    if (config.allowTls13 && offers13) return clientHello13(engine, config, ch, m, undefined, ech);
    if (!config.allowTls12 || !offers12) throw protocolVersion('no protocol version in common');
    // RFC 7507: a fallback retry below what we support is an attack or a broken peer.
    if (
      ch.cipherSuites.includes(CipherSuite.TLS_FALLBACK_SCSV) &&
      config.allowTls13 &&
      clientMax < ProtocolVersion.TLSv1_3
    ) {
      throw inappropriateFallback('TLS_FALLBACK_SCSV from a client below our highest version');
    }
    return negotiate12(engine, config, ch, m);
  }

  /** ECH accepted (RFC 9849 7.1): the handshake runs on ClientHelloInner, in TLS 1.3 only. */
  private async inner(m: RawMessage, ech: EchOutcome): Promise<State> {
    const { ch, versions, offers13 } = readClientHello(this.engine, m, this.name);
    if (!offers13 || versions.some((v) => v < ProtocolVersion.TLSv1_3)) {
      throw illegalParameter('ClientHelloInner offers a version below TLS 1.3');
    }
    const config = await chooseConfig(this.config, ch);
    if (!config.allowTls13) throw protocolVersion('the chosen configuration has no TLS 1.3');
    return clientHello13(this.engine, config, ch, m, undefined, ech);
  }
}

function checkHook(name: keyof ServerConnectionHooks, hook: unknown): void {
  if (hook !== undefined && typeof hook !== 'function') {
    throw new OptionsError(`options.${name} must be a function`);
  }
}

/** The prepared configuration with one connection's hooks in place. */
function withHooks(config: ServerConfig, hooks: ServerConnectionHooks): ServerConfig {
  checkHook('pskCallback', hooks.pskCallback);
  checkHook('verifyCertificate', hooks.verifyCertificate);
  checkHook('ocspStapling', hooks.ocspStapling);
  checkHook('chooseConfig', hooks.chooseConfig);
  const { pskCallback, ocspStapling, verifyCertificate, chooseConfig } = hooks;
  if (
    pskCallback === undefined &&
    ocspStapling === undefined &&
    verifyCertificate === undefined &&
    chooseConfig === undefined
  ) {
    return config;
  }
  const options: ServerOptions = {
    ...config.options,
    ...(pskCallback === undefined ? {} : { pskCallback }),
    ...(ocspStapling === undefined ? {} : { ocspStapling }),
    ...(verifyCertificate === undefined ? {} : { verifyCertificate }),
    ...(chooseConfig === undefined ? {} : { chooseConfig }),
  };
  return {
    ...config,
    options,
    ...(verifyCertificate === undefined
      ? {}
      : { chain: { verifier: verifyCertificate, skip: false } }),
  };
}

/**
 * Checks and resolves server options once, for many connections: `createServer(options)` is
 * `prepareServer(options).create()`, and a server facade keeps one prepared configuration per
 * certificate set instead of resolving the same options for every accepted connection (issue
 * 14: that resolution was a fixed cost of every handshake).
 * @throws OptionsError for bad options.
 */
export function prepareServer(options: ServerOptions): PreparedServer {
  return prepared(resolveServer(options));
}

/** The configurations behind the PreparedServers made here, for chooseConfig's answers. */
const preparedConfigs = new WeakMap<PreparedServer, ServerConfig>();

function prepared(config: ServerConfig): PreparedServer {
  const server: PreparedServer = {
    options: config.options,
    create: (hooks) =>
      publicConnection(new ServerEngine(hooks === undefined ? config : withHooks(config, hooks))),
    bind: (hooks) => prepared(withHooks(config, hooks)),
  };
  preparedConfigs.set(server, config);
  return server;
}

/**
 * `options.chooseConfig` (Go's GetConfigForClient, rustls' Acceptor): the configuration for this
 * decoded and checked ClientHello, or `config` when there is no hook or it keeps the default.
 */
async function chooseConfig(config: ServerConfig, ch: ClientHello): Promise<ServerConfig> {
  const choose = config.options.chooseConfig;
  if (choose === undefined) return config;
  const sni = findExtension(ch.extensions, ExtensionType.serverName);
  const alpn = findExtension(ch.extensions, ExtensionType.applicationLayerProtocolNegotiation);
  const schemes = findExtension(ch.extensions, ExtensionType.signatureAlgorithms);
  const hello: ClientHelloInfo = {
    serverName: sni === undefined ? undefined : hostName(sni),
    alpnProtocols: alpn === undefined ? [] : alpnNames(alpn.protocols),
    cipherSuites: ch.cipherSuites,
    signatureSchemes: schemes === undefined ? [] : schemes.schemes,
  };
  try {
    const chosen = await choose(hello);
    if (chosen === undefined) return config;
    return preparedConfigs.get(chosen as PreparedServer) ?? resolveServer(chosen as ServerOptions);
  } catch (error) {
    // A TlsError is the hook's own refusal, with the alert it chose (handshake_failure for a
    // client it turns away, unrecognized_name for an unknown host...): it ends the handshake
    // as thrown. Anything else is a failure of the hook: internal_error.
    if (isTlsError(error)) throw error;
    throw internalError(
      `chooseConfig failed: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}

/**
 * Creates a server engine (TLS 1.3 and 1.2, as the options allow); it waits for a ClientHello.
 * To make many engines from the same options, {@link prepareServer} checks them once.
 * @throws OptionsError for bad options.
 */
export function createServer(options: ServerOptions): Connection {
  return publicConnection(new ServerEngine(resolveServer(options)));
}

/** Checks `options` and resolves everything an engine needs from them. */
function resolveServer(options: ServerOptions): ServerConfig {
  checkCommonOptions(options);
  const choose = options.chooseConfig;
  if (choose !== undefined && typeof choose !== 'function') {
    throw new OptionsError('options.chooseConfig must be a function (hello) => options');
  }
  // With chooseConfig, the certificates may come from the options it chooses.
  const pskOnly = options.pskCallback !== undefined || choose !== undefined;
  if (options.pskCallback !== undefined && typeof options.pskCallback !== 'function') {
    throw new OptionsError('options.pskCallback must be a function (identity) => { key, hash? }');
  }
  if (!Array.isArray(options.certificates) || (options.certificates.length === 0 && !pskOnly)) {
    throw new OptionsError(
      'options.certificates needs at least one { chain, key } (or none with a pskCallback or a chooseConfig)',
    );
  }
  for (const c of options.certificates) {
    if (c.chain.length === 0) throw new OptionsError('a certificate entry has an empty chain');
    const scts = c.signedCertificateTimestamps;
    const problem = scts === undefined ? undefined : sctListProblem(scts);
    if (problem !== undefined) {
      throw new OptionsError(`signedCertificateTimestamps is not an SCT list: ${problem}`);
    }
  }
  const lifetime = options.ticketLifetime ?? 7200;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 604_800) {
    throw new OptionsError('ticketLifetime must be 1..604800 seconds (RFC 8446 4.6.1)');
  }
  const keys = options.ticketKeys;
  let sealer = options.ticketSealer;
  if (sealer === undefined && keys !== undefined) {
    const read = typeof keys === 'function' ? keys : () => keys;
    checkTicketKeys(read());
    sealer = ticketKeySealer(options.provider, read);
  }
  const v = resolveVersions(options);
  const clientAuth = options.clientAuth ?? 'none';
  checkCertificateAuthorities(options.clientCertificateAuthorities);
  const chain = chainPolicy(options, false);
  if (clientAuth !== 'none' && chain.verifier === undefined) {
    throw new OptionsError('clientAuth needs options.ca or options.verifyCertificate');
  }
  const config: ServerConfig = {
    ...resolveCommonConfig(options, v, chain),
    allowTls12: v.tls12,
    allowTls13: v.tls13,
    sealer,
    ticketCount: options.ticketCount ?? 1,
    ticketLifetime: lifetime,
    recordSizeLimit: options.recordSizeLimit ?? 16_385,
    ...resolveEarlyData(options),
    echKeys: resolveEchKeys(options.echKeys),
  };
  return config;
}
