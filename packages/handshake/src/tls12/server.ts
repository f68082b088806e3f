/**
 * The TLS 1.2 server states (RFC 5246 7.3, ECDHE per RFC 8422), entered from the server hub's
 * ExpectClientHello (src/server.ts) when the client does not offer TLS 1.3 (or we do not allow it).
 * negotiate12 sends ServerHello .. ServerHelloDone; then ExpectClientCertificate12 ->
 * ExpectClientKeyExchange -> ExpectClientCertificateVerify12 -> ExpectClientFinished12 ->
 * ServerConnected12.
 */
import type { KeyShare } from '@tlskit/crypto';
import {
  AlertDescription,
  type CipherSuite,
  type ClientCertificateType,
  type ClientHello,
  CipherSuite as CipherSuiteTable,
  DOWNGRADE_TLS12,
  encodeServerEcdhParams,
  type Extension,
  ExtensionType,
  findExtension,
  HandshakeType,
  type NamedGroup,
  NamedGroup as NamedGroupTable,
  ProtocolVersion,
  type ServerKeyExchange,
  type SignatureScheme,
} from '@tlskit/wire';
import { certificatesFor, certSchemes } from '../certs/selection.js';
import { alpnBytes, expectMessage, hostName, type RawMessage } from '../core/codec.js';
import type { HandshakeContext, State } from '../core/context.js';
import { selectAlpn } from '../core/alpn.js';
import {
  certificateRequired,
  handshakeFailure,
  nothingShared,
  unexpected,
} from '../core/errors.js';
import { receiveFinished12, reportEstablished12 } from './finish.js';
import { stapleFor } from '../certs/ocsp.js';
import { clientWantsScts, sctListExtension } from '../certs/sct.js';
import {
  byCertificate,
  byPsk,
  clientUnauthenticated,
  type PeerAuthenticated,
  pskAccepted,
  verifySignature12,
} from '../core/proofs.js';
import { chooseScheme12 } from '../core/schemes.js';
import type { CertificateEntry } from '../core/options.js';
import {
  decodeTicketState,
  encodeTicketState,
  type TicketState,
  ticketAge,
} from '../core/tickets.js';
import type { ServerConfig } from '../core/config.js';
import {
  Connected12,
  checkPointFormats,
  curveGroups,
  deriveKeys12,
  keysFromMaster,
  type Keys12,
  keyFitsAuth,
  serverKeyExchangeContent,
  sendFinished12,
  Transcript12,
} from './common.js';
import { groups12, type Suite12, suite12 } from '../core/suites.js';
import { checkPeerChain, type PeerChain } from '../certs/verify.js';

interface Flight12 {
  readonly engine: HandshakeContext;
  readonly config: ServerConfig;
  readonly suite: Suite12;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly transcript: Transcript12;
  /** Undefined in a resumed handshake (no key exchange). */
  readonly share: KeyShare | undefined;
  readonly group: number | undefined;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  readonly sessionId: Uint8Array;
  readonly issueTicket: boolean;
  readonly ems: boolean;
  /** The ClientHello's signature_algorithms. */
  readonly peerSignatureSchemes: readonly number[];
}

/** The ClientHello's signature_algorithms, as the client ordered them. */
function clientSignatureSchemes(ch: ClientHello): readonly number[] {
  return findExtension(ch.extensions, ExtensionType.signatureAlgorithms)?.schemes ?? [];
}

/** What the ClientHello settled before the server chose between a full and a resumed handshake. */
interface Hello12 {
  readonly ch: ClientHello;
  readonly m: RawMessage;
  readonly serverName: string | undefined;
  readonly alpn: string | undefined;
  readonly formats: boolean;
  readonly issueTicket: boolean;
  readonly ems: boolean;
}

function serverHelloExtensions(hello: Hello12, acknowledgeName: boolean): Extension[] {
  const ext: Extension[] = [
    { type: ExtensionType.renegotiationInfo, renegotiatedConnection: new Uint8Array(0) },
  ];
  if (hello.ems) ext.push({ type: ExtensionType.extendedMasterSecret });
  if (hello.formats) ext.push({ type: ExtensionType.ecPointFormats, formats: [0 as never] });
  if (hello.issueTicket) ext.push({ type: ExtensionType.sessionTicket, ticket: new Uint8Array(0) });
  if (acknowledgeName && hello.serverName !== undefined) {
    ext.push({ type: ExtensionType.serverName, serverNames: [] });
  }
  if (hello.alpn !== undefined) {
    ext.push({
      type: ExtensionType.applicationLayerProtocolNegotiation,
      protocols: alpnBytes([hello.alpn]),
    });
  }
  return ext;
}

/** A TLS 1.2 session found by ticket or session ID, usable for this ClientHello. */
async function findSession(
  engine: HandshakeContext,
  config: ServerConfig,
  ch: ClientHello,
  serverName: string | undefined,
): Promise<TicketState | undefined> {
  if (config.options.resumption === false) return undefined;
  let sealed: Uint8Array | undefined;
  const ticket = findExtension(ch.extensions, ExtensionType.sessionTicket)?.ticket;
  if (ticket !== undefined && ticket.length > 0 && config.sealer !== undefined) {
    sealed = await config.sealer.open(ticket);
  } else if (ch.legacySessionId.length > 0 && config.options.sessionCache !== undefined) {
    sealed = config.options.sessionCache.get(ch.legacySessionId, engine.now());
  }
  const state = sealed === undefined ? undefined : decodeTicketState(sealed);
  if (state === undefined) return undefined;
  const suite = suite12(state.cipherSuite);
  if (suite === undefined || !config.suites12.includes(suite.code)) return undefined;
  if (!ch.cipherSuites.includes(suite.code as CipherSuite)) return undefined;
  if (ticketAge(engine.now(), state.issuedAt, state.lifetime) === undefined) return undefined;
  if (state.serverName !== (serverName ?? '')) return undefined;
  return state;
}

/** The state a ticket or cache entry keeps for a TLS 1.2 session (psk holds the master secret). */
function sessionState(f: Flight12, masterSecret: Uint8Array): Uint8Array {
  return encodeTicketState({
    cipherSuite: f.suite.code,
    psk: masterSecret,
    issuedAt: f.engine.now(),
    lifetime: f.config.ticketLifetime,
    ageAdd: 0,
    alpn: f.alpn ?? '',
    maxEarlyData: 0,
    serverName: f.serverName ?? '',
  });
}

/** RFC 5246 7.3 abbreviated handshake: ServerHello, [NewSessionTicket], CCS, Finished. */
async function resume12(
  engine: HandshakeContext,
  config: ServerConfig,
  hello: Hello12,
  state: TicketState,
): Promise<State> {
  const p = engine.provider;
  const suite = suite12(state.cipherSuite)!;
  const serverRandom = p.randomBytes(32);
  if (config.allowTls13) serverRandom.set(DOWNGRADE_TLS12, 24);
  const transcript = new Transcript12(p, suite.hash, [hello.m.raw]);
  const sh = await engine.sendHandshake({
    type: HandshakeType.serverHello,
    legacyVersion: ProtocolVersion.TLSv1_2,
    random: serverRandom,
    // RFC 5246 7.4.1.3 / RFC 5077 3.4: echoing the client's session ID means "resumed".
    legacySessionIdEcho: hello.ch.legacySessionId,
    cipherSuite: suite.code,
    legacyCompressionMethod: 0,
    extensions: serverHelloExtensions(hello, false),
    isHelloRetryRequest: false,
  });
  transcript.update(sh.raw);
  const keys = await keysFromMaster(p, suite, state.psk, hello.ch.random, serverRandom);
  engine.keylog('CLIENT_RANDOM', keys.masterSecret);
  const f: Flight12 = {
    engine,
    config,
    suite,
    clientRandom: hello.ch.random,
    serverRandom,
    transcript,
    share: undefined,
    group: undefined,
    alpn: hello.alpn,
    serverName: hello.serverName,
    sessionId: hello.ch.legacySessionId,
    issueTicket: hello.issueTicket,
    ems: true,
    peerSignatureSchemes: clientSignatureSchemes(hello.ch),
  };
  await finishServerFlight(f, keys);
  const next = new ExpectClientFinished12(
    f,
    keys,
    // The client resumed a session whose master secret only the two of us hold.
    byPsk(pskAccepted(), [], false),
    true,
  );
  engine.expectChangeCipherSpec(async () => next.changeCipherSpec());
  return next;
}

/** [NewSessionTicket], ChangeCipherSpec, Finished: the server's last flight (full or resumed). */
async function finishServerFlight(f: Flight12, keys: Keys12): Promise<void> {
  const { engine, config, transcript, suite } = f;
  const _p = engine.provider;
  if (f.issueTicket && config.sealer !== undefined) {
    const ticket = await config.sealer.seal(sessionState(f, keys.masterSecret));
    const nst = await engine.sendHandshake({
      type: HandshakeType.newSessionTicket,
      protocol: 'tls12',
      ticketLifetimeHint: config.ticketLifetime,
      ticket,
    });
    transcript.update(nst.raw);
  }
  await sendFinished12(engine, transcript, suite, keys, 'server');
}

/** Our preferred suite the client offers that one of our certificates can authenticate. */
function chooseSuiteAndCertificate(
  engine: HandshakeContext,
  config: ServerConfig,
  ch: ClientHello,
  serverName: string | undefined,
  schemes: readonly number[],
): { suite: Suite12; entry: CertificateEntry; scheme: number } {
  const pool = certificatesFor(config.options.certificates, serverName, certSchemes(ch));
  for (const code of config.suites12) {
    if (!ch.cipherSuites.includes(code as CipherSuite)) continue;
    const suite = suite12(code);
    if (suite === undefined) continue;
    for (const entry of pool) {
      if (!keyFitsAuth(entry.key, suite.auth) || !curveOffered(entry, ch)) continue;
      const scheme = chooseScheme12(
        engine.provider,
        entry.key,
        schemes,
        config.signatureSchemes12,
        config.signingSchemes,
      );
      if (scheme !== undefined) return { suite, entry, scheme };
    }
  }
  throw nothingShared('ERR_NO_SHARED_CIPHER', 'no TLS 1.2 cipher suite and certificate in common');
}

/**
 * RFC 8422 5.3 (and 5.1): an ECDSA certificate is usable only if its curve is one the client
 * listed in supported_groups; without the extension any curve is allowed.
 */
function curveOffered(entry: CertificateEntry, ch: ClientHello): boolean {
  if (entry.key.type !== 'ec') return true;
  const offered = findExtension(ch.extensions, ExtensionType.supportedGroups)?.groups;
  if (offered === undefined) return true;
  const group = entry.key.curve === undefined ? undefined : curveGroups[entry.key.curve];
  return group !== undefined && offered.includes(group as NamedGroup);
}

/**
 * A ClientHello that chose TLS 1.2 (RFC 5246 7.4.1.2): the checks and choices of
 * readClientHello12, then a resumption (resume12) or a full handshake (sendServerFlight12).
 */
export async function negotiate12(
  engine: HandshakeContext,
  config: ServerConfig,
  ch: ClientHello,
  m: RawMessage,
): Promise<State> {
  engine.negotiatedTls12();
  const hello = readClientHello12(config, ch, m);
  // RFC 7627 5.3: a client without extended_master_secret gets a full handshake.
  const resumed = hello.ems ? await findSession(engine, config, ch, hello.serverName) : undefined;
  if (resumed !== undefined) return resume12(engine, config, hello, resumed);
  const f = await sendServerFlight12(engine, config, hello, chooseFull12(engine, config, hello));
  const policy = config.options.clientAuth ?? 'none';
  if (policy !== 'none') return new ExpectClientCertificate12(f, policy === 'require');
  return new ExpectClientKeyExchange(f, undefined);
}

/** The ClientHello's extensions: secure renegotiation, EMS, point formats, SNI, ALPN, tickets. */
function readClientHello12(config: ServerConfig, ch: ClientHello, m: RawMessage): Hello12 {
  // RFC 5746 3.6: an initial ClientHello signals secure renegotiation by an empty
  // renegotiation_info or the SCSV; tlskit requires one of them.
  const reneg = findExtension(ch.extensions, ExtensionType.renegotiationInfo);
  const scsv = ch.cipherSuites.includes(CipherSuiteTable.TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  if (reneg !== undefined && reneg.renegotiatedConnection.length !== 0) {
    throw handshakeFailure('renegotiation_info in an initial ClientHello must be empty');
  }
  if (reneg === undefined && !scsv) {
    throw handshakeFailure('client does not support secure renegotiation (RFC 5746)');
  }
  // RFC 7627 5.2: refuse a full handshake without extended_master_secret.
  const ems = findExtension(ch.extensions, ExtensionType.extendedMasterSecret) !== undefined;
  if (!ems && config.options.dangerouslyAllowNoExtendedMasterSecret !== true) {
    throw handshakeFailure('client does not support extended_master_secret (RFC 7627)');
  }
  checkPointFormats(ch.extensions);
  const formats = findExtension(ch.extensions, ExtensionType.ecPointFormats);
  const sni = findExtension(ch.extensions, ExtensionType.serverName);
  const serverName = sni === undefined ? undefined : hostName(sni);
  const alpn = selectAlpn(config.alpn, ch.extensions);
  const ticketExt = findExtension(ch.extensions, ExtensionType.sessionTicket);
  // RFC 5077 3.2: answer session_ticket (and issue a ticket) only with a way to seal one.
  const issueTicket =
    ticketExt !== undefined && config.sealer !== undefined && config.options.resumption !== false;
  return {
    ch,
    m,
    serverName,
    alpn,
    formats: formats !== undefined,
    // RFC 7627 5.3: no tickets, no cache entries for a session without the extended master secret.
    issueTicket: issueTicket && ems,
    ems,
  };
}

/** What a full handshake authenticates and exchanges keys with. */
interface Full12 {
  readonly suite: Suite12;
  readonly entry: CertificateEntry;
  readonly scheme: number;
  readonly group: number;
}

/** Suite, certificate, signature scheme and ECDHE group for a full handshake. */
function chooseFull12(engine: HandshakeContext, config: ServerConfig, hello: Hello12): Full12 {
  const { ch } = hello;
  const sa = findExtension(ch.extensions, ExtensionType.signatureAlgorithms);
  // RFC 5246 7.4.1.4.1 would default to SHA-1; tlskit does not sign with SHA-1.
  if (sa === undefined) throw handshakeFailure('ClientHello has no signature_algorithms');
  const chosen = chooseSuiteAndCertificate(engine, config, ch, hello.serverName, sa.schemes);
  const clientGroups: readonly number[] = findExtension(
    ch.extensions,
    ExtensionType.supportedGroups,
  )?.groups ?? [NamedGroupTable.secp256r1];
  const group = config.groups.find(
    (g) =>
      groups12.includes(g) &&
      clientGroups.includes(g) &&
      engine.provider.keyExchange(g) !== undefined,
  );
  if (group === undefined) throw nothingShared('ERR_NO_SHARED_GROUP', 'no ECDHE group in common');
  return { ...chosen, group };
}

/**
 * The full handshake's flight (RFC 5246 7.3): ServerHello, Certificate, CertificateStatus,
 * ServerKeyExchange, CertificateRequest, ServerHelloDone.
 */
async function sendServerFlight12(
  engine: HandshakeContext,
  config: ServerConfig,
  hello: Hello12,
  { suite, entry, scheme, group }: Full12,
): Promise<Flight12> {
  const p = engine.provider;
  const { ch, ems, serverName } = hello;
  const serverRandom = p.randomBytes(32);
  // RFC 8446 4.1.3: a server able to do TLS 1.3 marks a 1.2 answer so the client can spot a downgrade.
  if (config.allowTls13) serverRandom.set(DOWNGRADE_TLS12, 24);
  const ext = serverHelloExtensions(hello, true);
  // RFC 6066 8: an empty status_request in ServerHello announces the CertificateStatus.
  const staple = await stapleFor(config.options, ch, entry, serverName);
  if (staple !== undefined) ext.push({ type: ExtensionType.statusRequest });
  // RFC 6962 3.3.1: the SCT list goes in ServerHello (a full handshake only).
  const scts = entry.signedCertificateTimestamps;
  if (scts !== undefined && clientWantsScts(ch.extensions)) ext.push(sctListExtension(scts));
  // A session ID only when a cache will remember it (RFC 5246 7.4.1.3).
  const cache = config.options.sessionCache;
  const sessionId = cache === undefined || !ems ? new Uint8Array(0) : p.randomBytes(32);
  const transcript = new Transcript12(p, suite.hash, [hello.m.raw]);
  const send = async (message: Parameters<HandshakeContext['sendHandshake']>[0]): Promise<void> => {
    transcript.update((await engine.sendHandshake(message)).raw);
  };
  await send({
    type: HandshakeType.serverHello,
    legacyVersion: ProtocolVersion.TLSv1_2,
    random: serverRandom,
    legacySessionIdEcho: sessionId,
    cipherSuite: suite.code,
    legacyCompressionMethod: 0,
    extensions: ext,
    isHelloRetryRequest: false,
  });
  await send({ type: HandshakeType.certificate, protocol: 'tls12', certificateList: entry.chain });
  if (staple !== undefined) {
    await send({ type: HandshakeType.certificateStatus, ocspResponse: staple });
  }
  const share = await p.keyExchange(group)!.generate();
  const unsigned: ServerKeyExchange = {
    type: HandshakeType.serverKeyExchange,
    namedCurve: group as NamedGroup,
    publicKey: share.publicKey,
    algorithm: scheme as SignatureScheme,
    signature: new Uint8Array(0),
  };
  const content = serverKeyExchangeContent(
    ch.random,
    serverRandom,
    encodeServerEcdhParams(unsigned),
  );
  await send({ ...unsigned, signature: await p.sign(scheme, entry.key, content) });
  if ((config.options.clientAuth ?? 'none') !== 'none') {
    await send({
      type: HandshakeType.certificateRequest,
      protocol: 'tls12',
      certificateTypes: [64, 1] as ClientCertificateType[],
      signatureAlgorithms: config.signatureSchemes12 as SignatureScheme[],
      certificateAuthorities: [...(config.options.clientCertificateAuthorities ?? [])],
    });
  }
  await send({ type: HandshakeType.serverHelloDone });
  return {
    engine,
    config,
    suite,
    clientRandom: ch.random,
    serverRandom,
    transcript,
    share,
    group,
    alpn: hello.alpn,
    serverName,
    sessionId,
    issueTicket: hello.issueTicket,
    ems,
    peerSignatureSchemes: clientSignatureSchemes(ch),
  };
}

class ExpectClientCertificate12 implements State {
  readonly name = 'ExpectClientCertificate12';
  constructor(
    private readonly f: Flight12,
    private readonly required: boolean,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const cert = expectMessage(m, HandshakeType.certificate, this.name, 'tls12');
    if (cert.protocol !== 'tls12') throw unexpected('TLS 1.3 Certificate in TLS 1.2');
    const { engine, config, transcript } = this.f;
    transcript.update(m.raw);
    if (cert.certificateList.length === 0) {
      // RFC 5246 7.4.6: the server may go on without one, or abort.
      // RFC 5246 7.4.6: TLS 1.2 has no certificate_required alert (RFC 8446 added it); a server
      // that insists on a client certificate answers handshake_failure.
      if (this.required) {
        // RFC 5246 7.4.6: TLS 1.2 has no certificate_required alert.
        throw certificateRequired(
          'the server requires a client certificate',
          AlertDescription.handshakeFailure,
        );
      }
      return new ExpectClientKeyExchange(this.f, undefined);
    }
    const chain = cert.certificateList.map((c) => c.slice());
    const peer = await checkPeerChain(engine.provider, config.chain, chain, {
      serverName: this.f.serverName,
      now: engine.now(),
      peer: 'client',
    });
    return new ExpectClientKeyExchange(this.f, peer);
  }
}

class ExpectClientKeyExchange implements State {
  readonly name = 'ExpectClientKeyExchange';
  constructor(
    private readonly f: Flight12,
    private readonly client: PeerChain | undefined,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const cke = expectMessage(m, HandshakeType.clientKeyExchange, this.name, 'tls12');
    const { engine, transcript, suite } = this.f;
    const share = this.f.share;
    if (share === undefined) throw unexpected('ClientKeyExchange in a resumed handshake');
    const shared = await share.complete(cke.publicKey);
    transcript.update(m.raw);
    // RFC 7627 3: the session hash ends with ClientKeyExchange.
    const keys = await deriveKeys12(
      engine.provider,
      suite,
      shared,
      this.f.ems ? transcript.hash.digest() : undefined,
      this.f.clientRandom,
      this.f.serverRandom,
    );
    engine.keylog('CLIENT_RANDOM', keys.masterSecret);
    if (this.client !== undefined)
      return new ExpectClientCertificateVerify12(this.f, this.client, keys);
    return expectClientFinished(this.f, keys, clientUnauthenticated());
  }
}

class ExpectClientCertificateVerify12 implements State {
  readonly name = 'ExpectClientCertificateVerify12';
  constructor(
    private readonly f: Flight12,
    private readonly client: PeerChain,
    private readonly keys: Keys12,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const cv = expectMessage(m, HandshakeType.certificateVerify, this.name, 'tls12');
    const { engine, config, transcript } = this.f;
    // RFC 5246 7.4.8: the signature covers every handshake message before this one.
    const proof = await verifySignature12(
      engine.provider,
      config.signatureSchemes12,
      this.client.key,
      cv.algorithm,
      transcript.messages(),
      cv.signature,
      'client CertificateVerify',
    );
    transcript.update(m.raw);
    return expectClientFinished(
      this.f,
      this.keys,
      byCertificate(this.client.chain, this.client.accepted, proof),
    );
  }
}

function expectClientFinished(f: Flight12, keys: Keys12, auth: PeerAuthenticated): State {
  const next = new ExpectClientFinished12(f, keys, auth);
  f.engine.expectChangeCipherSpec(async () => next.changeCipherSpec());
  return next;
}

class ExpectClientFinished12 implements State {
  readonly name = 'ExpectClientFinished12';
  #ccs = false;
  constructor(
    private readonly f: Flight12,
    private readonly keys: Keys12,
    private readonly auth: PeerAuthenticated,
    /** Abbreviated handshake: our Finished already went out before the client's. */
    private readonly resumed = false,
  ) {}

  async changeCipherSpec(): Promise<void> {
    this.f.engine.setReadProtection(this.keys.clientWrite);
    this.#ccs = true;
  }

  async handle(m: RawMessage): Promise<State> {
    const { engine } = this.f;
    const finished = receiveFinished12(this.f, this.keys, 'client', m, this.name, this.#ccs);
    if (!this.resumed) await finishServerFlight(this.f, this.keys);
    reportEstablished12(
      this.f,
      this.keys,
      {
        groupCode: this.f.group,
        signatureSchemes: this.f.config.signatureSchemes12,
        peerSignatureSchemes: this.f.peerSignatureSchemes,
        alpn: this.f.alpn,
        serverName: this.f.serverName,
        resumed: this.resumed,
      },
      { peerFinished: finished, peer: this.auth },
    );
    const cache = this.f.config.options.sessionCache;
    if (!this.resumed && cache !== undefined && this.f.sessionId.length > 0) {
      cache.set(this.f.sessionId, sessionState(this.f, this.keys.masterSecret), engine.now());
    }
    return new Connected12(engine, HandshakeType.clientHello);
  }
}
