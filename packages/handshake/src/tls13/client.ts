/**
 * The TLS 1.3 client as typestate (RFC 8446 section 2, figure 1): each state is a class with one
 * job, holding exactly what it needs, and returns the next state. The client hub (src/client.ts)
 * hands over the first ServerHello that selects TLS 1.3 (serverHello13); the ClientHello itself
 * is built in client-hello.ts.
 */
import type { KeyShare } from '@tlskit/crypto';
import {
  AlertDescription,
  type CertificateRequest13,
  CipherSuite,
  checkExtensionsAllowed,
  equalBytes,
  type Extension,
  ExtensionType,
  findExtension,
  HandshakeType,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  PskKeyExchangeMode,
  type ServerHello,
  type SignatureScheme,
  TlsError,
} from '@tlskit/wire';
import { expectMessage, type RawMessage } from '../core/codec.js';
import {
  EarlySecret,
  finishedVerifyData,
  type HandshakeSecret,
  resumptionPsk,
  type TranscriptHash,
} from '@tlskit/key-schedule';
import type { HandshakeContext, State } from '../core/context.js';
import {
  applicationSecrets,
  handshakeTrafficSecrets,
  type TrafficSecret,
} from '../core/secrets.js';
import { selectedAlpn } from '../core/alpn.js';
import { established13 } from '../core/exporter.js';
import {
  certificateRequired,
  EchRejectedError,
  illegalParameter,
  missingExtension,
  unexpected,
} from '../core/errors.js';
import { decodeEchConfigList } from '../core/ech-config.js';
import { ENCRYPTED_CLIENT_HELLO } from './ech.js';
import { helloRetryConfirmsEch, serverHelloConfirmsEch } from './ech-client.js';
import type { OcspInfo } from '../core/events.js';
import { judgeStaple } from '../certs/ocsp.js';
import { receivedSctList } from '../certs/sct.js';
import type { CertificateCompressionAlgorithm } from '../core/options.js';
import { chooseClientCertificate, clientCertificatesFor } from '../certs/selection.js';
import {
  certificateVerifyContent,
  byCertificate,
  byPsk,
  type FinishedVerified,
  type PeerAuthenticated,
  pskAccepted,
  type SignatureVerified,
  verifyCertificateVerify,
  verifyFinished,
} from '../core/proofs.js';
import {
  chooseCompression,
  compressCertificate,
  decompressCertificate,
} from './cert-compression.js';
import { certificate13, certificateMessage } from './certificate.js';
import { chooseScheme } from '../core/schemes.js';
import { isTls13Group, type Suite13, suite13 } from '../core/suites.js';
import type { ClientConfig } from '../core/config.js';
import { checkPeerChain, type PeerChain, reverifySession } from '../certs/verify.js';
import { readServerHello } from '../core/hello.js';

import {
  earlyInFlight,
  generateShares,
  type Hello,
  type OfferedPsk,
  offersPostHandshakeAuth,
  sendClientHello,
} from './client-hello.js';
/**
 * The ServerHello after a HelloRetryRequest (RFC 8446 4.1.4): only TLS 1.3 may answer it. The
 * first ServerHello goes through the client hub, which also knows TLS 1.2.
 */
class ExpectServerHello implements State {
  readonly name = 'ExpectServerHello';
  constructor(
    private readonly hello: Hello,
    private readonly shares: readonly KeyShare[],
    private readonly hrrSuite: Suite13,
  ) {}

  handle(m: RawMessage): Promise<State> {
    const { sh, selectedVersion } = readServerHello(m, this.name);
    if (selectedVersion === undefined) {
      throw illegalParameter('TLS 1.2 ServerHello after a HelloRetryRequest');
    }
    return serverHello13(
      { hello: this.hello, shares: this.shares, hrrSuite: this.hrrSuite },
      sh,
      selectedVersion,
      m,
    );
  }
}

/** What the client waits on a ServerHello with. */
export interface AwaitingServerHello {
  readonly hello: Hello;
  /** The key shares our last ClientHello sent. */
  readonly shares: readonly KeyShare[];
  /** The suite of the HelloRetryRequest already received, if any. */
  readonly hrrSuite: Suite13 | undefined;
}

/**
 * A ServerHello whose supported_versions selected `version` (RFC 8446 4.1.3), or a
 * HelloRetryRequest (4.1.4).
 */
export async function serverHello13(
  { hello: sent, shares, hrrSuite }: AwaitingServerHello,
  sh: ServerHello,
  version: number,
  m: RawMessage,
): Promise<State> {
  let hello = sent;
  const config = hello.config;
  if (!config.offerTls13) throw illegalParameter('supported_versions in a TLS 1.2 ServerHello');
  if (version !== ProtocolVersion.TLSv1_3 || sh.legacyVersion !== ProtocolVersion.TLSv1_2) {
    throw illegalParameter(
      `server selected version ${nameOf(ProtocolVersion, version)} we did not offer`,
    );
  }
  if (!equalBytes(sh.legacySessionIdEcho, hello.sessionId)) {
    throw illegalParameter('legacy_session_id_echo does not match the ClientHello');
  }
  const suite = suite13(sh.cipherSuite);
  if (suite === undefined || !config.suites.includes(sh.cipherSuite)) {
    throw illegalParameter(
      `server chose cipher suite ${nameOf(CipherSuite, sh.cipherSuite)} we did not offer`,
    );
  }
  if (hrrSuite !== undefined && hrrSuite.code !== suite.code) {
    throw illegalParameter('ServerHello cipher suite differs from the HelloRetryRequest');
  }
  if (sh.isHelloRetryRequest) return helloRetry(hello, shares, m, sh, suite);
  checkExtensionsAllowed(sh.extensions, 'server_hello', hello.offered);
  hello = settleEch(hello, sh, suite, m);
  const p = hello.engine.provider;
  // PSK acceptance (RFC 8446 4.2.11): selected_identity indexes our single offer.
  let psk: OfferedPsk | undefined;
  const pskExt = findExtension(sh.extensions, ExtensionType.preSharedKey);
  if (pskExt !== undefined) {
    if (!('selectedIdentity' in pskExt))
      throw illegalParameter('pre_shared_key has the ClientHello form');
    const index = pskExt.selectedIdentity;
    if (hello.psk === undefined || index !== 0)
      throw illegalParameter(`selected_identity ${index} was not offered`);
    if (hello.psk.hash !== suite.hash)
      throw illegalParameter('PSK hash does not match the chosen suite');
    psk = hello.psk;
  }
  const ks = findExtension(sh.extensions, ExtensionType.keyShare);
  let shared: Uint8Array | undefined;
  let group: number | undefined;
  if (ks === undefined) {
    // RFC 8446 4.2.9: no key share is psk_ke, which only a PSK we offered it for may use.
    if (psk === undefined || !config.pskModes.includes(PskKeyExchangeMode.psk_ke))
      throw missingExtension('ServerHello has no key_share');
  } else {
    if (!('serverShare' in ks)) throw missingExtension('ServerHello has no key_share');
    if (psk !== undefined && !config.pskModes.includes(PskKeyExchangeMode.psk_dhe_ke)) {
      throw illegalParameter('key_share with a PSK, but psk_dhe_ke was not offered');
    }
    const serverShare = ks.serverShare;
    const ours = shares.find((s) => s.group === serverShare.group);
    if (ours === undefined)
      throw illegalParameter(`server key share for group ${serverShare.group} we did not send`);
    shared = await ours.complete(serverShare.keyExchange);
    group = serverShare.group;
  }
  hello.transcript.selectHash(suite.hash);
  hello.transcript.update(m.raw);
  const early = psk?.earlySecret ?? EarlySecret.create(p, suite.hash);
  const handshakeSecret = early.deriveHandshakeSecret(shared);
  const th = hello.transcript.digest();
  const { client: clientHs, server: serverHs } = handshakeTrafficSecrets(handshakeSecret, th);
  hello.engine.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientHs);
  hello.engine.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', serverHs);
  await hello.engine.setReadKey(suite, serverHs);
  // The server reads with our handshake key from here on (RFC 8446 7.3), so an alert about
  // what follows must be sealed with it, not sent in the clear. Compatibility mode's
  // change_cipher_spec goes first, unless it already went out after a HelloRetryRequest. With
  // early data in flight our write key stays the early one until the server's Finished
  // (RFC 8446 4.2.10); ExpectFinished switches it after EndOfEarlyData.
  if (!earlyInFlight(hello)) {
    if ((hello.config.options.middleboxCompatibility ?? true) && !hello.helloRetry) {
      await hello.engine.sendChangeCipherSpec();
    }
    await hello.engine.setWriteKey(suite, clientHs);
  }
  const keys: HandshakeKeys = {
    suite,
    handshakeSecret,
    clientHs,
    serverHs,
    group,
    psk,
  };
  return new ExpectEncryptedExtensions(hello, keys);
}

/**
 * RFC 9849 6.1.4: the ServerHello's random says whether the server used ClientHelloInner. If
 * so, the handshake goes on with the inner transcript and random; if not, with the outer ones,
 * without the PSK (only ClientHelloInner offered it).
 */
function settleEch(hello: Hello, sh: ServerHello, suite: Suite13, m: RawMessage): Hello {
  const ech = hello.ech;
  if (ech === undefined) return hello;
  ech.innerTranscript.selectHash(suite.hash);
  const confirmed =
    hello.echStatus !== 'rejected' &&
    serverHelloConfirmsEch(hello.engine.provider, suite.hash, ech, m.raw);
  // RFC 9849 6.1.5: a HelloRetryRequest that accepted ECH binds the ServerHello to accept it.
  if (hello.echStatus === 'accepted' && !confirmed) {
    throw illegalParameter('ServerHello rejects the ECH its HelloRetryRequest accepted');
  }
  // Only ClientHelloInner offered a PSK: a server answering the outer hello cannot pick one.
  if (!confirmed && sh.extensions.some((e) => e.type === ExtensionType.preSharedKey)) {
    throw new TlsError(
      'ERR_UNSUPPORTED_EXTENSION',
      AlertDescription.unsupportedExtension,
      'pre_shared_key in answer to ClientHelloOuter, which offered none',
    );
  }
  if (confirmed) {
    hello.engine.setClientRandom(ech.innerRandom);
    return {
      ...hello,
      random: ech.innerRandom,
      transcript: ech.innerTranscript,
      ech: undefined,
      echStatus: 'accepted',
    };
  }
  return { ...hello, psk: undefined, ech: undefined, echStatus: 'rejected' };
}

/** RFC 8446 4.1.4: answer a HelloRetryRequest with ClientHello2. */
async function helloRetry(
  hello: Hello,
  sent: readonly KeyShare[],
  m: RawMessage,
  hrr: ServerHello,
  suite: Suite13,
): Promise<State> {
  if (hello.helloRetry) throw unexpected('second HelloRetryRequest');
  // RFC 8446 4.2.2: the cookie is exempt from the "was it offered" rule.
  checkExtensionsAllowed(hrr.extensions, 'hello_retry_request', hello.offered);
  const ks = findExtension(hrr.extensions, ExtensionType.keyShare);
  const cookie = findExtension(hrr.extensions, ExtensionType.cookie)?.cookie;
  let shares = [...sent];
  if (ks !== undefined && 'selectedGroup' in ks) {
    const group = ks.selectedGroup;
    // RFC 8446 4.2.8: the group must be supported and not one we already sent a share for.
    if (
      !hello.config.groups.includes(group) ||
      !isTls13Group(group) ||
      shares.some((s) => s.group === group)
    ) {
      throw illegalParameter(
        `HelloRetryRequest selected_group ${nameOf(NamedGroup, group)} is not acceptable`,
      );
    }
    shares = await generateShares(hello.engine, [group]);
  } else if (cookie === undefined) {
    throw illegalParameter('HelloRetryRequest would not change the ClientHello');
  }
  hello.transcript.selectHash(suite.hash);
  hello.transcript.replaceWithMessageHash();
  hello.transcript.update(m.raw);
  // RFC 9849 6.1.5: the retry's encrypted_client_hello says whether ClientHelloInner1 was
  // used. ClientHello2 offers ECH again either way (same HPKE context), so ClientHelloOuter2
  // keeps ClientHelloOuter1's shape; after a rejection only the outer one counts.
  const ech = hello.ech;
  let confirmed = false;
  if (ech !== undefined) {
    ech.innerTranscript.selectHash(suite.hash);
    ech.innerTranscript.replaceWithMessageHash();
    confirmed = helloRetryConfirmsEch(hello.engine.provider, suite.hash, ech, m.raw);
    ech.innerTranscript.update(m.raw);
  }
  // RFC 8446 4.2.10: a HelloRetryRequest rejects early data; ClientHello2 goes in plaintext.
  if (hello.early !== undefined) hello.early.rejected = hello.engine.endEarlyWrite(true);
  // RFC 8446 D.4: in compatibility mode the client sends change_cipher_spec before ClientHello2
  // (unless it already did, after a ClientHello1 with early data).
  const middlebox = hello.config.options.middleboxCompatibility ?? true;
  if (middlebox && hello.early === undefined) await hello.engine.sendChangeCipherSpec();
  const rejected = ech !== undefined && !confirmed;
  const psk =
    hello.psk !== undefined && hello.psk.hash === suite.hash && !rejected ? hello.psk : undefined;
  const retried: Hello = {
    ...hello,
    offered: new Set(),
    psk,
    helloRetry: true,
    echStatus: ech === undefined ? 'none' : confirmed ? 'accepted' : 'rejected',
  };
  await sendClientHello(retried, shares, cookie);
  return new ExpectServerHello(retried, shares, suite);
}

interface HandshakeKeys {
  readonly suite: Suite13;
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHs: TrafficSecret<'client'>;
  readonly serverHs: TrafficSecret<'server'>;
  /** undefined in psk_ke mode: no key exchange. */
  readonly group: number | undefined;
  /** The PSK the server accepted. */
  readonly psk: OfferedPsk | undefined;
}

/** What EncryptedExtensions told us. */
interface Negotiated {
  readonly alpn: string | undefined;
  /** The server accepted our early data. */
  readonly earlyAccepted: boolean;
  /** ECH rejected: the ECHConfigList the server sent to retry with, if any (RFC 9849 7.1). */
  readonly retryConfigs: Uint8Array | undefined;
}

class ExpectEncryptedExtensions implements State {
  readonly name = 'ExpectEncryptedExtensions';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const list = expectMessage(m, HandshakeType.encryptedExtensions, this.name).extensions;
    const { hello } = this;
    checkExtensionsAllowed(list, 'encrypted_extensions', hello.offered);
    // RFC 6066 3: the server's acknowledgement of server_name is empty.
    const sni = findExtension(list, ExtensionType.serverName);
    if (sni !== undefined && sni.serverNames.length !== 0) {
      throw illegalParameter('server_name acknowledgement must be empty');
    }
    const alpn = selectedAlpn(hello.config.alpn, list);
    const limit = findExtension(list, ExtensionType.recordSizeLimit);
    if (limit !== undefined) {
      // RFC 8449 4: a limit below 64 is illegal_parameter.
      if (limit.recordSizeLimit < 64) throw illegalParameter('record_size_limit is below 64');
      hello.engine.setPeerRecordSizeLimit(limit.recordSizeLimit);
      // The server answered our extension, so it has agreed to send within our limit.
      const own = hello.config.options.recordSizeLimit;
      if (own !== undefined) hello.engine.setOwnRecordSizeLimit(own);
    }
    const earlyAccepted = findExtension(list, ExtensionType.earlyData) !== undefined;
    if (earlyAccepted) {
      // RFC 8446 4.2.10: accepted early data keeps the first PSK's suite and ALPN.
      const session = hello.early?.session;
      if (session === undefined || this.keys.psk?.session !== session) {
        throw illegalParameter('early_data accepted without the PSK it was sent under');
      }
      if (this.keys.suite.code !== session.cipherSuite) {
        throw illegalParameter('early data accepted under another cipher suite');
      }
      if (alpn !== session.alpn) {
        throw illegalParameter('early data accepted with another ALPN protocol');
      }
    }
    hello.transcript.update(m.raw);
    const negotiated: Negotiated = { alpn, earlyAccepted, retryConfigs: retryConfigs(hello, list) };
    const psk = this.keys.psk;
    if (psk !== undefined) {
      // RFC 8446 2.2: the PSK authenticates the server; a resumed session keeps the chain of
      // the connection that issued the ticket (verified again before 0-RTT, if offered).
      if (hello.early === undefined) {
        const chain = psk.session?.peerCertificates ?? [];
        await reverifySession(hello.engine.now(), hello.config.options, hello.config.chain, chain);
      }
      return new ExpectFinished(hello, this.keys, negotiated, undefined, {
        peer: byPsk(pskAccepted(), psk.session?.peerCertificates ?? [], true),
        ocsp: undefined,
      });
    }
    return new ExpectCertificateOrRequest(hello, this.keys, negotiated);
  }
}

/**
 * RFC 9849 6.1.6, 7.1: encrypted_client_hello in EncryptedExtensions carries retry_configs,
 * which only a server that rejected ECH sends (an accepting one sending it is
 * unsupported_extension); a list that does not parse is decode_error.
 */
function retryConfigs(hello: Hello, list: readonly Extension[]): Uint8Array | undefined {
  const ext = list.find((e) => e.type === ENCRYPTED_CLIENT_HELLO);
  if (ext === undefined || !('raw' in ext)) return undefined;
  // RFC 9849 6.2: after GREASE the configurations are checked for syntax, then ignored.
  if (hello.echGrease !== undefined) {
    decodeEchConfigList(ext.raw);
    return undefined;
  }
  if (hello.echStatus !== 'rejected') {
    throw new TlsError(
      'ERR_UNSUPPORTED_EXTENSION',
      AlertDescription.unsupportedExtension,
      'retry_configs from a server that did not reject ECH',
    );
  }
  decodeEchConfigList(ext.raw);
  return ext.raw.slice();
}

/** A CertificateRequest the server sent. */
interface ClientAuthRequest {
  readonly context: Uint8Array;
  readonly schemes: readonly number[];
  /** signature_algorithms_cert, when sent (RFC 8446 4.2.3). */
  readonly schemesCert: readonly number[] | undefined;
  /** certificate_authorities (RFC 8446 4.2.4): DER DistinguishedNames; empty without it. */
  readonly authorities: readonly Uint8Array[];
  /** The algorithm to compress our Certificate with (RFC 8879: the request offered it). */
  readonly compression: CertificateCompressionAlgorithm | undefined;
}

/** RFC 8446 4.3.2: what a CertificateRequest's extensions ask for; signature_algorithms is required. */
function clientAuthRequest(
  cr: CertificateRequest13,
  context: Uint8Array,
  compression: ClientConfig['options']['certificateCompression'],
): ClientAuthRequest {
  const sa = findExtension(cr.extensions, ExtensionType.signatureAlgorithms);
  if (sa === undefined) throw missingExtension('CertificateRequest has no signature_algorithms');
  return {
    context,
    schemes: sa.schemes,
    schemesCert: findExtension(cr.extensions, ExtensionType.signatureAlgorithmsCert)?.schemes,
    authorities: (
      findExtension(cr.extensions, ExtensionType.certificateAuthorities)?.authorities ?? []
    )
      // Copies the callback may keep: Buffer#slice would be a view of the received bytes.
      .map((dn) => new Uint8Array(dn)),
    compression: chooseCompression(compression, cr.extensions),
  };
}

class ExpectCertificateOrRequest implements State {
  readonly name = 'ExpectCertificateOrCertificateRequest';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
    private readonly negotiated: Negotiated,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    if (m.type === HandshakeType.certificateRequest) {
      const cr = expectMessage(m, HandshakeType.certificateRequest, this.name);
      if (cr.protocol !== 'tls13') throw unexpected('TLS 1.2 CertificateRequest in TLS 1.3');
      checkExtensionsAllowed(cr.extensions, 'certificate_request');
      // RFC 8446 4.3.2: the context is empty unless this is post-handshake authentication.
      if (cr.certificateRequestContext.length !== 0) {
        throw illegalParameter('certificate_request_context must be empty');
      }
      const request = clientAuthRequest(
        cr,
        cr.certificateRequestContext,
        this.hello.config.options.certificateCompression,
      );
      this.hello.transcript.update(m.raw);
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

  async handle(m: RawMessage): Promise<State> {
    // RFC 8879 section 4: a CompressedCertificate replaces the Certificate if we offered it.
    const cert =
      m.type === HandshakeType.compressedCertificate &&
      this.hello.offered.has(ExtensionType.compressCertificate)
        ? await decompressCertificate(m, this.hello.config.options.certificateCompression ?? [])
        : certificate13(expectMessage(m, HandshakeType.certificate, this.name));
    if (cert.certificateRequestContext.length !== 0) {
      throw illegalParameter('server Certificate has a request context');
    }
    // RFC 8446 4.4.2.4: an empty server Certificate is decode_error.
    if (cert.certificateList.length === 0) {
      throw certificateRequired('server sent an empty Certificate', AlertDescription.decodeError);
    }
    const { engine, config } = this.hello;
    // RFC 8446 4.4.2: only extensions the ClientHello offered; status_request if we asked.
    const offered = [
      ...(config.options.requestOcsp === true ? [ExtensionType.statusRequest] : []),
      ...(config.options.requestSignedCertificateTimestamps === true
        ? [ExtensionType.signedCertificateTimestamp]
        : []),
    ];
    for (const e of cert.certificateList) {
      checkExtensionsAllowed(e.extensions, 'certificate', offered);
    }
    const chain = cert.certificateList.map((e) => e.data.slice());
    // RFC 9849 6.1.6: after a rejected ECH the server proves the public name, not ours.
    const publicName =
      this.hello.echStatus === 'rejected' ? config.ech?.config.publicName : undefined;
    const peer = await checkPeerChain(engine.provider, config.chain, chain, {
      serverName: publicName ?? config.options.serverName,
      now: engine.now(),
      peer: 'server',
    });
    // RFC 8446 4.4.2.1: the leaf's entry carries its OCSP response.
    const leafEntry = cert.certificateList[0]!.extensions;
    const ocsp =
      config.options.requestOcsp === true
        ? await judgeStaple(
            engine,
            config.options,
            peer,
            findExtension(leafEntry, ExtensionType.statusRequest)?.ocspResponse?.slice(),
          )
        : undefined;
    // Only requested extensions got past the check above.
    const scts = receivedSctList(leafEntry);
    this.hello.transcript.update(m.raw);
    return new ExpectCertificateVerify(this.hello, this.keys, this.negotiated, this.request, {
      ...peer,
      ocsp,
      scts,
    });
  }
}

class ExpectCertificateVerify implements State {
  readonly name = 'ExpectCertificateVerify';
  constructor(
    private readonly hello: Hello,
    private readonly keys: HandshakeKeys,
    private readonly negotiated: Negotiated,
    private readonly request: ClientAuthRequest | undefined,
    private readonly peer: PeerChain & {
      readonly ocsp: OcspInfo | undefined;
      readonly scts: Uint8Array | undefined;
    },
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const cv = expectMessage(m, HandshakeType.certificateVerify, this.name);
    const { hello } = this;
    const proof: SignatureVerified = await verifyCertificateVerify(
      hello.engine.provider,
      'server',
      hello.config.signatureSchemes,
      this.peer.key,
      cv.algorithm,
      cv.signature,
      hello.transcript.digest(),
    );
    hello.transcript.update(m.raw);
    return new ExpectFinished(hello, this.keys, this.negotiated, this.request, {
      peer: byCertificate(this.peer.chain, this.peer.accepted, proof),
      ocsp: this.peer.ocsp,
      scts: this.peer.scts,
    });
  }
}

/** The server's authentication, proven by the states before Finished. */
interface ServerAuth {
  readonly peer: PeerAuthenticated;
  /** The judged OCSP staple, when we asked for one. */
  readonly ocsp: OcspInfo | undefined;
  /** The SCT list of the leaf's entry, when we asked and the server sent one. */
  readonly scts?: Uint8Array | undefined;
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

  async handle(m: RawMessage): Promise<State> {
    const fin = expectMessage(m, HandshakeType.finished, this.name);
    const { hello, keys } = this;
    const { engine, transcript, config } = hello;
    const p = engine.provider;
    const suite = keys.suite;
    const finished: FinishedVerified = verifyFinished(
      p,
      suite,
      keys.serverHs,
      transcript.digest(),
      fin.verifyData,
    );
    transcript.update(m.raw);
    // RFC 9849 6.1.6: the server is authenticated for the public name; end with ech_required
    // and hand the application the configurations to retry with.
    if (hello.echStatus === 'rejected') {
      // A certificate request gets the empty Certificate: ours is for the secret name's server.
      if (this.request !== undefined) {
        await engine.sendHandshake(certificateMessage(this.request.context, []));
        await engine.flushHandshake();
      }
      throw new EchRejectedError('the server rejected ECH', this.negotiated.retryConfigs);
    }
    const {
      master,
      client: clientAp,
      server: serverAp,
      exporter,
    } = applicationSecrets(keys.handshakeSecret, transcript.digest(), (label, secret) =>
      engine.keylog(label, secret),
    );
    await engine.setReadKey(suite, serverAp);
    engine.allowChangeCipherSpec(false);
    // RFC 8446 4.5: with early data in flight our write key is still the early one (see
    // ExpectServerHello): accepted early data ends with EndOfEarlyData under it, then the
    // handshake key takes over. Rejected early data is handed back to be sent again.
    let unsent: Uint8Array[] = hello.early?.rejected ?? [];
    if (earlyInFlight(hello)) {
      if (this.negotiated.earlyAccepted) {
        const eoed = await engine.sendHandshake({ type: HandshakeType.endOfEarlyData });
        transcript.update(eoed.raw);
        engine.endEarlyWrite(false);
      } else {
        unsent = engine.endEarlyWrite(false);
      }
      await engine.setWriteKey(suite, keys.clientHs);
    }
    if (this.request !== undefined) {
      await sendClientCertificate(engine, transcript, config, this.request, false);
    }
    const ours = finishedVerifyData(p, suite.hash, keys.clientHs, transcript.digest());
    const sent = await engine.sendHandshake({ type: HandshakeType.finished, verifyData: ours });
    transcript.update(sent.raw);
    await engine.setWriteKey(suite, clientAp);
    const resumptionSecret = master.resumptionMasterSecret(transcript.digest());
    engine.established(
      {
        version: 'TLSv1.3',
        cipherSuite: suite.name,
        cipherSuiteCode: suite.code,
        group: keys.group === undefined ? undefined : nameOf(NamedGroup, keys.group),
        groupCode: keys.group,
        peerSignatureScheme: this.auth.peer.scheme,
        signatureSchemes: config.signatureSchemes,
        peerSignatureSchemes: this.request?.schemes ?? [],
        alpn: this.negotiated.alpn,
        serverName: config.options.serverName,
        peerCertificates: this.auth.peer.chain,
        resumed: keys.psk?.kind === 'resumption',
        helloRetryRequest: hello.helloRetry,
        peerVerified: this.auth.peer.verified,
        ...(keys.psk?.externalIdentity === undefined
          ? {}
          : { pskIdentity: keys.psk.externalIdentity }),
        ...(hello.echStatus === 'accepted' ? { echAccepted: true } : {}),
        earlyData:
          hello.early === undefined
            ? 'none'
            : this.negotiated.earlyAccepted
              ? 'accepted'
              : 'rejected',
        ...(this.auth.ocsp === undefined ? {} : { ocsp: this.auth.ocsp }),
        ...(this.auth.scts === undefined ? {} : { signedCertificateTimestamps: this.auth.scts }),
      },
      established13(p, suite.hash, suite.hashLength, exporter),
      { peerFinished: finished, peer: this.auth.peer },
    );
    // RFC 8446 4.2.10: rejected early data is the application's to send again; by default we do.
    if (unsent.length > 0 && config.options.resendRejectedEarlyData !== false) {
      await engine.resendEarlyData(unsent);
    }
    return new ClientConnected(
      engine,
      config,
      suite,
      resumptionSecret,
      this.auth.peer.chain,
      this.negotiated.alpn,
      transcript,
    );
  }
}

/**
 * RFC 8446 4.4.2 / 4.4.3: our Certificate (empty without a certificate that fits the request)
 * and CertificateVerify, in the handshake or after it (4.6.2), added to `transcript`.
 */
async function sendClientCertificate(
  engine: HandshakeContext<'client'>,
  transcript: TranscriptHash,
  config: ClientConfig,
  request: ClientAuthRequest,
  postHandshake: boolean,
): Promise<void> {
  const options = config.options;
  const certificates = await clientCertificatesFor(options, {
    version: 'TLSv1.3',
    signatureSchemes: request.schemes,
    signatureSchemesCert: request.schemesCert,
    certificateAuthorities: request.authorities,
    certificateTypes: [],
    serverName: options.serverName,
    postHandshake,
  });
  const chosen = chooseClientCertificate(certificates, (entry) =>
    chooseScheme(engine.provider, entry, request.schemes, config.signingSchemes),
  );
  const certificate = certificateMessage(request.context, chosen?.entry.chain ?? []);
  // RFC 8879 section 4: compressed when the request offered an algorithm we compress with (an
  // empty Certificate is left as it is: there is nothing to gain).
  const cert = await engine.sendHandshake(
    request.compression === undefined || chosen === undefined
      ? certificate
      : await compressCertificate(request.compression, certificate),
  );
  transcript.update(cert.raw);
  if (chosen === undefined) return;
  const { entry, scheme } = chosen;
  const content = certificateVerifyContent('client', transcript.digest());
  const signature = await engine.provider.sign(scheme, entry.key, content);
  const cv = await engine.sendHandshake({
    type: HandshakeType.certificateVerify,
    algorithm: scheme as SignatureScheme,
    signature,
  });
  transcript.update(cv.raw);
}

/**
 * RFC 8446 4.6.2: answer a post-handshake CertificateRequest with Certificate (empty when we
 * have none that fits), CertificateVerify and Finished. The transcript is the handshake's plus
 * this exchange; the Finished key comes from our current application traffic secret (4.4).
 */
async function answerPostHandshakeRequest(
  engine: HandshakeContext<'client'>,
  config: ClientConfig,
  suite: Suite13,
  handshakeTranscript: TranscriptHash,
  m: RawMessage,
): Promise<void> {
  const cr = expectMessage(m, HandshakeType.certificateRequest, 'ClientConnected');
  if (cr.protocol !== 'tls13') throw unexpected('TLS 1.2 CertificateRequest in TLS 1.3');
  checkExtensionsAllowed(cr.extensions, 'certificate_request');
  // RFC 8446 4.3.2: the context identifies the request and must not be empty after the handshake
  // (the handshake's own request, if any, used the empty one).
  if (cr.certificateRequestContext.length === 0) {
    throw illegalParameter('post-handshake certificate_request_context is empty');
  }
  const request = clientAuthRequest(
    cr,
    cr.certificateRequestContext.slice(),
    config.options.certificateCompression,
  );
  const transcript = handshakeTranscript.clone();
  transcript.update(m.raw);
  await sendClientCertificate(engine, transcript, config, request, true);
  const verifyData = finishedVerifyData(
    engine.provider,
    suite.hash,
    engine.trafficSecret('write'),
    transcript.digest(),
  );
  await engine.sendHandshake({ type: HandshakeType.finished, verifyData });
}

const maxTicketLifetime = 604_800;

/** After the handshake: NewSessionTicket and KeyUpdate (RFC 8446 4.6). */
class ClientConnected implements State {
  readonly name = 'ClientConnected';
  constructor(
    private readonly engine: HandshakeContext<'client'>,
    private readonly config: ClientConfig,
    private readonly suite: Suite13,
    private readonly resumptionSecret: Uint8Array,
    private readonly chain: readonly Uint8Array[],
    private readonly alpn: string | undefined,
    /** The handshake transcript through our Finished: each post-handshake request extends it. */
    private readonly transcript: TranscriptHash,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    if (m.type === HandshakeType.certificateRequest) {
      // RFC 8446 4.6.2: without post_handshake_auth a CertificateRequest is unexpected.
      if (!offersPostHandshakeAuth(this.config)) {
        throw unexpected('CertificateRequest after the handshake without post_handshake_auth');
      }
      // After our close_notify we send nothing more (RFC 8446 6.1), not even this answer.
      if (this.engine.writeClosed) return this;
      await answerPostHandshakeRequest(this.engine, this.config, this.suite, this.transcript, m);
      return this;
    }
    if (m.type === HandshakeType.newSessionTicket) {
      const t = expectMessage(m, HandshakeType.newSessionTicket, this.name);
      if (t.protocol !== 'tls13') throw unexpected('TLS 1.2 NewSessionTicket in TLS 1.3');
      checkExtensionsAllowed(t.extensions, 'new_session_ticket');
      // RFC 8446 4.6.1: lifetime above seven days is illegal.
      if (t.ticketLifetime > maxTicketLifetime) {
        throw illegalParameter(`ticket_lifetime ${t.ticketLifetime} exceeds 604800`);
      }
      const maxEarlyData =
        findExtension(t.extensions, ExtensionType.earlyData)?.maxEarlyDataSize ?? 0;
      if (t.ticketLifetime === 0) return this;
      const p = this.engine.provider;
      const psk = resumptionPsk(p, this.suite.hash, this.resumptionSecret, t.ticketNonce);
      this.engine.emitSession({
        version: 'TLSv1.3',
        serverName: this.config.options.serverName,
        cipherSuite: this.suite.code,
        ticket: t.ticket.slice(),
        psk,
        receivedAt: this.engine.now(),
        lifetime: t.ticketLifetime,
        ageAdd: t.ticketAgeAdd,
        alpn: this.alpn,
        peerCertificates: this.chain,
        maxEarlyData,
      });
      return this;
    }
    if (m.type === HandshakeType.keyUpdate) {
      const requested = expectMessage(m, HandshakeType.keyUpdate, this.name).requestUpdate === 1;
      await this.engine.updateReadKey(requested);
      return this;
    }
    throw unexpected(`unexpected handshake message ${m.type} after the handshake`);
  }
}
