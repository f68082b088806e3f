/**
 * The public entry points: createClient and createServer, which check options once and build
 * the role's engine around its first typestate.
 */
import { CipherSuite, ProtocolVersion, SignatureScheme } from '@tlskit/wire';
import { startClient } from './tls13/client.js';
import { type Connection, Engine } from './core/engine.js';
import { checkExternalPsk } from './tls13/external-psk.js';
import {
  type ChainPolicy,
  type ClientConfig,
  resolveCommonConfig,
  resolveEarlyData,
  resolveGroups,
  resolveSession,
  resolveVersions,
  type ServerConfig,
} from './core/config.js';
import {
  type CertificateVerifier,
  type ClientOptions,
  checkCommonOptions,
  type CommonOptions,
  OptionsError,
  type ServerOptions,
} from './core/options.js';
import { startServer } from './tls13/server.js';
import { groups12 } from './core/suites.js';
import { checkTicketKeys, ticketKeySealer } from './core/tickets.js';
import { defaultVerifier } from './certs/x509-verifier.js';

function resolveChain(o: CommonOptions, skip: boolean): ChainPolicy {
  let verifier: CertificateVerifier | undefined = o.verifyCertificate;
  if (verifier === undefined && o.ca !== undefined) verifier = defaultVerifier(o.provider, o.ca);
  return { verifier, skip };
}

function resolveExternalPsk(options: ClientOptions): ClientConfig['externalPsk'] {
  const psk = options.externalPsk;
  if (psk === undefined) return undefined;
  return { ...psk, hash: checkExternalPsk(psk) };
}

class ClientEngine extends Engine {
  readonly role = 'client' as const;
  readonly #config: ClientConfig;
  #started = false;

  constructor(config: ClientConfig) {
    const o = config.options;
    // RFC 8446 5.1: the first ClientHello may carry record version 0x0301 for old middleboxes.
    super(o.provider, o.now ?? Date.now, ProtocolVersion.TLSv1_0);
    this.#config = config;
  }

  start(): Promise<void> {
    if (this.#started) throw new OptionsError('start() was already called');
    this.#started = true;
    return this.serialize(async () => {
      this.setState(await startClient(this, this.#config));
    });
  }
}

class ServerEngine extends Engine {
  readonly role = 'server' as const;
  constructor(config: ServerConfig) {
    const o = config.options;
    super(o.provider, o.now ?? Date.now, ProtocolVersion.TLSv1_2);
    this.setState(startServer(this, config));
  }

  start(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Creates a client engine (TLS 1.3 and 1.2, as the options allow). Call `start()` to queue the
 * ClientHello.
 * @throws OptionsError for bad options.
 */
export function createClient(options: ClientOptions): Connection {
  checkCommonOptions(options);
  const groups = resolveGroups(options);
  const usable = groups.filter((g) => options.provider.keyExchange(g) !== undefined);
  let keyShareGroups = options.keyShareGroups ?? [usable[0]!];
  // A hybrid first choice is paired with a classic share, so servers without it avoid a retry.
  if (options.keyShareGroups === undefined && usable[0] === 0x11ec && usable.includes(0x001d)) {
    keyShareGroups = [0x11ec, 0x001d];
  }
  for (const g of keyShareGroups) {
    if (!groups.includes(g) || options.provider.keyExchange(g) === undefined) {
      throw new OptionsError(
        `keyShareGroups: group ${g} is not in groups or not implemented by the provider`,
      );
    }
  }
  const skip = options.dangerouslySkipCertificateVerification === true;
  if (options.session !== undefined && options.externalPsk !== undefined) {
    throw new OptionsError('offer either a session or an externalPsk, not both');
  }
  const v = resolveVersions(options);
  const common = resolveCommonConfig(options, v, resolveChain(options, skip));
  const config: ClientConfig = {
    ...common,
    // A TLS 1.2-only ClientHello lists only groups TLS 1.2 can use (RFC 8422): no hybrid KEMs.
    groups: v.tls13 ? groups : groups.filter((g) => groups12.includes(g)),
    keyShareGroups,
    signatureSchemesCert: options.signatureSchemesCert,
    offerTls12: v.tls12,
    offerTls13: v.tls13,
    session: resolveSession(options.session),
    externalPsk: resolveExternalPsk(options),
  };
  // A client with an external PSK authenticates the server by the key: it needs no anchors.
  if (!skip && config.chain.verifier === undefined && config.externalPsk === undefined) {
    throw new OptionsError(
      'set options.ca or options.verifyCertificate (or dangerouslySkipCertificateVerification)',
    );
  }
  return new ClientEngine(config);
}

/**
 * Creates a server engine (TLS 1.3 and 1.2, as the options allow); it waits for a ClientHello.
 * @throws OptionsError for bad options.
 */
export function createServer(options: ServerOptions): Connection {
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
  const chain = resolveChain(options, false);
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
  return new ServerEngine(config);
}

/**
 * Moves output between two in-memory connections until neither has anything to send (tests,
 * demos, and the README example). Bounded: at most `maxRounds` exchanges.
 */
export async function pump(a: Connection, b: Connection, maxRounds = 64): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    const fromA = a.takeOutput();
    const fromB = b.takeOutput();
    if (fromA.length === 0 && fromB.length === 0) return;
    for (const chunk of fromA) await b.receive(chunk);
    for (const chunk of fromB) await a.receive(chunk);
  }
}

export { CipherSuite, SignatureScheme };
