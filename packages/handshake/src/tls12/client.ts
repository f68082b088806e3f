/**
 * The TLS 1.2 client states (RFC 5246 7.3, ECDHE per RFC 8422), entered from the client hub
 * (src/client.ts) when the ServerHello selects TLS 1.2: serverHello12 checks it (with the RFC
 * 8446 4.1.3 downgrade sentinel) and resumes or goes on to ExpectCertificate12 ->
 * ExpectCertificateStatus12 -> ExpectServerKeyExchange -> ExpectCertificateRequestOrDone ->
 * ExpectServerFinished12 -> Connected12.
 */
import {
  DecodeError,
  CipherSuite,
  ClientCertificateType,
  checkExtensionsAllowed,
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  encodeServerEcdhParams,
  equalBytes,
  ExtensionType,
  findExtension,
  HandshakeType,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  type ServerHello,
  type SignatureScheme,
} from '@tlskit/wire';
import type { ClientConfig } from '../core/config.js';
import type { OcspInfo, Session12 } from '../core/events.js';
import { judgeStaple } from '../certs/ocsp.js';
import { receivedSctList } from '../certs/sct.js';
import { expectMessage, type RawMessage } from '../core/codec.js';
import type { HandshakeContext, State } from '../core/context.js';
import { selectedAlpn } from '../core/alpn.js';
import {
  downgrade,
  handshakeFailure,
  illegalParameter,
  protocolVersion,
  unexpected,
} from '../core/errors.js';
import {
  type Peer12,
  receiveFinished12,
  reportEstablished12,
  reportFalseStart12,
} from './finish.js';
import {
  byCertificate,
  byPsk,
  type PeerAuthenticated,
  pskAccepted,
  verifySignature12,
} from '../core/proofs.js';
import { chooseScheme12, scheme12FitsKey } from '../core/schemes.js';
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
import { checkPeerChain, type PeerChain, reverifySession } from '../certs/verify.js';
import { chooseClientCertificate, clientCertificatesFor } from '../certs/selection.js';
import type { CertificateEntry } from '../core/options.js';

/** What the ClientHello left for the TLS 1.2 states. */
export interface ClientHello12Context {
  readonly engine: HandshakeContext;
  readonly config: ClientConfig;
  readonly random: Uint8Array;
  readonly clientHello: Uint8Array;
  readonly offered: ReadonlySet<number>;
  /** legacy_session_id we sent. */
  readonly sessionId: Uint8Array;
  /** The TLS 1.2 session offered for resumption, if any. */
  readonly session: Session12 | undefined;
}

interface Flight12 {
  readonly engine: HandshakeContext;
  readonly config: ClientConfig;
  readonly suite: Suite12;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly transcript: Transcript12;
  readonly alpn: string | undefined;
  /** The server's session ID (RFC 5246 7.4.1.3), kept for a later resumption. */
  readonly sessionId: Uint8Array;
  /** Whether the server will send a NewSessionTicket (it answered session_ticket). */
  readonly ticketExpected: boolean;
  /** RFC 7627 was negotiated (always, unless the caller allowed otherwise). */
  readonly ems: boolean;
  /** The ServerHello acknowledged status_request: a CertificateStatus may follow Certificate. */
  readonly statusExpected: boolean;
  /** The SCT list in ServerHello (RFC 6962 3.3.1), when we asked and the server sent one. */
  readonly scts: Uint8Array | undefined;
}

/** RFC 5246 7.4.1.3 ServerHello for TLS 1.2, with the RFC 8446 4.1.3 downgrade check. */
export async function serverHello12(
  hello: ClientHello12Context,
  sh: ServerHello,
  m: RawMessage,
): Promise<State> {
  const { config, engine } = hello;
  if (!config.offerTls12) throw protocolVersion('server chose TLS 1.2; only TLS 1.3 is allowed');
  if (sh.legacyVersion !== ProtocolVersion.TLSv1_2) {
    throw protocolVersion(`server chose ${nameOf(ProtocolVersion, sh.legacyVersion)}`);
  }
  // RFC 8446 4.1.3: a client that offered TLS 1.3 refuses a 1.2 answer carrying the sentinel.
  const tail = sh.random.subarray(24);
  if (
    config.offerTls13 &&
    (equalBytes(tail, DOWNGRADE_TLS12) || equalBytes(tail, DOWNGRADE_TLS11))
  ) {
    throw downgrade('ServerHello.random carries the RFC 8446 4.1.3 downgrade sentinel');
  }
  const suite = suite12(sh.cipherSuite);
  if (suite === undefined || !config.suites12.includes(sh.cipherSuite)) {
    throw illegalParameter(
      `server chose cipher suite ${nameOf(CipherSuite, sh.cipherSuite)} we did not offer`,
    );
  }
  checkExtensionsAllowed(sh.extensions, 'server_hello_tls12', hello.offered);
  checkPointFormats(sh.extensions);
  // RFC 5746 3.4: the server must confirm secure renegotiation with an empty renegotiation_info.
  const reneg = findExtension(sh.extensions, ExtensionType.renegotiationInfo);
  if (reneg === undefined || reneg.renegotiatedConnection.length !== 0) {
    throw handshakeFailure('server does not support secure renegotiation (RFC 5746)');
  }
  // RFC 7627 5.3: without extended_master_secret the session is open to the triple handshake attack.
  const ems = findExtension(sh.extensions, ExtensionType.extendedMasterSecret) !== undefined;
  if (!ems && config.options.dangerouslyAllowNoExtendedMasterSecret !== true) {
    throw handshakeFailure('server does not support extended_master_secret (RFC 7627)');
  }
  const alpn = selectedAlpn(config.alpn, sh.extensions);
  engine.negotiatedTls12();
  engine.allowChangeCipherSpec(false);
  const transcript = new Transcript12(engine.provider, suite.hash, [hello.clientHello, m.raw]);
  const f: Flight12 = {
    engine,
    config,
    suite,
    clientRandom: hello.random,
    serverRandom: sh.random,
    transcript,
    alpn,
    sessionId: sh.legacySessionIdEcho.slice(),
    ticketExpected: findExtension(sh.extensions, ExtensionType.sessionTicket) !== undefined,
    ems,
    statusExpected: findExtension(sh.extensions, ExtensionType.statusRequest) !== undefined,
    // Only requested extensions got past checkExtensionsAllowed.
    scts: receivedSctList(sh.extensions),
  };
  // RFC 5246 7.4.1.3 / RFC 5077 3.4: the server resumes by echoing the session ID we offered.
  const session = hello.session;
  const echoed = hello.sessionId.length > 0 && equalBytes(sh.legacySessionIdEcho, hello.sessionId);
  // Without a resumable session the ID we sent is compatibility mode's random one (RFC 8446
  // D.4): a server echoing it claims a session we never had.
  if (echoed && (session === undefined || !ems)) {
    throw illegalParameter('server echoed a session ID we did not offer for resumption');
  }
  if (session !== undefined && echoed) {
    if (session.cipherSuite !== suite.code) {
      throw illegalParameter('resumed session with a different cipher suite');
    }
    await reverifySession(engine.now(), config.options, config.chain, session.peerCertificates);
    const keys = await keysFromMaster(
      engine.provider,
      suite,
      session.masterSecret,
      hello.random,
      sh.random,
    );
    const server: ServerAuth12 = {
      // The server agreed to resume a session whose master secret only the two of us hold.
      peer: byPsk(pskAccepted(), session.peerCertificates, true),
      group: undefined,
      share: new Uint8Array(0),
      ocsp: undefined,
    };
    const next = new ExpectServerFinished12(f, server, keys, true);
    engine.expectChangeCipherSpec(async () => next.changeCipherSpec());
    return next;
  }
  return new ExpectCertificate12(f);
}

class ExpectCertificate12 implements State {
  readonly name = 'ExpectCertificate12';
  constructor(private readonly f: Flight12) {}

  async handle(m: RawMessage): Promise<State> {
    const cert = expectMessage(m, HandshakeType.certificate, this.name, 'tls12');
    if (cert.protocol !== 'tls12') throw unexpected('TLS 1.3 Certificate in TLS 1.2');
    if (cert.certificateList.length === 0)
      // RFC 5246 7.4.2: the server's chain has at least its own certificate; BoringSSL also
      // reports a malformed message here, where TLS 1.3 has a code of its own (4.4.2.4).
      throw new DecodeError('server sent an empty Certificate');
    const { engine, config } = this.f;
    const chain = cert.certificateList.map((c) => c.slice());
    const peer = await checkPeerChain(engine.provider, config.chain, chain, {
      serverName: config.options.serverName,
      now: engine.now(),
      peer: 'server',
    });
    if (!keyFitsAuth(peer.key, this.f.suite.auth)) {
      throw illegalParameter(
        `a ${peer.key.type} certificate cannot authenticate ${this.f.suite.name}`,
      );
    }
    // RFC 8422 5.1.1: in TLS 1.2 supported_groups also names the curves an ECDSA key may use.
    const curve = peer.key.type === 'ec' ? peer.key.curve : undefined;
    if (curve !== undefined && !config.groups.includes(curveGroups[curve] ?? -1)) {
      throw illegalParameter(`the server's ECDSA key is on ${curve}, which we did not offer`);
    }
    this.f.transcript.update(m.raw);
    if (this.f.statusExpected) return new ExpectCertificateStatus12(this.f, peer);
    return new ExpectServerKeyExchange(this.f, await stapled(this.f, peer, undefined));
  }
}

/** The peer chain with its judged OCSP staple (undefined when we did not ask for one). */
type StapledChain = PeerChain & { readonly ocsp: OcspInfo | undefined };

async function stapled(
  f: Flight12,
  peer: PeerChain,
  response: Uint8Array | undefined,
): Promise<StapledChain> {
  const options = f.config.options;
  if (options.requestOcsp !== true) return { ...peer, ocsp: undefined };
  return { ...peer, ocsp: await judgeStaple(f.engine, options, peer, response) };
}

/**
 * RFC 6066 8: after a ServerHello with status_request, CertificateStatus may follow Certificate;
 * the server may also leave it out.
 */
class ExpectCertificateStatus12 implements State {
  readonly name = 'ExpectCertificateStatus12';
  constructor(
    private readonly f: Flight12,
    private readonly peer: PeerChain,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    if (m.type !== HandshakeType.certificateStatus) {
      return new ExpectServerKeyExchange(
        this.f,
        await stapled(this.f, this.peer, undefined),
      ).handle(m);
    }
    const status = expectMessage(m, HandshakeType.certificateStatus, this.name, 'tls12');
    const peer = await stapled(this.f, this.peer, status.ocspResponse.slice());
    this.f.transcript.update(m.raw);
    return new ExpectServerKeyExchange(this.f, peer);
  }
}

class ExpectServerKeyExchange implements State {
  readonly name = 'ExpectServerKeyExchange';
  constructor(
    private readonly f: Flight12,
    private readonly peer: StapledChain,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const ske = expectMessage(m, HandshakeType.serverKeyExchange, this.name, 'tls12');
    const { engine, config } = this.f;
    // RFC 8422 5.4: a named curve we offered; a 1.3-capable hello also lists TLS 1.3-only
    // groups (FFDHE, hybrids), which an ECDHE ServerKeyExchange may not name.
    if (
      !config.groups.includes(ske.namedCurve) ||
      !groups12.includes(ske.namedCurve) ||
      engine.provider.keyExchange(ske.namedCurve) === undefined
    ) {
      throw illegalParameter(
        `ServerKeyExchange group ${nameOf(NamedGroup, ske.namedCurve)} was not offered`,
      );
    }
    if (
      !config.signatureSchemes12.includes(ske.algorithm) ||
      !scheme12FitsKey(ske.algorithm, this.peer.key)
    ) {
      throw illegalParameter(
        `ServerKeyExchange scheme 0x${ske.algorithm.toString(16)} was not offered`,
      );
    }
    const content = serverKeyExchangeContent(
      this.f.clientRandom,
      this.f.serverRandom,
      encodeServerEcdhParams(ske),
    );
    const proof = await verifySignature12(
      engine.provider,
      config.signatureSchemes12,
      this.peer.key,
      ske.algorithm,
      content,
      ske.signature,
      'ServerKeyExchange',
    );
    this.f.transcript.update(m.raw);
    const server: ServerAuth12 = {
      peer: byCertificate(this.peer.chain, this.peer.accepted, proof),
      group: ske.namedCurve,
      share: ske.publicKey.slice(),
      ocsp: this.peer.ocsp,
    };
    return new ExpectCertificateRequestOrDone(this.f, server, undefined);
  }
}

/** The server's proven identity and its ECDHE share. */
interface ServerAuth12 {
  readonly peer: PeerAuthenticated;
  readonly group: number | undefined;
  readonly share: Uint8Array;
  readonly ocsp: OcspInfo | undefined;
}

/** What a TLS 1.2 CertificateRequest asks for (RFC 5246 7.4.4). */
interface Request12 {
  readonly schemes: readonly number[];
  readonly certificateTypes: readonly number[];
  /** DER DistinguishedNames of the CAs the server accepts; empty when it named none. */
  readonly authorities: readonly Uint8Array[];
}

class ExpectCertificateRequestOrDone implements State {
  readonly name = 'ExpectCertificateRequestOrServerHelloDone';
  constructor(
    private readonly f: Flight12,
    private readonly server: ServerAuth12,
    private readonly requested: Request12 | undefined,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    if (m.type === HandshakeType.certificateRequest && this.requested === undefined) {
      const cr = expectMessage(m, HandshakeType.certificateRequest, this.name, 'tls12');
      if (cr.protocol !== 'tls12') throw unexpected('TLS 1.3 CertificateRequest in TLS 1.2');
      this.f.transcript.update(m.raw);
      return new ExpectCertificateRequestOrDone(this.f, this.server, {
        schemes: cr.signatureAlgorithms,
        certificateTypes: cr.certificateTypes,
        // Copies the callback may keep: Buffer#slice would be a view of the received bytes.
        authorities: cr.certificateAuthorities.map((dn) => new Uint8Array(dn)),
      });
    }
    expectMessage(m, HandshakeType.serverHelloDone, this.name, 'tls12');
    this.f.transcript.update(m.raw);
    return sendClientFlight(this.f, this.server, this.requested);
  }
}

/** RFC 5246 7.4.4 / RFC 8422 5.5: the ClientCertificateType of a key (ecdsa_sign covers EdDSA). */
function certificateType(key: { readonly type: string }): number {
  return key.type === 'rsa' ? ClientCertificateType.rsa_sign : ClientCertificateType.ecdsa_sign;
}

/** RFC 5246 7.4.6-7.4.9: [Certificate], ClientKeyExchange, [CertificateVerify], CCS, Finished. */
async function sendClientFlight(
  f: Flight12,
  server: ServerAuth12,
  requested: Request12 | undefined,
): Promise<State> {
  const { engine, config, transcript, suite } = f;
  const p = engine.provider;
  let chosen: { entry: CertificateEntry; scheme: number } | undefined;
  if (requested !== undefined) {
    // RFC 5246 7.4.6: without a certificate of a requested type and scheme, an empty list.
    const certificates = await clientCertificatesFor(config.options, {
      version: 'TLSv1.2',
      signatureSchemes: requested.schemes,
      signatureSchemesCert: undefined,
      certificateAuthorities: requested.authorities,
      certificateTypes: requested.certificateTypes,
      serverName: config.options.serverName,
      postHandshake: false,
    });
    chosen = chooseClientCertificate(certificates, (entry) =>
      requested.certificateTypes.includes(certificateType(entry.key))
        ? chooseScheme12(
            p,
            entry.key,
            requested.schemes,
            config.signatureSchemes12,
            config.signingSchemes,
          )
        : undefined,
    );
    const chain = chosen?.entry.chain ?? [];
    const cert = await engine.sendHandshake({
      type: HandshakeType.certificate,
      protocol: 'tls12',
      certificateList: chain,
    });
    transcript.update(cert.raw);
  }
  const kx = server.group === undefined ? undefined : p.keyExchange(server.group);
  if (kx === undefined) throw handshakeFailure('no key exchange for the server group');
  const response = await kx.respond(server.share);
  const cke = await engine.sendHandshake({
    type: HandshakeType.clientKeyExchange,
    publicKey: response.publicKey,
  });
  transcript.update(cke.raw);
  // RFC 7627 3: the session hash covers the handshake up to and including ClientKeyExchange.
  const keys = await deriveKeys12(
    p,
    suite,
    response.sharedSecret,
    f.ems ? transcript.hash.digest() : undefined,
    f.clientRandom,
    f.serverRandom,
  );
  engine.keylog('CLIENT_RANDOM', keys.masterSecret);
  if (chosen !== undefined) {
    const { entry, scheme } = chosen;
    const signature = await p.sign(scheme, entry.key, transcript.messages());
    const cv = await engine.sendHandshake({
      type: HandshakeType.certificateVerify,
      algorithm: scheme as SignatureScheme,
      signature,
    });
    transcript.update(cv.raw);
  }
  await sendFinished12(engine, transcript, suite, keys, 'client');
  const next = new ExpectServerFinished12(f, server, keys, false, requested?.schemes ?? []);
  engine.expectChangeCipherSpec(async () => next.changeCipherSpec());
  next.beginFalseStartIfAllowed();
  return next;
}

class ExpectServerFinished12 implements State {
  readonly name = 'ExpectServerFinished12';
  #ccs = false;
  #ticket: { ticket: Uint8Array; lifetime: number } | undefined;
  #ticketSeen = false;
  constructor(
    private readonly f: Flight12,
    private readonly server: ServerAuth12,
    private readonly keys: Keys12,
    /** An abbreviated handshake: our CCS and Finished follow the server's (RFC 5246 7.3). */
    private readonly resumed: boolean,
    /** The CertificateRequest's signature_algorithms; empty when the server asked for none. */
    private readonly requested: readonly number[] = [],
  ) {}

  /** What this handshake negotiated, as HandshakeInfo reports it. */
  #negotiated(): Peer12 {
    const { config } = this.f;
    return {
      groupCode: this.server.group,
      signatureSchemes: config.signatureSchemes12,
      peerSignatureSchemes: this.requested,
      alpn: this.f.alpn,
      serverName: config.options.serverName,
      resumed: this.resumed,
      ...(this.server.ocsp === undefined ? {} : { ocsp: this.server.ocsp }),
      // A resumption reports none, as for OCSP: they belong to the full handshake.
      ...(this.f.scts === undefined || this.resumed
        ? {}
        : { signedCertificateTimestamps: this.f.scts }),
    };
  }

  /**
   * RFC 7918 False Start, when the client opted in: our Finished is out, so application data may
   * go before the server's Finished. Only in a full handshake (a resumption gets the server's
   * Finished first) and, unless allowed without, with a negotiated ALPN protocol, as Chrome and
   * BoringSSL require. Every TLS 1.2 suite tlskit has is ECDHE with an AEAD, as RFC 7918 5.1
   * and 5.2 ask; the server's certificate and ServerKeyExchange signature were checked already.
   */
  beginFalseStartIfAllowed(): void {
    const o = this.f.config.options;
    if (o.falseStart !== true || this.resumed) return;
    if (this.f.alpn === undefined && o.falseStartWithoutAlpn !== true) return;
    reportFalseStart12(this.f, this.keys, this.#negotiated(), this.server.peer);
  }

  /** RFC 5246 7.1: the server's ChangeCipherSpec switches our read key. */
  async changeCipherSpec(): Promise<void> {
    // RFC 5077 3.3: a server that answered session_ticket sends NewSessionTicket first.
    if (this.f.ticketExpected && !this.#ticketSeen) {
      throw unexpected('ChangeCipherSpec before the NewSessionTicket the server announced');
    }
    this.f.engine.setReadProtection(this.keys.serverWrite);
    this.#ccs = true;
  }

  async handle(m: RawMessage): Promise<State> {
    const { engine, transcript, suite, config } = this.f;
    // RFC 5077 3.3: a NewSessionTicket comes before the server's ChangeCipherSpec, and only
    // when the ServerHello answered session_ticket.
    if (m.type === HandshakeType.newSessionTicket && !this.#ccs && !this.#ticketSeen) {
      if (!this.f.ticketExpected) throw unexpected('NewSessionTicket the server did not announce');
      const t = expectMessage(m, HandshakeType.newSessionTicket, this.name, 'tls12');
      if (t.protocol !== 'tls12') throw unexpected('TLS 1.3 NewSessionTicket in TLS 1.2');
      transcript.update(m.raw);
      this.#ticketSeen = true;
      if (t.ticket.length > 0)
        this.#ticket = { ticket: t.ticket.slice(), lifetime: t.ticketLifetimeHint };
      return this;
    }
    const finished = receiveFinished12(this.f, this.keys, 'server', m, this.name, this.#ccs);
    if (this.resumed) await sendFinished12(engine, transcript, suite, this.keys, 'client');
    reportEstablished12(this.f, this.keys, this.#negotiated(), {
      peerFinished: finished,
      peer: this.server.peer,
    });
    const previous = this.resumed ? config.session : undefined;
    const ticket =
      this.#ticket?.ticket ?? (previous?.version === 'TLSv1.2' ? previous.ticket : undefined);
    // RFC 7627 5.3: a session without the extended master secret is never resumed.
    if (this.f.ems && (ticket !== undefined || this.f.sessionId.length > 0)) {
      engine.emitSession({
        version: 'TLSv1.2',
        serverName: config.options.serverName,
        cipherSuite: suite.code,
        ticket,
        sessionId: this.f.sessionId,
        masterSecret: this.keys.masterSecret,
        receivedAt: engine.now(),
        // RFC 5077 3.3: a lifetime hint of 0 means unspecified.
        lifetime:
          this.#ticket !== undefined && this.#ticket.lifetime > 0 ? this.#ticket.lifetime : 7200,
        alpn: this.f.alpn,
        peerCertificates: this.server.peer.chain,
      });
    }
    return new Connected12(engine, HandshakeType.helloRequest);
  }
}
