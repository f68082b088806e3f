/**
 * The client hub: createClient checks the options once and builds the client engine, which
 * sends ClientHello1 (tls13/client-hello.ts, offering every version the options allow) and
 * hands the ServerHello to the version it selects: tls13/client.ts or tls12/client.ts.
 * The version modules never import this file.
 */
import type { KeyShare } from '@tlskit/crypto';
import { AlertDescription, ProtocolVersion, TlsError } from '@tlskit/wire';
import { chainPolicy } from './certs/verify.js';
import type { RawMessage } from './core/codec.js';
import {
  type ClientConfig,
  resolveCommonConfig,
  resolveGroups,
  resolveSession,
  resolveVersions,
} from './core/config.js';
import type { State } from './core/context.js';
import { type Connection, Engine } from './core/engine.js';
import { EchRejectedError, protocolVersion } from './core/errors.js';
import { publicConnection } from './core/public-connection.js';
import { readServerHello } from './core/hello.js';
import { type ClientOptions, checkCommonOptions, OptionsError } from './core/options.js';
import { groups12, isTls13Group } from './core/suites.js';
import { serverHello12 } from './tls12/client.js';
import { serverHello13 } from './tls13/client.js';
import { chooseEchConfig } from './tls13/ech-client.js';

import { ENCRYPTED_CLIENT_HELLO } from './tls13/ech.js';
import { type Hello, sendClientHello1 } from './tls13/client-hello.js';
import { checkExternalPsk } from './tls13/external-psk.js';

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
    super(o.provider, o.now ?? Date.now, ProtocolVersion.TLSv1_0, o.maxHandshakeMessageSize);
    this.#config = config;
  }

  start(): Promise<void> {
    if (this.#started) throw new OptionsError('start() was already called');
    this.#started = true;
    return this.serialize(async () => {
      const { hello, shares } = await sendClientHello1(this, this.#config);
      this.setState(new ExpectServerHello(hello, shares));
    });
  }
}

/**
 * The first ServerHello (RFC 8446 4.1.3): supported_versions selects TLS 1.3, its absence TLS
 * 1.2 (whose states check the downgrade sentinel). A HelloRetryRequest is TLS 1.3's to answer.
 */
class ExpectServerHello implements State {
  readonly name = 'ExpectServerHello';
  constructor(
    private readonly hello: Hello,
    private readonly shares: readonly KeyShare[],
  ) {}

  handle(m: RawMessage): Promise<State> {
    const { sh, selectedVersion } = readServerHello(m, this.name);
    const { hello } = this;
    if (selectedVersion !== undefined) {
      return serverHello13(
        { hello, shares: this.shares, hrrSuite: undefined },
        sh,
        selectedVersion,
        m,
      );
    }
    // RFC 9849 7: encrypted_client_hello has no TLS 1.2 ServerHello form (even after GREASE).
    if (sh.extensions.some((e) => e.type === ENCRYPTED_CLIENT_HELLO)) {
      throw new TlsError(
        'ERR_UNSUPPORTED_EXTENSION',
        AlertDescription.unsupportedExtension,
        'encrypted_client_hello in a TLS 1.2 ServerHello',
      );
    }
    if (hello.ech !== undefined) {
      // RFC 9849 6.1.6: a server that answers in TLS 1.2 did not accept ECH. tlskit ends the
      // handshake here rather than authenticating the public name over TLS 1.2 (there would
      // be no retry configurations to learn: they travel in TLS 1.3's EncryptedExtensions).
      throw new EchRejectedError('the server answered ECH with TLS 1.2', undefined);
    }
    if (hello.early !== undefined) {
      // RFC 8446 D.3: a client that offered 0-RTT fails on a TLS 1.2 ServerHello. The alert
      // goes in plaintext: a TLS 1.2 server cannot read the early traffic key.
      hello.engine.endEarlyWrite(true);
      throw protocolVersion('TLS 1.2 ServerHello after we offered 0-RTT data (RFC 8446 D.3)');
    }
    return serverHello12(
      {
        engine: hello.engine,
        config: hello.config,
        random: hello.random,
        clientHello: hello.sent[hello.sent.length - 1]!,
        offered: hello.offered,
        sessionId: hello.sessionId,
        session: hello.session12,
      },
      sh,
      m,
    );
  }
}

/**
 * Creates a client engine (TLS 1.3 and 1.2, as the options allow). Call `start()` to queue the
 * ClientHello.
 * @throws OptionsError for bad options.
 */
export function createClient(options: ClientOptions): Connection {
  return publicConnection(new ClientEngine(clientConfig(options)));
}

/**
 * Checks client options as {@link createClient} does, without creating an engine: for a caller
 * that must report option mistakes at once but can only create the engine later (the client
 * facades, which import a client key asynchronously first).
 * @throws OptionsError for bad options.
 */
export function checkClientOptions(options: ClientOptions): void {
  clientConfig(options);
}

/** The client options, checked and resolved once. */
function clientConfig(options: ClientOptions): ClientConfig {
  checkCommonOptions(options);
  const groups = resolveGroups(options);
  const usable = groups.filter((g) => options.provider.keyExchange(g) !== undefined);
  const usable13 = usable.filter(isTls13Group);
  let keyShareGroups = options.keyShareGroups ?? usable13.slice(0, 1);
  // A hybrid first choice is paired with a classic share, so servers without it avoid a retry.
  if (options.keyShareGroups === undefined && usable13[0] === 0x11ec && usable13.includes(0x001d)) {
    keyShareGroups = [0x11ec, 0x001d];
  }
  for (const g of keyShareGroups) {
    if (!groups.includes(g) || options.provider.keyExchange(g) === undefined) {
      throw new OptionsError(
        `keyShareGroups: group ${g} is not in groups or not implemented by the provider`,
      );
    }
    if (!isTls13Group(g)) {
      throw new OptionsError(`keyShareGroups: group ${g} cannot be used in TLS 1.3`);
    }
  }
  const skip = options.dangerouslySkipCertificateVerification === true;
  const callback = options.clientCertCallback;
  if (callback !== undefined && typeof callback !== 'function') {
    throw new OptionsError(
      'options.clientCertCallback must be a function (request) => certificate',
    );
  }
  if (options.session !== undefined && options.externalPsk !== undefined) {
    throw new OptionsError('offer either a session or an externalPsk, not both');
  }
  const versions = resolveVersions(options);
  // With only groups TLS 1.3 may not use (secp224r1), TLS 1.3 is not offered, as a version
  // whose suites were all left out is not (resolveVersions).
  const v = { ...versions, tls13: versions.tls13 && usable13.length > 0 };
  if (!v.tls12 && !v.tls13) {
    throw new OptionsError('groups has no group TLS 1.3 can use, and TLS 1.2 is not allowed');
  }
  const common = resolveCommonConfig(options, v, chainPolicy(options, skip));
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
    ech:
      options.echConfigList === undefined || !v.tls13
        ? undefined
        : chooseEchConfig(options.echConfigList),
  };
  // A client with an external PSK authenticates the server by the key: it needs no anchors.
  if (!skip && config.chain.verifier === undefined && config.externalPsk === undefined) {
    throw new OptionsError(
      'set options.ca or options.verifyCertificate (or dangerouslySkipCertificateVerification)',
    );
  }
  return config;
}
