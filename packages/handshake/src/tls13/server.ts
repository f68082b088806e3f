/**
 * The TLS 1.3 server (RFC 8446 section 2): clientHello13 takes a ClientHello the server hub
 * (src/server.ts) found to offer TLS 1.3, answers with a HelloRetryRequest (then
 * ExpectClientHello2) or negotiate's server flight, then ExpectEndOfEarlyData /
 * ExpectClientCertificate -> ExpectClientCertificateVerify -> ExpectClientFinished ->
 * ServerConnected.
 */
import {
  type CipherSuite,
  type ClientHello,
  checkExtensionsAllowed,
  encodeExtensions,
  encodeHandshake,
  encodePskBinders,
  equalBytes,
  type Extension,
  ExtensionType,
  findExtension,
  HandshakeType,
  HELLO_RETRY_REQUEST_RANDOM,
  type KeyShareEntry,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  PskKeyExchangeMode,
  type SignatureScheme,
} from '@tlskit/wire';
import { certificatesFor, certSchemes } from '../certs/selection.js';
import { certificate13, certificateMessage } from './certificate.js';
import {
  chooseCompression,
  compressCertificate,
  compressCertificateExtension,
  decompressCertificate,
} from './cert-compression.js';
import { greaseTicketExtension } from './grease.js';
import {
  certificateAuthoritiesExtensions,
  checkClientChain,
  verifyClientSignature,
} from './client-auth.js';
import { chooseScheme } from '../core/schemes.js';
import { alpnBytes, expectMessage, hostName, type RawMessage } from '../core/codec.js';
import {
  constantTimeEqual,
  EarlySecret,
  finishedVerifyData,
  type HandshakeSecret,
  type MasterSecret,
  type PskKind,
  resumptionPsk,
  TranscriptHash,
} from '@tlskit/key-schedule';
import type { HandshakeContext, State } from '../core/context.js';
import {
  applicationSecrets,
  earlyTrafficSecret,
  handshakeTrafficSecrets,
  type TrafficSecret,
} from '../core/secrets.js';
import { selectAlpn } from '../core/alpn.js';
import { stapleFor } from '../certs/ocsp.js';
import { clientWantsScts } from '../certs/sct.js';
import { type PostHandshakeContext, requestClientCertificate } from './post-handshake-auth.js';
import { readClientHello } from '../core/hello.js';
import { established13 } from '../core/exporter.js';
import {
  certificateRequired,
  decryptError,
  handshakeFailure,
  illegalParameter,
  missingExtension,
  nothingShared,
  protocolVersion,
} from '../core/errors.js';
import type { CertificateEntry } from '../core/options.js';
import {
  certificateVerifyContent,
  byCertificate,
  byPsk,
  clientUnauthenticated,
  type FinishedVerified,
  type PeerAuthenticated,
  type PskAccepted,
  pskAccepted,
  verifyFinished,
} from '../core/proofs.js';
import { isTls13Group, type Suite13, suite13 } from '../core/suites.js';
import { type FoundExternalPsk, findExternalPsk, type PskHash } from './external-psk.js';
import {
  decodeTicketState,
  encodeTicketState,
  type TicketState,
  ticketAge,
} from '../core/tickets.js';
import type { ServerConfig } from '../core/config.js';
import type { PeerChain } from '../certs/verify.js';
import {
  ECH_CONFIRMATION_LENGTH,
  ENCRYPTED_CLIENT_HELLO,
  type EchOutcome,
  echConfirmation,
  isClientHelloInner,
  noEch,
  openClientHelloOuter2,
} from './ech.js';

/** RFC 8446 4.1.2: the extensions a ClientHello2 may change relative to ClientHello1. */
const retryMayChange: readonly number[] = [
  ExtensionType.keyShare,
  ExtensionType.earlyData,
  ExtensionType.cookie,
  ExtensionType.preSharedKey,
  ExtensionType.padding,
  // RFC 9849 5: each ClientHelloOuter carries its own ECH payload.
  ENCRYPTED_CLIENT_HELLO,
];

/** What the first ClientHello decided, carried into ClientHello2 after a HelloRetryRequest. */
interface RetryContext {
  readonly suite: Suite13;
  readonly group: number;
  readonly cookie: Uint8Array | undefined;
  readonly first: ClientHello;
  readonly transcript: TranscriptHash;
  /** ClientHello1's ECH outcome: after an acceptance, ClientHello2 is decrypted too. */
  readonly ech: EchOutcome;
}

/**
 * ClientHello2, after our HelloRetryRequest (RFC 8446 4.1.4): only TLS 1.3 may go on. The
 * first ClientHello goes through the server hub, which also knows TLS 1.2.
 */
class ExpectClientHello2 implements State {
  readonly name = 'ExpectClientHello2';
  constructor(
    private readonly engine: HandshakeContext<'server'>,
    private readonly config: ServerConfig,
    private readonly retry: RetryContext,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const { engine, config, retry } = this;
    let hello = readClientHello(engine, m, this.name);
    if (retry.ech.kind === 'accepted') {
      // RFC 9849 7.1.1: go on with ClientHelloInner2, decrypted with ClientHello1's context.
      m = await openClientHelloOuter2(retry.ech, hello.ch, m);
      hello = readClientHello(engine, m, this.name);
    }
    if (!(config.allowTls13 && hello.offers13))
      throw protocolVersion('no protocol version in common');
    return clientHello13(engine, config, hello.ch, m, retry, retry.ech);
  }
}

/**
 * A ClientHello that offers TLS 1.3, which we allow (RFC 8446 4.1.2): ClientHello1, or
 * ClientHello2 with the `retry` context of our HelloRetryRequest. With `ech` accepted, `ch` is
 * the ClientHelloInner the server hub decrypted.
 */
export async function clientHello13(
  engine: HandshakeContext<'server'>,
  config: ServerConfig,
  ch: ClientHello,
  m: RawMessage,
  retry: RetryContext | undefined,
  ech: EchOutcome = noEch,
): Promise<State> {
  // RFC 9849 7.2: a ClientHelloInner (decrypted here, or by a client-facing server in front of
  // us) gets the acceptance confirmation.
  const echConfirm = isClientHelloInner(ch);
  // RFC 8446 4.1.2: TLS 1.3 ClientHellos carry exactly the null compression method.
  if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
    throw illegalParameter('legacy_compression_methods must be exactly [0]');
  }
  // RFC 8446 4.2.11: pre_shared_key must be the last extension.
  const pskIndex = ch.extensions.findIndex((e) => e.type === ExtensionType.preSharedKey);
  if (pskIndex !== -1 && pskIndex !== ch.extensions.length - 1) {
    throw illegalParameter('pre_shared_key is not the last extension');
  }
  if (retry !== undefined) checkRetryHello(retry.first, ch);

  // An external PSK is bound to one hash (RFC 8446 4.2.11): prefer suites that can use it.
  const external = await lookupExternalPsk(engine, config, ch);
  const suite = retry?.suite ?? chooseSuite(config, ch.cipherSuites, external?.hash);
  const groupsExt = findExtension(ch.extensions, ExtensionType.supportedGroups);
  const sharesExt = findExtension(ch.extensions, ExtensionType.keyShare);
  if (groupsExt === undefined) throw missingExtension('ClientHello has no supported_groups');
  if (sharesExt === undefined || !('clientShares' in sharesExt)) {
    throw missingExtension('ClientHello has no key_share');
  }
  const clientGroups: readonly number[] = groupsExt.groups;
  const shares = sharesExt.clientShares;
  // RFC 8446 4.2.8: one share per group at most.
  if (new Set(shares.map((x) => x.group)).size !== shares.length) {
    throw illegalParameter('key_share: two shares for the same group');
  }
  for (const s of shares) {
    if (!clientGroups.includes(s.group))
      throw illegalParameter('key_share group not in supported_groups');
  }
  const modes: readonly number[] =
    findExtension(ch.extensions, ExtensionType.pskKeyExchangeModes)?.modes ?? [];

  // Cookie (RFC 8446 4.2.2): what we sent must come back unchanged. Compared in constant time:
  // it is an unpredictable value, and a timing oracle would let a guesser learn it byte by byte.
  const cookieData = findExtension(ch.extensions, ExtensionType.cookie);
  if (retry?.cookie !== undefined) {
    if (cookieData === undefined || !constantTimeEqual(cookieData.cookie, retry.cookie)) {
      throw illegalParameter('ClientHello2 cookie does not match the HelloRetryRequest');
    }
  } else if (cookieData !== undefined) {
    throw illegalParameter('cookie we did not send');
  }

  const transcript = retry?.transcript ?? new TranscriptHash(engine.provider);
  transcript.selectHash(suite.hash);

  let share: KeyShareEntry | undefined;
  let group: number;
  if (retry !== undefined) {
    group = retry.group;
    // RFC 8446 4.2.8: ClientHello2 carries exactly one share, for the group we asked for.
    if (shares.length !== 1 || shares[0]!.group !== group) {
      throw illegalParameter(
        'ClientHello2 key_share is not the one group the HelloRetryRequest named',
      );
    }
    share = shares[0];
  } else {
    const choice = chooseGroup(engine, config, clientGroups, shares);
    group = choice.group;
    share = choice.share;
  }
  if (share === undefined) {
    return helloRetry(engine, config, m, ch, suite, group, transcript, { ech, echConfirm });
  }
  return negotiate({
    ech,
    echConfirm,
    engine,
    config,
    ch,
    m,
    suite,
    share,
    modes,
    transcript,
    helloRetry: retry !== undefined,
    external,
  });
}

/** RFC 8446 4.1.4: ask for a share of `group` (and, if configured, echo a cookie). */
async function helloRetry(
  engine: HandshakeContext<'server'>,
  config: ServerConfig,
  m: RawMessage,
  ch: ClientHello,
  suite: Suite13,
  group: number,
  transcript: TranscriptHash,
  { ech, echConfirm }: { ech: EchOutcome; echConfirm: boolean },
): Promise<State> {
  transcript.update(m.raw);
  transcript.replaceWithMessageHash();
  const ext: Extension[] = [{ type: ExtensionType.keyShare, selectedGroup: group as NamedGroup }];
  let cookie: Uint8Array | undefined;
  if (config.options.helloRetryCookie === true) {
    // What the cookie proves: the client received this HelloRetryRequest (return routability),
    // since it must echo 32 unpredictable bytes. The server keeps ClientHello1's transcript
    // itself, so the cookie need not carry or authenticate it: this is not stateless HRR.
    cookie = engine.provider.randomBytes(32).slice();
    ext.push({ type: ExtensionType.cookie, cookie });
  }
  let confirmation: EchConfirmationSlot | undefined;
  if (echConfirm) {
    // RFC 9849 7.2.1: the confirmation travels in the retry's encrypted_client_hello.
    const slot = new Uint8Array(ECH_CONFIRMATION_LENGTH);
    ext.push({ type: ENCRYPTED_CLIENT_HELLO as ExtensionType, raw: slot });
    confirmation = { slot, transcript, helloRetry: true };
  }
  const hrr = await sendServerHello13(
    engine,
    ch,
    suite,
    HELLO_RETRY_REQUEST_RANDOM,
    ext,
    confirmation,
  );
  transcript.update(hrr.raw);
  // RFC 8446 D.4: in compatibility mode the server sends change_cipher_spec after its first message.
  if (ch.legacySessionId.length > 0) await engine.sendChangeCipherSpec();
  engine.allowChangeCipherSpec(true);
  // RFC 8446 4.2.10: early data offered in ClientHello1 is rejected by the retry.
  if (findExtension(ch.extensions, ExtensionType.earlyData) !== undefined)
    engine.skipEarlyData(earlySkipLimit(config));
  return new ExpectClientHello2(engine, config, {
    suite,
    group,
    cookie,
    first: ch,
    transcript,
    ech,
  });
}

/**
 * Bytes of rejected early data to skip (RFC 8446 4.2.10: "up to the configured
 * max_early_data_size"), counted as record payload, so with each record's expansion. A server
 * that takes no early data still skips 16 KiB (as BoringSSL), for a client holding a ticket of
 * another configuration; past the limit the connection ends with unexpected_message (RFC 8446
 * 4.6.1).
 */
function earlySkipLimit(config: ServerConfig): number {
  const records = Math.ceil(config.maxEarlyData / 16_384);
  return Math.max(16_384, config.maxEarlyData + records * 256);
}

/** RFC 8446 4.1.2: ClientHello2 must repeat ClientHello1 except for the listed extensions. */
function checkRetryHello(first: ClientHello, second: ClientHello): void {
  const same =
    equalBytes(first.random, second.random) &&
    equalBytes(first.legacySessionId, second.legacySessionId) &&
    first.cipherSuites.length === second.cipherSuites.length &&
    first.cipherSuites.every((s, i) => second.cipherSuites[i] === s);
  const strip = (list: readonly Extension[]) =>
    list.filter((e) => !retryMayChange.includes(e.type));
  const a = strip(first.extensions);
  const b = strip(second.extensions);
  const sameExt = equalBytes(encodeExtensions(a), encodeExtensions(b));
  // pre_shared_key may be updated (new binders, ages), not added nor removed.
  const hasPsk = (ch: ClientHello) =>
    findExtension(ch.extensions, ExtensionType.preSharedKey) !== undefined;
  if (!same || !sameExt || hasPsk(first) !== hasPsk(second))
    throw illegalParameter('ClientHello2 differs from ClientHello1 beyond what a retry allows');
}

function chooseSuite(
  config: ServerConfig,
  offered: readonly number[],
  pskHash: PskHash | undefined,
): Suite13 {
  if (pskHash !== undefined) {
    for (const code of config.suites) {
      const s = suite13(code);
      if (s !== undefined && s.hash === pskHash && offered.includes(code)) return s;
    }
  }
  for (const code of config.suites) {
    if (offered.includes(code)) {
      const s = suite13(code);
      if (s !== undefined) return s;
    }
  }
  throw nothingShared('ERR_NO_SHARED_CIPHER', 'no cipher suite in common');
}

/** Our most preferred group the client supports; its share if the client sent one. */
function chooseGroup(
  engine: HandshakeContext<'server'>,
  config: ServerConfig,
  clientGroups: readonly number[],
  shares: readonly KeyShareEntry[],
): { group: number; share: KeyShareEntry | undefined } {
  const usable = config.groups.filter(
    (g) =>
      isTls13Group(g) && clientGroups.includes(g) && engine.provider.keyExchange(g) !== undefined,
  );
  // Prefer a group the client already sent a share for: it saves a round trip.
  for (const g of usable) {
    const share = shares.find((s) => s.group === g);
    if (share !== undefined) return { group: g, share };
  }
  const first = usable[0];
  if (first === undefined)
    throw nothingShared('ERR_NO_SHARED_GROUP', 'no key exchange group in common');
  return { group: first, share: undefined };
}

/** A PSK whose binder verified: a ticket that opened and passed its checks, or an external key. */
interface AcceptedPsk {
  readonly index: number;
  readonly kind: PskKind;
  /** The ticket's state (resumption only). */
  readonly state: TicketState | undefined;
  /** The identity (external only), reported in HandshakeInfo.pskIdentity. */
  readonly identity: Uint8Array | undefined;
  readonly earlySecret: EarlySecret;
  /** The PskKeyExchangeMode chosen. */
  readonly mode: number;
  /** |client's ticket age - ours| in ms (resumption only), for the 0-RTT freshness check. */
  readonly ageSkew: number;
  /** The client's ticket age minus ours, in ms (resumption only; 0 for an external PSK). */
  readonly signedAgeSkew: number;
  /** The binder verified. */
  readonly accepted: PskAccepted;
}

/** At most this many offered identities are looked at (each may cost a ticket decryption). */
const maxPskIdentities = 8;

/** The external PSK the server's pskCallback knows among the offered identities, if any. */
async function lookupExternalPsk(
  engine: HandshakeContext<'server'>,
  config: ServerConfig,
  ch: ClientHello,
): Promise<FoundExternalPsk | undefined> {
  const lookup = config.options.pskCallback;
  const offer = findExtension(ch.extensions, ExtensionType.preSharedKey);
  if (lookup === undefined || offer === undefined || !('identities' in offer)) return undefined;
  const importers = config.options.pskImporters === true ? engine.provider : undefined;
  return findExternalPsk(lookup, offer.identities, maxPskIdentities, importers);
}

/** Our most preferred PSK key exchange mode that the client offers (RFC 8446 4.2.9). */
function choosePskMode(config: ServerConfig, offered: readonly number[]): number | undefined {
  return config.pskModes.find((mode) => offered.includes(mode));
}

/**
 * The first offered PSK we can use (RFC 8446 4.2.11): the external key the pskCallback knew,
 * or a ticket that opens and passes its checks; its binder must verify.
 */
async function acceptPsk(
  hs: ServerHandshake13,
  serverName: string | undefined,
): Promise<AcceptedPsk | undefined> {
  const { engine, config, ch, m, suite, modes, transcript, external } = hs;
  const offer = findExtension(ch.extensions, ExtensionType.preSharedKey);
  if (offer === undefined) return undefined;
  if (!('identities' in offer)) throw illegalParameter('pre_shared_key has the ServerHello form');
  // RFC 8446 4.2.9: a PSK offer without psk_key_exchange_modes is illegal.
  if (findExtension(ch.extensions, ExtensionType.pskKeyExchangeModes) === undefined) {
    throw missingExtension('pre_shared_key without psk_key_exchange_modes');
  }
  if (offer.identities.length === 0 || offer.identities.length !== offer.binders.length) {
    throw illegalParameter('pre_shared_key: identities and binders must pair up');
  }
  const bindersLength = encodePskBinders(offer.binders).length;
  const mode = choosePskMode(config, modes);
  if (mode === undefined) return undefined;
  const sealer =
    config.sealer !== undefined && config.options.resumption !== false ? config.sealer : undefined;
  const p = engine.provider;
  const truncated = m.raw.subarray(0, m.raw.length - bindersLength);
  const limit = Math.min(offer.identities.length, maxPskIdentities);
  for (let index = 0; index < limit; index++) {
    if (external?.index === index) {
      if (external.hash !== suite.hash) continue;
      // RFC 8446 4.2.11.2: the binder covers the ClientHello up to the binders list.
      const early = EarlySecret.create(p, suite.hash, external.key);
      const expected = early.pskBinder(external.kind, transcript.digestWith(truncated));
      if (!constantTimeEqual(offer.binders[index]!, expected)) {
        throw decryptError('PSK binder does not verify');
      }
      return {
        index,
        kind: external.kind,
        state: undefined,
        identity: external.identity,
        earlySecret: early,
        mode,
        ageSkew: 0,
        signedAgeSkew: 0,
        accepted: pskAccepted(),
      };
    }
    if (sealer === undefined) continue;
    const id = offer.identities[index]!;
    const opened = await sealer.open(id.identity);
    const state = opened === undefined ? undefined : decodeTicketState(opened);
    if (state === undefined) continue;
    const ticketSuite = suite13(state.cipherSuite);
    if (ticketSuite === undefined || ticketSuite.hash !== suite.hash) continue;
    // RFC 8446 4.6.1: no use beyond the lifetime; the client's view of the age must agree roughly.
    const age = ticketAge(engine.now(), state.issuedAt, state.lifetime);
    if (age === undefined) continue;
    const clientAge = (id.obfuscatedTicketAge - state.ageAdd) >>> 0;
    const ageSkew = Math.abs(clientAge - age);
    if (ageSkew > 60_000) continue;
    if (state.serverName !== (serverName ?? '')) continue;
    const early = EarlySecret.create(p, suite.hash, state.psk);
    const expected = early.pskBinder('resumption', transcript.digestWith(truncated));
    if (!constantTimeEqual(offer.binders[index]!, expected)) {
      throw decryptError('PSK binder does not verify');
    }
    return {
      index,
      kind: 'resumption',
      state,
      identity: undefined,
      earlySecret: early,
      mode,
      ageSkew,
      signedAgeSkew: clientAge - age,
      accepted: pskAccepted(),
    };
  }
  return undefined;
}

function chooseCertificate(
  hs: ServerHandshake13,
  serverName: string | undefined,
  schemes: readonly number[],
): { entry: CertificateEntry; scheme: number } {
  const { engine, config, ch } = hs;
  if (config.options.certificates.length === 0) {
    throw handshakeFailure('no PSK this server knows, and no certificate to authenticate with');
  }
  const pool = certificatesFor(config.options.certificates, serverName, certSchemes(ch));
  for (const entry of pool) {
    const scheme = chooseScheme(engine.provider, entry, schemes, config.signingSchemes);
    if (scheme !== undefined) return { entry, scheme };
  }
  throw nothingShared(
    'ERR_NO_SHARED_SIGNATURE_SCHEME',
    'no certificate matches the client signature_algorithms',
  );
}

/**
 * The ClientHello and what clientHello13 settled from it (suite, key share, transcript): the
 * context the server's steps share, as Go's serverHandshakeStateTLS13.
 */
interface ServerHandshake13 {
  readonly engine: HandshakeContext<'server'>;
  readonly config: ServerConfig;
  readonly ch: ClientHello;
  readonly m: RawMessage;
  readonly suite: Suite13;
  readonly share: KeyShareEntry;
  /** psk_key_exchange_modes of the ClientHello. */
  readonly modes: readonly number[];
  readonly transcript: TranscriptHash;
  readonly helloRetry: boolean;
  /** The external PSK the pskCallback knew among the offered identities. */
  readonly external: FoundExternalPsk | undefined;
  /** What became of the client's ECH offer (RFC 9849). */
  readonly ech: EchOutcome;
  /** `ch` is a ClientHelloInner: ServerHello carries the acceptance confirmation. */
  readonly echConfirm: boolean;
}

/** What the server decided from the ClientHello before answering it. */
interface Decided13 {
  readonly serverName: string | undefined;
  readonly alpn: string | undefined;
  readonly psk: AcceptedPsk | undefined;
  /** The certificate and scheme to authenticate with; undefined with a PSK. */
  readonly cert: { readonly entry: CertificateEntry; readonly scheme: number } | undefined;
  /** The ClientHello's transcript hash, for the early traffic secret (RFC 8446 7.1). */
  readonly clientHelloHash: Uint8Array;
  /** The client sent record_size_limit (RFC 8449): we answer with ours. */
  readonly recordSizeLimit: boolean;
  readonly earlyOffered: boolean;
}

/** The handshake traffic secrets (RFC 8446 7.1). */
interface HandshakeSecrets13 {
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHs: TrafficSecret<'client'>;
  readonly serverHs: TrafficSecret<'server'>;
}

/**
 * Everything after the key share is settled: the decisions, ServerHello, the keys, the server
 * flight (EncryptedExtensions .. Finished), and the state that waits for the client.
 */
async function negotiate(hs: ServerHandshake13): Promise<State> {
  const decided = await decide(hs);
  const response = await sendServerHello(hs, decided.psk);
  const secrets = await handshakeSecrets(hs, decided.psk, response?.sharedSecret);
  const earlyLimit = await startReading(hs, decided, secrets);
  await sendEncryptedExtensions(hs, decided, earlyLimit);
  const policy = hs.config.options.clientAuth ?? 'none';
  const askClient = decided.cert !== undefined && policy !== 'none';
  if (askClient) await sendCertificateRequest(hs);
  if (decided.cert !== undefined) await sendCertificate(hs, decided.cert, decided.serverName);
  const flight: ServerFlight = {
    ...(await sendServerFinished(hs, secrets)),
    engine: hs.engine,
    config: hs.config,
    suite: hs.suite,
    transcript: hs.transcript,
    clientHs: secrets.clientHs,
    group: response === undefined ? undefined : hs.share.group,
    alpn: decided.alpn,
    serverName: decided.serverName,
    psk: decided.psk,
    helloRetry: hs.helloRetry,
    echAccepted: hs.ech.kind === 'accepted',
    earlyData: !decided.earlyOffered ? 'none' : earlyLimit > 0 ? 'accepted' : 'rejected',
    postHandshakeAuth:
      findExtension(hs.ch.extensions, ExtensionType.postHandshakeAuth) !== undefined,
    peerSignatureSchemes:
      findExtension(hs.ch.extensions, ExtensionType.signatureAlgorithms)?.schemes ?? [],
    ticketsUsable: choosePskMode(hs.config, hs.modes) !== undefined,
  };
  if (earlyLimit > 0) {
    hs.engine.allowHalfRttWrite();
    return new ExpectEndOfEarlyData(flight);
  }
  if (askClient) return new ExpectClientCertificate(flight, policy === 'require');
  return new ExpectClientFinished(flight, withoutCertificate(flight));
}

/**
 * Name, ALPN, PSK (binders checked against the transcript before this ClientHello joins it),
 * certificate, record size limit (Go: checkForResumption, pickCertificate).
 */
async function decide(hs: ServerHandshake13): Promise<Decided13> {
  const { engine, config, ch } = hs;
  const sniExt = findExtension(ch.extensions, ExtensionType.serverName);
  const serverName = sniExt === undefined ? undefined : hostName(sniExt);
  const alpn = selectAlpn(config.alpn, ch.extensions);
  const psk = await acceptPsk(hs, serverName);
  hs.transcript.update(hs.m.raw);
  const clientHelloHash = hs.transcript.digest();
  const saData = findExtension(ch.extensions, ExtensionType.signatureAlgorithms);
  let cert: Decided13['cert'];
  if (psk === undefined) {
    if (saData === undefined) throw missingExtension('ClientHello has no signature_algorithms');
    cert = chooseCertificate(hs, serverName, saData.schemes);
  }
  const limitData = findExtension(ch.extensions, ExtensionType.recordSizeLimit);
  if (limitData !== undefined) {
    // RFC 8449 4: a limit below 64 is illegal_parameter.
    if (limitData.recordSizeLimit < 64) throw illegalParameter('record_size_limit is below 64');
    engine.setPeerRecordSizeLimit(limitData.recordSizeLimit);
    // We answer with ours in EncryptedExtensions, so from here on the client must honour it.
    engine.setOwnRecordSizeLimit(config.recordSizeLimit);
  }
  return {
    serverName,
    alpn,
    psk,
    cert,
    clientHelloHash,
    recordSizeLimit: limitData !== undefined,
    earlyOffered: findExtension(ch.extensions, ExtensionType.earlyData) !== undefined,
  };
}

/**
 * Where an ECH acceptance confirmation goes (RFC 9849 7.2): `slot` is a zeroed part of the
 * message (the last 8 bytes of ServerHello.random, or the HelloRetryRequest's ECH extension),
 * filled in once the message with it zeroed has been hashed with `transcript`.
 */
interface EchConfirmationSlot {
  readonly slot: Uint8Array;
  readonly transcript: TranscriptHash;
  readonly helloRetry: boolean;
}

/** A ServerHello or HelloRetryRequest (RFC 8446 4.1.3, 4.1.4) answering `ch`. */
function sendServerHello13(
  engine: HandshakeContext<'server'>,
  ch: ClientHello,
  suite: Suite13,
  random: Uint8Array,
  extensions: Extension[],
  confirmation?: EchConfirmationSlot,
): Promise<RawMessage> {
  extensions.push({
    type: ExtensionType.supportedVersions,
    selectedVersion: ProtocolVersion.TLSv1_3,
  });
  const message = {
    type: HandshakeType.serverHello,
    legacyVersion: ProtocolVersion.TLSv1_2,
    random,
    legacySessionIdEcho: ch.legacySessionId,
    cipherSuite: suite.code as CipherSuite,
    legacyCompressionMethod: 0,
    extensions,
    // The constant itself marks the retry: a fresh random is never that array.
    isHelloRetryRequest: random === HELLO_RETRY_REQUEST_RANDOM,
  } as const;
  if (confirmation !== undefined) {
    const { slot, transcript, helloRetry } = confirmation;
    const th = transcript.digestWith(encodeHandshake(message));
    slot.set(echConfirmation(engine.provider, suite.hash, ch.random, th, helloRetry));
  }
  return engine.sendHandshake(message);
}

/** ServerHello with our key share (none in psk_ke mode, RFC 8446 4.2.9) and the PSK chosen. */
async function sendServerHello(
  hs: ServerHandshake13,
  psk: AcceptedPsk | undefined,
): Promise<{ readonly publicKey: Uint8Array; readonly sharedSecret: Uint8Array } | undefined> {
  const p = hs.engine.provider;
  const random = p.randomBytes(32).slice();
  const kx = p.keyExchange(hs.share.group);
  if (kx === undefined) throw handshakeFailure('no key exchange for the chosen group');
  const keyExchange = psk?.mode !== PskKeyExchangeMode.psk_ke;
  const response = keyExchange ? await kx.respond(hs.share.keyExchange) : undefined;
  const ext: Extension[] = [];
  if (psk !== undefined)
    ext.push({ type: ExtensionType.preSharedKey, selectedIdentity: psk.index });
  if (response !== undefined) {
    ext.push({
      type: ExtensionType.keyShare,
      serverShare: { group: hs.share.group, keyExchange: response.publicKey },
    });
  }
  // RFC 9849 7.2: the last 8 bytes of the random confirm that ClientHelloInner was used.
  const slot = random.subarray(32 - ECH_CONFIRMATION_LENGTH);
  if (hs.echConfirm) slot.fill(0);
  const confirmation = hs.echConfirm
    ? { slot, transcript: hs.transcript, helloRetry: false }
    : undefined;
  const sh = await sendServerHello13(hs.engine, hs.ch, hs.suite, random, ext, confirmation);
  hs.transcript.update(sh.raw);
  return response;
}

/** The handshake secrets; from here on we write with ours (after the compatibility CCS). */
async function handshakeSecrets(
  hs: ServerHandshake13,
  psk: AcceptedPsk | undefined,
  sharedSecret: Uint8Array | undefined,
): Promise<HandshakeSecrets13> {
  const { engine, suite } = hs;
  const early = psk?.earlySecret ?? EarlySecret.create(engine.provider, suite.hash);
  const handshakeSecret = early.deriveHandshakeSecret(sharedSecret);
  const th = hs.transcript.digest();
  const { client: clientHs, server: serverHs } = handshakeTrafficSecrets(handshakeSecret, th);
  engine.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientHs);
  engine.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', serverHs);
  if (hs.ch.legacySessionId.length > 0 && !hs.helloRetry) await engine.sendChangeCipherSpec();
  await engine.setWriteKey(suite, serverHs);
  return { handshakeSecret, clientHs, serverHs };
}

/**
 * The client's next records: early data under the early key when we accept it (RFC 8446
 * 4.2.10), else the handshake key, skipping the early records we cannot read. Returns the
 * early data accepted, 0 for none.
 */
async function startReading(
  hs: ServerHandshake13,
  decided: Decided13,
  secrets: HandshakeSecrets13,
): Promise<number> {
  const { engine, suite } = hs;
  const earlyLimit = decided.earlyOffered
    ? await acceptEarlyData(hs, decided.alpn, decided.psk)
    : 0;
  if (earlyLimit > 0) {
    const secret = earlyTrafficSecret(decided.psk!.earlySecret, decided.clientHelloHash);
    engine.keylog('CLIENT_EARLY_TRAFFIC_SECRET', secret);
    await engine.beginEarlyRead(suite, secret, earlyLimit);
  } else {
    await engine.setReadKey(suite, secrets.clientHs);
    // Rejected: skip records we cannot decrypt, up to what the client may have sent. Not after
    // a HelloRetryRequest: ClientHello2 must not offer early data (RFC 8446 4.2.10), so
    // records that fail to decrypt now are bad_record_mac.
    if (decided.earlyOffered && !hs.helloRetry) engine.skipEarlyData(earlySkipLimit(hs.config));
  }
  engine.allowChangeCipherSpec(true);
  return earlyLimit;
}

/** EncryptedExtensions (RFC 8446 4.3.1). */
async function sendEncryptedExtensions(
  hs: ServerHandshake13,
  decided: Decided13,
  earlyLimit: number,
): Promise<void> {
  const { config } = hs;
  const ee: Extension[] = [
    { type: ExtensionType.supportedGroups, groups: config.groups as NamedGroup[] },
  ];
  if (decided.recordSizeLimit) {
    ee.push({ type: ExtensionType.recordSizeLimit, recordSizeLimit: config.recordSizeLimit });
  }
  if (decided.serverName !== undefined) {
    ee.push({ type: ExtensionType.serverName, serverNames: [] });
  }
  if (decided.alpn !== undefined) {
    ee.push({
      type: ExtensionType.applicationLayerProtocolNegotiation,
      protocols: alpnBytes([decided.alpn]),
    });
  }
  if (earlyLimit > 0) ee.push({ type: ExtensionType.earlyData });
  // RFC 9849 7.1: a rejected client learns our current configurations to retry with.
  if (hs.ech.kind === 'rejected' && hs.ech.retryConfigs !== undefined) {
    ee.push({ type: ENCRYPTED_CLIENT_HELLO as ExtensionType, raw: hs.ech.retryConfigs });
  }
  const message = await hs.engine.sendHandshake({
    type: HandshakeType.encryptedExtensions,
    extensions: ee,
  });
  hs.transcript.update(message.raw);
}

/** CertificateRequest in the handshake (RFC 8446 4.3.2): the empty context. */
async function sendCertificateRequest(hs: ServerHandshake13): Promise<void> {
  const cr = await hs.engine.sendHandshake({
    type: HandshakeType.certificateRequest,
    protocol: 'tls13',
    certificateRequestContext: new Uint8Array(0),
    extensions: [
      {
        type: ExtensionType.signatureAlgorithms,
        schemes: hs.config.signatureSchemes as SignatureScheme[],
      },
      ...certificateAuthoritiesExtensions(hs.config),
      // RFC 8879 section 3: the algorithms we decompress a client's Certificate with.
      ...compressCertificateExtension(hs.config.options.certificateCompression),
    ],
  });
  hs.transcript.update(cr.raw);
}

/** Certificate (with the OCSP staple) and CertificateVerify (RFC 8446 4.4.2, 4.4.3). */
async function sendCertificate(
  hs: ServerHandshake13,
  cert: NonNullable<Decided13['cert']>,
  serverName: string | undefined,
): Promise<void> {
  const { engine, transcript } = hs;
  const staple = await stapleFor(hs.config.options, hs.ch, cert.entry, serverName);
  const certificate = certificateMessage(
    new Uint8Array(0),
    cert.entry.chain,
    staple,
    clientWantsScts(hs.ch.extensions) ? cert.entry.signedCertificateTimestamps : undefined,
  );
  // RFC 8879 section 4: compressed when the client offered an algorithm we can compress with.
  const compression = chooseCompression(hs.config.options.certificateCompression, hs.ch.extensions);
  const certMsg = await engine.sendHandshake(
    compression === undefined ? certificate : await compressCertificate(compression, certificate),
  );
  transcript.update(certMsg.raw);
  const content = certificateVerifyContent('server', transcript.digest());
  const signature = await engine.provider.sign(cert.scheme, cert.entry.key, content);
  const cv = await engine.sendHandshake({
    type: HandshakeType.certificateVerify,
    algorithm: cert.scheme as SignatureScheme,
    signature,
  });
  transcript.update(cv.raw);
}

/** Our Finished, then the application secrets; we write with ours from here on. */
async function sendServerFinished(
  hs: ServerHandshake13,
  secrets: HandshakeSecrets13,
): Promise<Pick<ServerFlight, 'master' | 'clientAp' | 'exporter'>> {
  const { engine, suite, transcript } = hs;
  const p = engine.provider;
  const fin = await engine.sendHandshake({
    type: HandshakeType.finished,
    verifyData: finishedVerifyData(p, suite.hash, secrets.serverHs, transcript.digest()),
  });
  transcript.update(fin.raw);
  const app = applicationSecrets(secrets.handshakeSecret, transcript.digest(), (label, secret) =>
    engine.keylog(label, secret),
  );
  await engine.setWriteKey(suite, app.server);
  return { master: app.master, clientAp: app.client, exporter: app.exporter };
}

/**
 * The client's authentication when it sent no certificate: by the PSK, if one was accepted (RFC
 * 8446 2.2: an external PSK authenticates the client as well as the server), else none.
 */
function withoutCertificate(flight: ServerFlight): PeerAuthenticated {
  const psk = flight.psk;
  if (psk === undefined) return clientUnauthenticated();
  return byPsk(psk.accepted, [], psk.kind !== 'resumption');
}

/** What the server flight established, for the states that wait for the client's reply. */
interface ServerFlight {
  readonly engine: HandshakeContext<'server'>;
  readonly config: ServerConfig;
  readonly suite: Suite13;
  readonly transcript: TranscriptHash;
  readonly master: MasterSecret;
  readonly clientHs: TrafficSecret<'client'>;
  readonly clientAp: TrafficSecret<'client'>;
  readonly exporter: Uint8Array;
  /** undefined in psk_ke mode: no key exchange. */
  readonly group: number | undefined;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  /** The PSK accepted, if any. */
  readonly psk: AcceptedPsk | undefined;
  readonly helloRetry: boolean;
  /** The handshake ran on a ClientHelloInner we decrypted (RFC 9849). */
  readonly echAccepted: boolean;
  /** The ClientHello offered post_handshake_auth (RFC 8446 4.2.6). */
  readonly postHandshakeAuth: boolean;
  readonly earlyData: 'accepted' | 'rejected' | 'none';
  /** The ClientHello's signature_algorithms (empty when it sent none, with a PSK). */
  readonly peerSignatureSchemes: readonly number[];
  /** The client offered a psk_key_exchange_modes value we would resume with. */
  readonly ticketsUsable: boolean;
}

/**
 * The max_early_data_size to accept from this ClientHello, or 0 to reject its early data
 * (RFC 8446 4.2.10, section 8). Every condition is checked before the single-use claim, so a
 * handshake that could not use 0-RTT anyway does not use up the ticket.
 */
async function acceptEarlyData(
  hs: ServerHandshake13,
  alpn: string | undefined,
  psk: AcceptedPsk | undefined,
): Promise<number> {
  const { engine, config, suite, helloRetry } = hs;
  const state = psk?.state;
  if (config.maxEarlyData === 0 || config.antiReplay === undefined) return 0;
  if (helloRetry || psk === undefined || state === undefined || psk.index !== 0) return 0;
  if (state.maxEarlyData === 0 || state.cipherSuite !== suite.code) return 0;
  if (state.alpn !== (alpn ?? '')) return 0;
  // RFC 8446 8.3: the ClientHello must be recent: the ages must agree within the window.
  if (psk.ageSkew > config.earlyDataWindow) return 0;
  // RFC 8446 8.1: each ticket carries early data at most once. The ticket's PSK names it.
  const key = engine.provider.hash('SHA-256', state.psk);
  const expires = state.issuedAt + state.lifetime * 1000;
  if (!(await config.antiReplay.claim(key, expires, engine.now()))) return 0;
  return Math.min(state.maxEarlyData, config.maxEarlyData);
}

/** RFC 8446 4.5: accepted early data ends with EndOfEarlyData, under the early key. */
class ExpectEndOfEarlyData implements State {
  readonly name = 'ExpectEndOfEarlyData';
  constructor(private readonly flight: ServerFlight) {}

  async handle(m: RawMessage): Promise<State> {
    expectMessage(m, HandshakeType.endOfEarlyData, this.name);
    const { engine, transcript, suite, clientHs } = this.flight;
    transcript.update(m.raw);
    engine.endEarlyRead();
    await engine.setReadKey(suite, clientHs);
    // A PSK handshake: no client certificate was asked for.
    return new ExpectClientFinished(this.flight, withoutCertificate(this.flight));
  }
}

class ExpectClientCertificate implements State {
  readonly name = 'ExpectClientCertificate';
  constructor(
    private readonly flight: ServerFlight,
    private readonly required: boolean,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    // RFC 8879 section 4: a CompressedCertificate if our CertificateRequest offered algorithms.
    const algorithms = this.flight.config.options.certificateCompression ?? [];
    const cert =
      m.type === HandshakeType.compressedCertificate && algorithms.length > 0
        ? await decompressCertificate(m, algorithms)
        : certificate13(expectMessage(m, HandshakeType.certificate, this.name));
    if (cert.certificateRequestContext.length !== 0) {
      throw illegalParameter('client Certificate context does not match the request');
    }
    for (const e of cert.certificateList) checkExtensionsAllowed(e.extensions, 'certificate', []);
    const { engine, config, transcript } = this.flight;
    transcript.update(m.raw);
    if (cert.certificateList.length === 0) {
      // RFC 8446 4.4.2.4: without a certificate, the server may go on or abort with certificate_required.
      if (this.required) throw certificateRequired('the server requires a client certificate');
      return new ExpectClientFinished(this.flight, clientUnauthenticated());
    }
    const chain = cert.certificateList.map((e) => e.data.slice());
    const peer = await checkClientChain(engine, config, this.flight.serverName, chain);
    return new ExpectClientCertificateVerify(this.flight, peer);
  }
}

class ExpectClientCertificateVerify implements State {
  readonly name = 'ExpectClientCertificateVerify';
  constructor(
    private readonly flight: ServerFlight,
    private readonly peer: PeerChain,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const { engine, config, transcript } = this.flight;
    const proof = await verifyClientSignature(engine, config, this.peer, m, this.name, transcript);
    return new ExpectClientFinished(
      this.flight,
      byCertificate(this.peer.chain, this.peer.accepted, proof),
    );
  }
}

class ExpectClientFinished implements State {
  readonly name = 'ExpectClientFinished';
  constructor(
    private readonly flight: ServerFlight,
    private readonly auth: PeerAuthenticated,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    const fin = expectMessage(m, HandshakeType.finished, this.name);
    const f = this.flight;
    const { engine, transcript, suite } = f;
    const p = engine.provider;
    const finished: FinishedVerified = verifyFinished(
      p,
      suite,
      f.clientHs,
      transcript.digest(),
      fin.verifyData,
    );
    transcript.update(m.raw);
    await engine.setReadKey(suite, f.clientAp);
    engine.allowChangeCipherSpec(false);
    const resumption = f.master.resumptionMasterSecret(transcript.digest());
    // Tickets first, sealed before the handshake is reported (as OpenSSL does): a client that
    // closes as soon as both ends are connected would otherwise meet them on a closed socket,
    // and the failed write costs an error and a stack trace per connection (issue 7).
    await issueTickets(f, resumption);
    await engine.flushHandshake();
    engine.established(
      {
        version: 'TLSv1.3',
        cipherSuite: suite.name,
        cipherSuiteCode: suite.code,
        group: f.group === undefined ? undefined : nameOf(NamedGroup, f.group),
        groupCode: f.group,
        peerSignatureScheme: this.auth.scheme,
        signatureSchemes: f.config.signatureSchemes,
        peerSignatureSchemes: f.peerSignatureSchemes,
        alpn: f.alpn,
        serverName: f.serverName,
        peerCertificates: this.auth.chain,
        resumed: f.psk?.kind === 'resumption',
        helloRetryRequest: f.helloRetry,
        peerVerified: this.auth.verified,
        ...(f.psk?.identity === undefined ? {} : { pskIdentity: f.psk.identity }),
        ...(f.psk?.kind === 'resumption' ? { ticketAgeSkew: f.psk.signedAgeSkew } : {}),
        earlyData: f.earlyData,
        ...(f.echAccepted ? { echAccepted: true } : {}),
      },
      established13(p, suite.hash, suite.hashLength, f.exporter),
      { peerFinished: finished, peer: this.auth },
    );
    // RFC 8446 4.2.6: only a client that offered post_handshake_auth may be asked later.
    const postHandshake: PostHandshakeContext | undefined = f.postHandshakeAuth
      ? { engine, config: f.config, suite, transcript, serverName: f.serverName }
      : undefined;
    return new ServerConnected(engine, postHandshake);
  }
}

/** RFC 8446 4.6.1: NewSessionTicket messages after the handshake. */
async function issueTickets(f: ServerFlight, resumptionSecret: Uint8Array): Promise<void> {
  const { engine, config, suite } = f;
  const sealer = config.sealer;
  if (sealer === undefined || config.options.resumption === false) return;
  // RFC 8446 4.2.9: servers SHOULD NOT send tickets the client's modes cannot resume with.
  if (!f.ticketsUsable) return;
  const p = engine.provider;
  const maxEarly =
    config.maxEarlyData > 0 ? config.maxEarlyData : (config.options.ticketMaxEarlyData ?? 0);
  const extensions: Extension[] =
    maxEarly > 0 ? [{ type: ExtensionType.earlyData, maxEarlyDataSize: maxEarly }] : [];
  if (config.options.grease === true) extensions.push(greaseTicketExtension(p));
  for (let i = 0; i < config.ticketCount; i++) {
    const nonce = Uint8Array.of(i >> 8, i & 0xff);
    const ageAdd = new DataView(p.randomBytes(4).buffer).getUint32(0);
    const psk = resumptionPsk(p, suite.hash, resumptionSecret, nonce);
    const state: TicketState = {
      cipherSuite: suite.code,
      psk,
      issuedAt: engine.now(),
      lifetime: config.ticketLifetime,
      ageAdd,
      alpn: f.alpn ?? '',
      serverName: f.serverName ?? '',
      maxEarlyData: config.maxEarlyData,
    };
    const ticket = await sealer.seal(encodeTicketState(state));
    // The sealer declined to issue this ticket (a TLS 1.3 ticket is never empty).
    if (ticket.length === 0) continue;
    await engine.sendHandshake({
      type: HandshakeType.newSessionTicket,
      protocol: 'tls13',
      ticketLifetime: config.ticketLifetime,
      ticketAgeAdd: ageAdd,
      ticketNonce: nonce,
      ticket,
      extensions,
    });
  }
}

/**
 * After the handshake the server handles KeyUpdate; anything else is unexpected. With a client
 * that offered post_handshake_auth it can also ask for the client's certificate (RFC 8446 4.6.2).
 */
class ServerConnected implements State {
  readonly name = 'ServerConnected';
  readonly requestCertificate: (() => Promise<State>) | undefined;
  constructor(
    private readonly engine: HandshakeContext<'server'>,
    postHandshake: PostHandshakeContext | undefined,
  ) {
    this.requestCertificate =
      postHandshake === undefined ? undefined : () => requestClientCertificate(postHandshake, this);
  }

  async handle(m: RawMessage): Promise<State> {
    const requested = expectMessage(m, HandshakeType.keyUpdate, this.name).requestUpdate === 1;
    await this.engine.updateReadKey(requested);
    return this;
  }
}
