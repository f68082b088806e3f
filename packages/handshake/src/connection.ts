/**
 * The public entry points: createClient and createServer, which check options once and build
 * the role's engine around its first typestate.
 */
import { CipherSuite, ProtocolVersion, SignatureScheme } from '@tlskit/wire';
import { type ClientConfig, startClient } from './tls13/client.js';
import { type Connection, Engine } from './core/engine.js';
import type { Session } from './core/events.js';
import { decodeSession } from './core/session-codec.js';
import { checkExternalPsk, pskModeCodes } from './tls13/external-psk.js';
import {
  type CertificateVerifier,
  type ClientOptions,
  checkCommonOptions,
  type CommonOptions,
  OptionsError,
  type ServerOptions,
} from './core/options.js';
import { isTls12SignatureScheme, isTls13SignatureScheme } from './core/schemes.js';
import { type ServerConfig, startServer } from './tls13/server.js';
import { defaultSuites13, suite13 } from './core/suites.js';
import { defaultSuites12, groups12, suite12 } from './tls12/common.js';
import { checkTicketKeys, ticketKeySealer } from './core/tickets.js';
import { defaultVerifier } from './certs/x509-verifier.js';
import type { ChainPolicy } from './certs/verify.js';

/**
 * The versions and suites the options allow. A version whose suites were all left out of
 * `cipherSuites` is not offered; leaving out every suite is a caller error.
 */
function resolveVersions(o: CommonOptions): {
  tls12: boolean;
  tls13: boolean;
  suites13: number[];
  suites12: number[];
} {
  const suites13 = (o.cipherSuites ?? defaultSuites13).filter((s) => suite13(s) !== undefined);
  const suites12 = (o.cipherSuites ?? defaultSuites12).filter((s) => suite12(s) !== undefined);
  const tls12 = (o.minVersion ?? 'TLSv1.2') === 'TLSv1.2' && suites12.length > 0;
  const tls13 = (o.maxVersion ?? 'TLSv1.3') === 'TLSv1.3' && suites13.length > 0;
  if (!tls12 && !tls13) {
    throw new OptionsError('cipherSuites has no suite tlskit implements for the allowed versions');
  }
  return { tls12, tls13, suites13, suites12 };
}

function resolveSchemes12(o: CommonOptions): number[] {
  return (o.signatureSchemes ?? o.provider.supportedSignatureSchemes).filter(
    isTls12SignatureScheme,
  );
}

function resolveGroups(o: CommonOptions): number[] {
  const groups = [...(o.groups ?? o.provider.supportedGroups)];
  if (!groups.some((g) => o.provider.keyExchange(g) !== undefined)) {
    throw new OptionsError('groups has no group the provider implements');
  }
  return groups;
}

function resolveSchemes(o: CommonOptions): number[] {
  const schemes = [
    ...(o.signatureSchemes ?? o.provider.supportedSignatureSchemes.filter(isTls13SignatureScheme)),
  ];
  if (schemes.length === 0) throw new OptionsError('signatureSchemes is empty');
  return schemes;
}

function resolveChain(o: CommonOptions, skip: boolean): ChainPolicy {
  let verifier: CertificateVerifier | undefined = o.verifyCertificate;
  if (verifier === undefined && o.ca !== undefined) verifier = defaultVerifier(o.provider, o.ca);
  return { verifier, skip };
}

/** `options.session` as an object; bytes that are not a session are a caller error. */
function resolveSession(session: ClientOptions['session']): Session | undefined {
  if (!(session instanceof Uint8Array)) return session;
  try {
    return decodeSession(session);
  } catch (error) {
    throw new OptionsError(
      `options.session: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function resolveExternalPsk(options: ClientOptions): ClientConfig['externalPsk'] {
  const psk = options.externalPsk;
  if (psk === undefined) return undefined;
  return { ...psk, hash: checkExternalPsk(psk) };
}

/** 0-RTT settings of a server, checked once. */
function resolveEarlyData(
  options: ServerOptions,
): Pick<ServerConfig, 'maxEarlyData' | 'antiReplay' | 'earlyDataWindow'> {
  const maxEarlyData = options.maxEarlyData ?? 0;
  if (!Number.isInteger(maxEarlyData) || maxEarlyData < 0 || maxEarlyData > 0xffff_ffff) {
    throw new OptionsError('maxEarlyData must be an integer number of bytes, 0..2^32-1');
  }
  const earlyDataWindow = options.earlyDataWindow ?? 10_000;
  if (!(earlyDataWindow >= 0 && earlyDataWindow <= 60_000)) {
    throw new OptionsError('earlyDataWindow must be 0..60000 ms');
  }
  const antiReplay = options.antiReplay;
  if (maxEarlyData > 0 && antiReplay === undefined) {
    throw new OptionsError(
      'maxEarlyData needs an antiReplay store shared by the server (e.g. new MemoryAntiReplayStore())',
    );
  }
  return { maxEarlyData, antiReplay, earlyDataWindow };
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
  // A TLS 1.2-only ClientHello lists only groups TLS 1.2 can use (RFC 8422): no hybrid KEMs.
  const offeredGroups = v.tls13 ? groups : groups.filter((g) => groups12.includes(g));
  const config: ClientConfig = {
    options,
    suites: v.suites13,
    suites12: v.suites12,
    signatureSchemes12: resolveSchemes12(options),
    groups: offeredGroups,
    keyShareGroups,
    signatureSchemes: resolveSchemes(options),
    signatureSchemesCert: options.signatureSchemesCert,
    alpn: options.alpnProtocols ?? [],
    chain: resolveChain(options, skip),
    offerTls12: v.tls12,
    offerTls13: v.tls13,
    session: resolveSession(options.session),
    externalPsk: resolveExternalPsk(options),
    pskModes: pskModeCodes('pskKeyExchangeModes', options.pskKeyExchangeModes, ['psk_dhe_ke']),
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
    options,
    suites: v.suites13,
    suites12: v.suites12,
    signatureSchemes12: resolveSchemes12(options),
    allowTls13: v.tls13,
    groups: resolveGroups(options),
    signatureSchemes: resolveSchemes(options),
    alpn: options.alpnProtocols ?? [],
    chain,
    sealer,
    ticketCount: options.ticketCount ?? 1,
    ticketLifetime: lifetime,
    recordSizeLimit: options.recordSizeLimit ?? 16_385,
    allowTls12: v.tls12,
    pskModes: pskModeCodes('pskKeyExchangeModes', options.pskKeyExchangeModes, ['psk_dhe_ke']),
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
