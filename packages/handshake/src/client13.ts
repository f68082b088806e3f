/**
 * The TLS 1.3 client as typestate (RFC 8446 section 2, figure 1): each state is a class with one
 * job, holding exactly what it needs, and returns the next state.
 */
import type { KeyShare, PublicKey } from '@tlskit/crypto';
import {
  CipherSuite,
  DecodeError,
  equalBytes,
  ExtensionType,
  HandshakeType,
  HELLO_RETRY_REQUEST_RANDOM,
  IllegalParameterError,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  PskKeyExchangeMode,
} from '@tlskit/wire';
import {
  decodeAlpn,
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeCookie,
  decodeEncryptedExtensions,
  decodeKeyUpdate,
  decodeNewSessionTicket,
  decodeRecordSizeLimit,
  decodeServerHello,
  decodeServerKeyShare,
  decodeU16,
  decodeU16List,
  encodeAlpn,
  encodeCertificate,
  encodeCertificateVerify,
  encodeClientHello,
  encodeClientKeyShares,
  encodeClientVersions,
  encodeCookie,
  encodeOfferedPsks,
  encodeServerName,
  encodeU16,
  encodeU16List,
  type Extension,
  findExtension,
  type HandshakeMessage,
  type ServerHello,
} from './codec.js';
import type { Engine, State } from './engine.js';
import {
  decodeErrorMissing,
  downgrade,
  handshakeFailure,
  illegalParameter,
  missingExtension,
  protocolVersion,
  unexpected,
  unsupportedExtension,
} from './errors.js';
import type { Session } from './events.js';
import type { CertificateEntry, ClientOptions } from './options.js';
import {
  type ChainAccepted,
  certificateVerifyContent,
  type FinishedVerified,
  isTls13SignatureScheme,
  type SignatureVerified,
  schemeFitsKey,
  verifyCertificateVerify,
  verifyFinished,
} from './proofs.js';
import { deriveSecret, earlySecret, expandLabel, finishedMac, nextStage } from './secrets.js';
import { type Suite13, suite13 } from './suites.js';
import { Transcript } from './transcript.js';
import { acceptChain, type ChainPolicy, leafPublicKey } from './verify.js';

/** Client settings resolved once from the options. */
export interface ClientConfig {
  readonly options: ClientOptions;
  readonly suites: readonly number[];
  readonly groups: readonly number[];
  readonly keyShareGroups: readonly number[];
  readonly signatureSchemes: readonly number[];
  readonly signatureSchemesCert: readonly number[] | undefined;
  readonly alpn: readonly string[];
  readonly chain: ChainPolicy;
  readonly offerTls12: boolean;
}

/** Everything the states share for one handshake. */
interface Hello {
  readonly engine: Engine;
  readonly config: ClientConfig;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly transcript: Transcript;
  /** Extension types we sent, to refuse unsolicited ones in responses (RFC 8446 4.2). */
  readonly offered: Set<number>;
  /** The PSK offered, if any. */
  readonly psk: OfferedPsk | undefined;
  readonly helloRetry: boolean;
}

interface OfferedPsk {
  readonly session: Session;
  readonly suite: Suite13;
  readonly earlySecret: Uint8Array;
}

const maxTicketLifetime = 604_800;

/** Builds and sends ClientHello1, returning the first state. */
export async function startClient(engine: Engine, config: ClientConfig): Promise<State> {
  const p = engine.provider;
  const random = p.randomBytes(32);
  engine.setClientRandom(random);
  const middlebox = config.options.middleboxCompatibility ?? true;
  const sessionId = middlebox ? p.randomBytes(32) : new Uint8Array(0);
  const shares = await generateShares(engine, config.keyShareGroups);
  const transcript = new Transcript(p);
  const psk = offerablePsk(engine, config);
  const hello: Hello = {
    engine,
    config,
    random,
    sessionId,
    transcript,
    offered: new Set(),
    psk,
    helloRetry: false,
  };
  await sendClientHello(hello, shares, undefined);
  engine.allowChangeCipherSpec(true);
  return new ExpectServerHello(hello, shares);
}

async function generateShares(engine: Engine, groups: readonly number[]): Promise<KeyShare[]> {
  const shares: KeyShare[] = [];
  for (const group of groups) {
    const kx = engine.provider.keyExchange(group);
    if (kx === undefined) throw handshakeFailure(`no key exchange for group ${group}`);
    shares.push(await kx.generate());
  }
  return shares;
}

function offerablePsk(engine: Engine, config: ClientConfig): OfferedPsk | undefined {
  const session = config.options.session;
  if (session === undefined) return undefined;
  const suite = suite13(session.cipherSuite);
  if (suite === undefined || !config.suites.includes(suite.code)) return undefined;
  // RFC 8446 4.6.1: never use a ticket past its lifetime.
  const age = engine.now() - session.receivedAt;
  if (age < 0 || age > session.lifetime * 1000) return undefined;
  if (session.serverName !== config.options.serverName) return undefined;
  return { session, suite, earlySecret: earlySecret(engine.provider, suite.hash, session.psk) };
}

async function sendClientHello(
  hello: Hello,
  shares: readonly KeyShare[],
  cookie: Uint8Array | undefined,
): Promise<void> {
  const { config, engine } = hello;
  const o = config.options;
  const ext: Extension[] = [];
  const add = (type: number, data: Uint8Array): void => {
    ext.push({ type, data });
    hello.offered.add(type);
  };
  if (o.serverName !== undefined && !isIpLiteral(o.serverName)) {
    add(ExtensionType.serverName, encodeServerName(o.serverName));
  }
  if (config.offerTls12 || o.sendLegacyExtensions === true) {
    add(ExtensionType.renegotiationInfo, Uint8Array.of(0));
  }
  add(ExtensionType.supportedGroups, encodeU16List(config.groups));
  if (o.sendLegacyExtensions === true) add(ExtensionType.sessionTicket, new Uint8Array(0));
  add(
    ExtensionType.keyShare,
    encodeClientKeyShares(shares.map((s) => ({ group: s.group, keyExchange: s.publicKey }))),
  );
  const versions = config.offerTls12
    ? [ProtocolVersion.TLSv1_3, ProtocolVersion.TLSv1_2]
    : [ProtocolVersion.TLSv1_3];
  add(ExtensionType.supportedVersions, encodeClientVersions(versions));
  add(ExtensionType.signatureAlgorithms, encodeU16List(config.signatureSchemes));
  if (config.signatureSchemesCert !== undefined) {
    add(ExtensionType.signatureAlgorithmsCert, encodeU16List(config.signatureSchemesCert));
  }
  add(ExtensionType.pskKeyExchangeModes, Uint8Array.of(1, PskKeyExchangeMode.psk_dhe_ke));
  if (o.recordSizeLimit !== undefined)
    add(ExtensionType.recordSizeLimit, encodeU16(o.recordSizeLimit));
  if (config.alpn.length > 0) {
    add(ExtensionType.applicationLayerProtocolNegotiation, encodeAlpn(config.alpn));
  }
  if (cookie !== undefined) add(ExtensionType.cookie, encodeCookie(cookie));
  const psk = hello.psk;
  const chFor = (pskData: Uint8Array | undefined) =>
    encodeClientHello({
      legacyVersion: ProtocolVersion.TLSv1_2,
      random: hello.random,
      legacySessionId: hello.sessionId,
      cipherSuites: config.suites,
      legacyCompressionMethods: Uint8Array.of(0),
      extensions:
        pskData === undefined ? ext : [...ext, { type: ExtensionType.preSharedKey, data: pskData }],
    });
  if (psk === undefined) {
    const message = await engine.sendHandshake(HandshakeType.clientHello, chFor(undefined));
    hello.transcript.update(message.raw);
    return;
  }
  // RFC 8446 4.2.11: pre_shared_key is last; the binder covers the ClientHello up to the binders.
  hello.offered.add(ExtensionType.preSharedKey);
  const p = engine.provider;
  const s = psk.session;
  const obfuscatedAge = (Math.max(0, engine.now() - s.receivedAt) + s.ageAdd) >>> 0;
  const identities = [{ identity: s.ticket, obfuscatedAge }];
  const placeholder = encodeOfferedPsks(identities, [new Uint8Array(psk.suite.hashLength)]);
  const body = chFor(placeholder);
  const bindersLength = 2 + 1 + psk.suite.hashLength;
  const header = Uint8Array.of(
    HandshakeType.clientHello,
    body.length >> 16,
    (body.length >> 8) & 0xff,
    body.length & 0xff,
  );
  const truncated = new Uint8Array(4 + body.length - bindersLength);
  truncated.set(header);
  truncated.set(body.subarray(0, body.length - bindersLength), 4);
  const bindersHash = hello.helloRetry
    ? hello.transcript.digestWith(truncated)
    : p.hash(psk.suite.hash, truncated);
  const binderKey = deriveSecret(
    p,
    psk.suite.hash,
    psk.earlySecret,
    'res binder',
    p.hash(psk.suite.hash, new Uint8Array(0)),
  );
  const binder = finishedMac(p, psk.suite.hash, binderKey, bindersHash);
  const message = await engine.sendHandshake(
    HandshakeType.clientHello,
    chFor(encodeOfferedPsks(identities, [binder])),
  );
  hello.transcript.update(message.raw);
}

function isIpLiteral(name: string): boolean {
  // RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
  return /^[0-9.]+$/.test(name) || name.includes(':');
}

/** Checks each extension of a server message was offered and is allowed in that message. */
function checkResponseExtensions(
  offered: ReadonlySet<number>,
  list: readonly Extension[],
  allowed: readonly number[],
  message: string,
): void {
  for (const e of list) {
    if (!offered.has(e.type)) {
      throw unsupportedExtension(
        `${message}: extension ${nameOf(ExtensionType, e.type)} was not offered`,
      );
    }
    if (!allowed.includes(e.type)) {
      throw illegalParameter(
        `${message}: extension ${nameOf(ExtensionType, e.type)} is not allowed here`,
      );
    }
  }
}

class ExpectServerHello implements State {
  readonly name = 'ExpectServerHello';
  constructor(
    private readonly hello: Hello,
    private readonly shares: readonly KeyShare[],
    private readonly hrrSuite?: Suite13,
  ) {}

  async handle(m: HandshakeMessage): Promise<State> {
    if (m.type !== HandshakeType.serverHello)
      throw unexpected(`expected ServerHello, got ${m.type}`);
    const sh = decodeServerHello(m.body);
    const { hello } = this;
    const config = hello.config;
    const sv = findExtension(sh.extensions, ExtensionType.supportedVersions);
    if (sv === undefined) {
      // The server chose TLS 1.2 or older. RFC 8446 4.1.3: a 1.3 client checks the sentinel.
      const tail = sh.random.subarray(24);
      if (tail[0] === 0x44 && tail[1] === 0x4f && tail[7]! <= 1) {
        throw downgrade('ServerHello.random carries the RFC 8446 4.1.3 downgrade sentinel');
      }
      throw protocolVersion(
        `server chose ${nameOf(ProtocolVersion, sh.legacyVersion)}; TLS 1.3 is required`,
      );
    }
    const version = decodeU16(sv, 'selected_version');
    if (version !== ProtocolVersion.TLSv1_3 || sh.legacyVersion !== ProtocolVersion.TLSv1_2) {
      throw illegalParameter(
        `server selected version ${nameOf(ProtocolVersion, version)} we did not offer`,
      );
    }
    if (!equalBytes(sh.legacySessionIdEcho, hello.sessionId)) {
      throw illegalParameter('legacy_session_id_echo does not match the ClientHello');
    }
    if (sh.legacyCompressionMethod !== 0)
      throw illegalParameter('legacy_compression_method is not 0');
    const suite = suite13(sh.cipherSuite);
    if (suite === undefined || !config.suites.includes(sh.cipherSuite)) {
      throw illegalParameter(
        `server chose cipher suite ${nameOf(CipherSuite, sh.cipherSuite)} we did not offer`,
      );
    }
    if (this.hrrSuite !== undefined && this.hrrSuite.code !== suite.code) {
      throw illegalParameter('ServerHello cipher suite differs from the HelloRetryRequest');
    }
    if (equalBytes(sh.random, HELLO_RETRY_REQUEST_RANDOM)) return this.#retry(m, sh, suite);
    checkResponseExtensions(
      hello.offered,
      sh.extensions,
      [ExtensionType.keyShare, ExtensionType.preSharedKey, ExtensionType.supportedVersions],
      'ServerHello',
    );
    const p = hello.engine.provider;
    // PSK acceptance (RFC 8446 4.2.11): selected_identity indexes our single offer.
    let psk: OfferedPsk | undefined;
    const pskData = findExtension(sh.extensions, ExtensionType.preSharedKey);
    if (pskData !== undefined) {
      const index = decodeU16(pskData, 'selected_identity');
      if (hello.psk === undefined || index !== 0)
        throw illegalParameter(`selected_identity ${index} was not offered`);
      if (hello.psk.suite.hash !== suite.hash)
        throw illegalParameter('PSK hash does not match the chosen suite');
      psk = hello.psk;
    }
    const ksData = findExtension(sh.extensions, ExtensionType.keyShare);
    // We offer only psk_dhe_ke, so a key share is always required.
    if (ksData === undefined) throw missingExtension('ServerHello has no key_share');
    const serverShare = decodeServerKeyShare(ksData);
    const ours = this.shares.find((s) => s.group === serverShare.group);
    if (ours === undefined)
      throw illegalParameter(`server key share for group ${serverShare.group} we did not send`);
    const shared = await ours.complete(serverShare.keyExchange);
    hello.transcript.start(suite.hash);
    hello.transcript.update(m.raw);
    const early = psk?.earlySecret ?? earlySecret(p, suite.hash, undefined);
    const handshakeSecret = nextStage(p, suite.hash, early, shared);
    const th = hello.transcript.digest();
    const clientHs = deriveSecret(p, suite.hash, handshakeSecret, 'c hs traffic', th);
    const serverHs = deriveSecret(p, suite.hash, handshakeSecret, 's hs traffic', th);
    hello.engine.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientHs);
    hello.engine.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', serverHs);
    await hello.engine.setReadKey(suite, serverHs);
    const keys: HandshakeKeys = {
      suite,
      handshakeSecret,
      clientHs,
      serverHs,
      group: serverShare.group,
      resumed: psk !== undefined,
    };
    return new ExpectEncryptedExtensions(hello, keys);
  }

  /** RFC 8446 4.1.4: answer a HelloRetryRequest with ClientHello2. */
  async #retry(m: HandshakeMessage, hrr: ServerHello, suite: Suite13): Promise<State> {
    const { hello } = this;
    if (hello.helloRetry) throw unexpected('second HelloRetryRequest');
    // RFC 8446 4.2.2: the server may send a cookie the client never offered.
    checkResponseExtensions(
      new Set([...hello.offered, ExtensionType.cookie]),
      hrr.extensions,
      [ExtensionType.keyShare, ExtensionType.cookie, ExtensionType.supportedVersions],
      'HelloRetryRequest',
    );
    const ks = findExtension(hrr.extensions, ExtensionType.keyShare);
    const cookieData = findExtension(hrr.extensions, ExtensionType.cookie);
    const cookie = cookieData === undefined ? undefined : decodeCookie(cookieData);
    let shares = [...this.shares];
    if (ks !== undefined) {
      const group = decodeU16(ks, 'selected_group');
      // RFC 8446 4.2.8: the group must be supported and not one we already sent a share for.
      if (!hello.config.groups.includes(group) || shares.some((s) => s.group === group)) {
        throw illegalParameter(
          `HelloRetryRequest selected_group ${nameOf(NamedGroup, group)} is not acceptable`,
        );
      }
      shares = await generateShares(hello.engine, [group]);
    } else if (cookie === undefined) {
      throw illegalParameter('HelloRetryRequest would not change the ClientHello');
    }
    hello.transcript.start(suite.hash);
    hello.transcript.replaceWithMessageHash();
    hello.transcript.update(m.raw);
    // RFC 8446 D.4: in compatibility mode the client sends change_cipher_spec before ClientHello2.
    const middlebox = hello.config.options.middleboxCompatibility ?? true;
    if (middlebox) await hello.engine.sendChangeCipherSpec();
    const psk =
      hello.psk !== undefined && hello.psk.suite.hash === suite.hash ? hello.psk : undefined;
    const retried: Hello = { ...hello, offered: new Set(), psk, helloRetry: true };
    await sendClientHello(retried, shares, cookie);
    return new ExpectServerHello(retried, shares, suite);
  }
}

interface HandshakeKeys {
  readonly suite: Suite13;
  readonly handshakeSecret: Uint8Array;
  readonly clientHs: Uint8Array;
  readonly serverHs: Uint8Array;
  readonly group: number;
  readonly resumed: boolean;
}

/** What EncryptedExtensions told us. */
interface Negotiated {
  readonly alpn: string | undefined;
}

class ExpectEncryptedExtensions implements State {
  readonly name = 'ExpectEncryptedExtensions';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
  ) {}

  async handle(m: HandshakeMessage): Promise<State> {
    if (m.type !== HandshakeType.encryptedExtensions) {
      throw unexpected(`expected EncryptedExtensions, got ${m.type}`);
    }
    const list = decodeEncryptedExtensions(m.body);
    const { hello } = this;
    checkResponseExtensions(
      hello.offered,
      list,
      [
        ExtensionType.serverName,
        ExtensionType.supportedGroups,
        ExtensionType.applicationLayerProtocolNegotiation,
        ExtensionType.recordSizeLimit,
        ExtensionType.earlyData,
        ExtensionType.maxFragmentLength,
      ],
      'EncryptedExtensions',
    );
    const sni = findExtension(list, ExtensionType.serverName);
    if (sni !== undefined && sni.length !== 0)
      throw new DecodeError('server_name acknowledgement must be empty');
    const groups = findExtension(list, ExtensionType.supportedGroups);
    if (groups !== undefined) decodeU16List(groups, 'supported_groups');
    let alpn: string | undefined;
    const alpnData = findExtension(list, ExtensionType.applicationLayerProtocolNegotiation);
    if (alpnData !== undefined) {
      const names = decodeAlpn(alpnData);
      // RFC 7301 3.1: exactly one protocol, one the client offered.
      if (names.length !== 1 || !hello.config.alpn.includes(names[0]!)) {
        throw illegalParameter('server selected an ALPN protocol we did not offer');
      }
      alpn = names[0];
    }
    const limit = findExtension(list, ExtensionType.recordSizeLimit);
    if (limit !== undefined) hello.engine.setPeerRecordSizeLimit(decodeRecordSizeLimit(limit));
    hello.transcript.update(m.raw);
    const negotiated: Negotiated = { alpn };
    if (this.keys.resumed) {
      const s = hello.psk!.session;
      return new ExpectFinished(hello, this.keys, negotiated, undefined, {
        chain: s.peerCertificates,
        verified: true,
        scheme: undefined,
      });
    }
    return new ExpectCertificateOrRequest(hello, this.keys, negotiated);
  }
}

/** A CertificateRequest the server sent. */
interface ClientAuthRequest {
  readonly context: Uint8Array;
  readonly schemes: readonly number[];
}

class ExpectCertificateOrRequest implements State {
  readonly name = 'ExpectCertificateOrCertificateRequest';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
    private readonly negotiated: Negotiated,
  ) {}

  async handle(m: HandshakeMessage): Promise<State> {
    if (m.type === HandshakeType.certificateRequest) {
      const cr = decodeCertificateRequest(m.body);
      // RFC 8446 4.3.2: the context is empty unless this is post-handshake authentication.
      if (cr.context.length !== 0)
        throw illegalParameter('certificate_request_context must be empty');
      const sa = findExtension(cr.extensions, ExtensionType.signatureAlgorithms);
      if (sa === undefined)
        throw missingExtension('CertificateRequest has no signature_algorithms');
      this.hello.transcript.update(m.raw);
      const request: ClientAuthRequest = {
        context: cr.context,
        schemes: decodeU16List(sa, 'signature_algorithms'),
      };
      return new ExpectCertificate(this.hello, this.keys, this.negotiated, request);
    }
    return new ExpectCertificate(this.hello, this.keys, this.negotiated, undefined).handle(m);
  }
}

class ExpectCertificate implements State {
  readonly name = 'ExpectCertificate';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
    private readonly negotiated: Negotiated,
    private readonly request: ClientAuthRequest | undefined,
  ) {}

  async handle(m: HandshakeMessage): Promise<State> {
    if (m.type !== HandshakeType.certificate)
      throw unexpected(`expected Certificate, got ${m.type}`);
    const cert = decodeCertificate(m.body);
    if (cert.context.length !== 0)
      throw illegalParameter('server Certificate has a request context');
    // RFC 8446 4.4.2.4: an empty server Certificate is decode_error.
    if (cert.entries.length === 0) throw decodeErrorMissing('server sent an empty Certificate');
    const chain = cert.entries.map((e) => e.data.slice());
    const { engine, config } = this.hello;
    const accepted = await acceptChain(config.chain, chain, {
      serverName: config.options.serverName,
      now: engine.now(),
      peer: 'server',
    });
    const key = await leafPublicKey(engine.provider, chain[0]!);
    this.hello.transcript.update(m.raw);
    return new ExpectCertificateVerify(
      this.hello,
      this.keys,
      this.negotiated,
      this.request,
      chain,
      accepted,
      key,
    );
  }
}

class ExpectCertificateVerify implements State {
  readonly name = 'ExpectCertificateVerify';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
    private readonly negotiated: Negotiated,
    private readonly request: ClientAuthRequest | undefined,
    private readonly chain: readonly Uint8Array[],
    private readonly accepted: ChainAccepted,
    private readonly key: PublicKey,
  ) {}

  async handle(m: HandshakeMessage): Promise<State> {
    if (m.type !== HandshakeType.certificateVerify)
      throw unexpected(`expected CertificateVerify, got ${m.type}`);
    const cv = decodeCertificateVerify(m.body);
    const { hello } = this;
    const proof: SignatureVerified = await verifyCertificateVerify(
      hello.engine.provider,
      'server',
      hello.config.signatureSchemes,
      this.key,
      cv.scheme,
      cv.signature,
      hello.transcript.digest(),
    );
    hello.transcript.update(m.raw);
    return new ExpectFinished(hello, this.keys, this.negotiated, this.request, {
      chain: this.chain,
      verified: this.accepted.verified,
      scheme: proof.scheme,
    });
  }
}

/** The server's authentication, proven by the states before Finished. */
interface ServerAuth {
  readonly chain: readonly Uint8Array[];
  readonly verified: boolean;
  readonly scheme: number | undefined;
}

class ExpectFinished implements State {
  readonly name = 'ExpectFinished';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
    private readonly negotiated: Negotiated,
    private readonly request: ClientAuthRequest | undefined,
    private readonly auth: ServerAuth,
  ) {}

  async handle(m: HandshakeMessage): Promise<State> {
    if (m.type !== HandshakeType.finished) throw unexpected(`expected Finished, got ${m.type}`);
    const { hello, keys } = this;
    const { engine, transcript, config } = hello;
    const p = engine.provider;
    const suite = keys.suite;
    const _verified: FinishedVerified = verifyFinished(
      p,
      suite,
      keys.serverHs,
      transcript.digest(),
      m.body,
    );
    transcript.update(m.raw);
    const master = nextStage(p, suite.hash, keys.handshakeSecret, undefined);
    const th = transcript.digest();
    const clientAp = deriveSecret(p, suite.hash, master, 'c ap traffic', th);
    const serverAp = deriveSecret(p, suite.hash, master, 's ap traffic', th);
    const exporter = deriveSecret(p, suite.hash, master, 'exp master', th);
    engine.keylog('CLIENT_TRAFFIC_SECRET_0', clientAp);
    engine.keylog('SERVER_TRAFFIC_SECRET_0', serverAp);
    engine.keylog('EXPORTER_SECRET', exporter);
    await engine.setReadKey(suite, serverAp);
    engine.allowChangeCipherSpec(false);
    // RFC 8446 D.4: compatibility mode sends change_cipher_spec before the first encrypted record,
    // unless it already went out after a HelloRetryRequest.
    if ((config.options.middleboxCompatibility ?? true) && !hello.helloRetry) {
      await engine.sendChangeCipherSpec();
    }
    await engine.setWriteKey(suite, keys.clientHs);
    if (this.request !== undefined) await this.#authenticate(this.request);
    const finished = finishedMac(p, suite.hash, keys.clientHs, transcript.digest());
    const fin = await engine.sendHandshake(HandshakeType.finished, finished);
    transcript.update(fin.raw);
    await engine.setWriteKey(suite, clientAp);
    const resumptionSecret = deriveSecret(p, suite.hash, master, 'res master', transcript.digest());
    engine.established(
      {
        version: 'TLSv1.3',
        cipherSuite: suite.name,
        cipherSuiteCode: suite.code,
        group: nameOf(NamedGroup, keys.group),
        groupCode: keys.group,
        peerSignatureScheme: this.auth.scheme,
        alpn: this.negotiated.alpn,
        serverName: config.options.serverName,
        peerCertificates: this.auth.chain,
        resumed: keys.resumed,
        helloRetryRequest: hello.helloRetry,
        peerVerified: this.auth.verified,
      },
      { suite, exporterSecret: exporter },
    );
    return new ClientConnected(
      engine,
      config,
      suite,
      resumptionSecret,
      this.auth.chain,
      this.negotiated.alpn,
    );
  }

  /** RFC 8446 4.4.2 / 4.4.3: our Certificate (possibly empty) and CertificateVerify. */
  async #authenticate(request: ClientAuthRequest): Promise<void> {
    const { engine, transcript, config } = this.hello;
    const entry = config.options.certificate;
    const scheme =
      entry === undefined ? undefined : chooseScheme(engine.provider, entry, request.schemes);
    const chain = scheme === undefined ? [] : entry!.chain;
    const cert = await engine.sendHandshake(
      HandshakeType.certificate,
      encodeCertificate(request.context, chain),
    );
    transcript.update(cert.raw);
    if (scheme === undefined || entry === undefined) return;
    const content = certificateVerifyContent('client', transcript.digest());
    const signature = await engine.provider.sign(scheme, entry.key, content);
    const cv = await engine.sendHandshake(
      HandshakeType.certificateVerify,
      encodeCertificateVerify({ scheme, signature }),
    );
    transcript.update(cv.raw);
  }
}

/** The first of the peer's schemes (their preference order) our key can make in TLS 1.3. */
export function chooseScheme(
  provider: { signatureSchemesFor(key: CertificateEntry['key']): readonly number[] },
  entry: CertificateEntry,
  peerSchemes: readonly number[],
): number | undefined {
  const ours = provider.signatureSchemesFor(entry.key);
  return peerSchemes.find(
    (s) => isTls13SignatureScheme(s) && ours.includes(s) && schemeFitsKey(s, entry.key),
  );
}

/** After the handshake: NewSessionTicket and KeyUpdate (RFC 8446 4.6). */
class ClientConnected implements State {
  readonly name = 'ClientConnected';
  constructor(
    private readonly engine: Engine,
    private readonly config: ClientConfig,
    private readonly suite: Suite13,
    private readonly resumptionSecret: Uint8Array,
    private readonly chain: readonly Uint8Array[],
    private readonly alpn: string | undefined,
  ) {}

  async handle(m: HandshakeMessage): Promise<State> {
    if (m.type === HandshakeType.newSessionTicket) {
      const t = decodeNewSessionTicket(m.body);
      // RFC 8446 4.6.1: lifetime above seven days is illegal.
      if (t.lifetime > maxTicketLifetime)
        throw illegalParameter(`ticket_lifetime ${t.lifetime} exceeds 604800`);
      let maxEarlyData = 0;
      for (const e of t.extensions) {
        if (e.type === ExtensionType.earlyData) {
          if (e.data.length !== 4)
            throw new IllegalParameterError('early_data in NewSessionTicket must be 4 bytes');
          maxEarlyData =
            ((e.data[0]! << 24) >>> 0) + ((e.data[1]! << 16) | (e.data[2]! << 8) | e.data[3]!);
        }
      }
      if (t.lifetime === 0) return this;
      const p = this.engine.provider;
      const psk = expandLabel(
        p,
        this.suite.hash,
        this.resumptionSecret,
        'resumption',
        t.nonce,
        this.suite.hashLength,
      );
      this.engine.emitSession({
        version: 'TLSv1.3',
        serverName: this.config.options.serverName,
        cipherSuite: this.suite.code,
        ticket: t.ticket.slice(),
        psk,
        receivedAt: this.engine.now(),
        lifetime: t.lifetime,
        ageAdd: t.ageAdd,
        alpn: this.alpn,
        peerCertificates: this.chain,
        maxEarlyData,
      });
      return this;
    }
    if (m.type === HandshakeType.keyUpdate) {
      const requested = decodeKeyUpdate(m.body);
      await this.engine.updateReadKey();
      if (requested && !this.engine.writeClosed) await this.engine.sendKeyUpdate(false);
      return this;
    }
    throw unexpected(`unexpected handshake message ${m.type} after the handshake`);
  }
}
