/**
 * The server hub: createServer (or prepareServer, once for many engines) checks the options and
 * builds the server engine, which reads ClientHello1, negotiates the version (RFC 8446 4.2.1,
 * RFC 7507 fallback) and hands the handshake to tls13/server.ts or tls12/server.ts. The version
 * modules never import this file.
 */
import { CipherSuite, ProtocolVersion } from '@tlskit/wire';
import { chainPolicy } from './certs/verify.js';
import type { RawMessage } from './core/codec.js';
import {
  resolveCommonConfig,
  resolveEarlyData,
  resolveVersions,
  type ServerConfig,
} from './core/config.js';
import { type Connection, Engine, type State } from './core/engine.js';
import { inappropriateFallback, protocolVersion } from './core/errors.js';
import { readClientHello } from './core/hello.js';
import { checkCommonOptions, OptionsError, type ServerOptions } from './core/options.js';
import { checkTicketKeys, ticketKeySealer } from './core/tickets.js';
import { negotiate12 } from './tls12/server.js';
import { clientHello13 } from './tls13/server.js';
import { sctListProblem } from './certs/sct.js';

class ServerEngine extends Engine {
  readonly role = 'server' as const;
  constructor(config: ServerConfig) {
    const o = config.options;
    super(o.provider, o.now ?? Date.now, ProtocolVersion.TLSv1_2);
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
    private readonly engine: Engine,
    private readonly config: ServerConfig,
  ) {}

  handle(m: RawMessage): Promise<State> {
    const { engine, config } = this;
    const { ch, clientMax, offers13, offers12 } = readClientHello(engine, m, this.name);
    if (config.allowTls13 && offers13) return clientHello13(engine, config, ch, m, undefined);
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
}

/**
 * The hooks a prepared server may bind to each connection (node:tls's facade binds them to the
 * connection's socket). Each replaces the prepared options' hook of the same name for that
 * connection only.
 */
export type ServerConnectionHooks = Pick<
  ServerOptions,
  'pskCallback' | 'verifyCertificate' | 'ocspStapling'
>;

/**
 * A server configuration checked and resolved once (see {@link prepareServer}): engines made
 * from it skip option checking, suite, group and scheme resolution and verifier building.
 */
export interface PreparedServer {
  /** The options it was prepared from. */
  readonly options: ServerOptions;
  /**
   * A new server engine, waiting for a ClientHello. Cheap: it shares the prepared configuration,
   * so a server makes one per accepted connection.
   * @throws OptionsError when a hook is given but is not a function.
   */
  create(hooks?: ServerConnectionHooks): Connection;
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
  const { pskCallback, ocspStapling, verifyCertificate } = hooks;
  if (pskCallback === undefined && ocspStapling === undefined && verifyCertificate === undefined) {
    return config;
  }
  const options: ServerOptions = {
    ...config.options,
    ...(pskCallback === undefined ? {} : { pskCallback }),
    ...(ocspStapling === undefined ? {} : { ocspStapling }),
    ...(verifyCertificate === undefined ? {} : { verifyCertificate }),
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
  const config = resolveServer(options);
  return {
    options,
    create: (hooks) => new ServerEngine(hooks === undefined ? config : withHooks(config, hooks)),
  };
}

/**
 * Creates a server engine (TLS 1.3 and 1.2, as the options allow); it waits for a ClientHello.
 * To make many engines from the same options, {@link prepareServer} checks them once.
 * @throws OptionsError for bad options.
 */
export function createServer(options: ServerOptions): Connection {
  return new ServerEngine(resolveServer(options));
}

/** Checks `options` and resolves everything an engine needs from them. */
function resolveServer(options: ServerOptions): ServerConfig {
  checkCommonOptions(options);
  const pskOnly = options.pskCallback !== undefined;
  if (options.pskCallback !== undefined && typeof options.pskCallback !== 'function') {
    throw new OptionsError('options.pskCallback must be a function (identity) => { key, hash? }');
  }
  if (!Array.isArray(options.certificates) || (options.certificates.length === 0 && !pskOnly)) {
    throw new OptionsError(
      'options.certificates needs at least one { chain, key } (or none with a pskCallback)',
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
  };
  return config;
}
