/**
 * The ClientHello tlskit sends (RFC 8446 4.1.2): one message offering TLS 1.3 and, when the
 * options allow it, TLS 1.2 (RFC 5246 7.4.1.2), with the resumption or external PSK and 0-RTT
 * it can offer. The client hub sends ClientHello1; the TLS 1.3 client sends ClientHello2 after
 * a HelloRetryRequest.
 */
import { HASH_LENGTH, type HashName, type KeyShare } from '@tlskit/crypto';
import {
  type CipherSuite,
  type ClientHello,
  type EcPointFormat,
  encodePskBinders,
  type Extension,
  ExtensionType,
  HandshakeType,
  type NamedGroup,
  type OfferedPsksExtension,
  ProtocolVersion,
  type PskKeyExchangeMode,
  type SignatureScheme,
} from '@tlskit/wire';
import { alpnBytes, frame } from '../core/codec.js';
import { EarlySecret, type PskKind, TranscriptHash } from '@tlskit/key-schedule';
import type { HandshakeContext } from '../core/context.js';
import { earlyTrafficSecret } from '../core/secrets.js';
import { handshakeFailure } from '../core/errors.js';
import type { Session12, Session13 } from '../core/events.js';
import { statusRequestExtension } from '../certs/ocsp.js';
import { sctRequestExtension } from '../certs/sct.js';
import { encodeImportedIdentity, importPsk } from './psk-importer.js';
import { compressCertificateExtension } from './cert-compression.js';
import { padClientHello } from './padding.js';
import {
  chooseGrease,
  type GreaseValues,
  greaseCipherSuites,
  greaseExtensions,
  isGrease,
} from './grease.js';
import { type Suite13, suite13 } from '../core/suites.js';
import { ticketAge } from '../core/tickets.js';
import type { ClientConfig } from '../core/config.js';
import { reverifySession } from '../certs/verify.js';
import { ENCRYPTED_CLIENT_HELLO } from './ech.js';
import { type EchOffer, greaseEch, sealClientHelloOuter, startEch } from './ech-client.js';

/** 0-RTT offered in ClientHello1 (RFC 8446 2.3), and what became of it. */
export interface EarlyOffer {
  /** The ticket's max_early_data_size. */
  readonly limit: number;
  /** The session whose suite and ALPN the server must keep to accept it. */
  readonly session: Session13;
  /** Early data sent before a HelloRetryRequest rejected it. */
  rejected: Uint8Array[] | undefined;
}

/** Everything the states share for one handshake. */
export interface Hello {
  readonly engine: HandshakeContext<'client'>;
  readonly config: ClientConfig;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly transcript: TranscriptHash;
  /** Extension types we sent, to refuse unsolicited ones in responses (RFC 8446 4.2). */
  readonly offered: Set<number>;
  /** The PSK offered, if any. */
  readonly psk: OfferedPsk | undefined;
  readonly helloRetry: boolean;
  /** The ClientHello as sent (a TLS 1.2 transcript starts with it). */
  readonly sent: Uint8Array[];
  /** A TLS 1.2 session offered for resumption. */
  readonly session12: Session12 | undefined;
  /** 0-RTT, when ClientHello1 offered it. */
  readonly early: EarlyOffer | undefined;
  /** Encrypted ClientHello offered and not yet settled by a ServerHello (RFC 9849 6.1). */
  readonly ech: EchOffer | undefined;
  /**
   * What the server made of our ECH offer: accepted (the handshake runs on ClientHelloInner),
   * rejected (it runs on ClientHelloOuter, authenticates the public name, and ends with
   * ech_required), or none offered.
   */
  readonly echStatus: 'none' | 'accepted' | 'rejected';
  /** GREASE values (RFC 8701) when the options ask for them, the same in ClientHello2. */
  readonly grease: GreaseValues | undefined;
  /** The GREASE encrypted_client_hello sent instead of a real offer (RFC 9849 6.2), if any. */
  readonly echGrease: Uint8Array | undefined;
}

/** The one PSK a ClientHello offers: a ticket (resumption) or an external key. */
export interface OfferedPsk {
  readonly kind: PskKind;
  readonly identity: Uint8Array;
  /** The external PSK's own identity (reported in HandshakeInfo.pskIdentity). */
  readonly externalIdentity?: Uint8Array;
  /** RFC 8446 4.2.11: the ticket age plus ticket_age_add, mod 2^32; 0 for external PSKs. */
  readonly obfuscatedTicketAge: () => number;
  readonly hash: HashName;
  readonly hashLength: number;
  readonly earlySecret: EarlySecret;
  /** The session a resumption PSK comes from, and its suite. */
  readonly session: Session13 | undefined;
  readonly suite: Suite13 | undefined;
}

export async function generateShares(
  engine: HandshakeContext<'client'>,
  groups: readonly number[],
): Promise<KeyShare[]> {
  const shares: KeyShare[] = [];
  for (const group of groups) {
    const kx = engine.provider.keyExchange(group);
    if (kx === undefined) throw handshakeFailure(`no key exchange for group ${group}`);
    shares.push(await kx.generate());
  }
  return shares;
}

function offerableSession12(
  engine: HandshakeContext<'client'>,
  config: ClientConfig,
): Session12 | undefined {
  const session = config.session;
  if (session === undefined || session.version !== 'TLSv1.2' || !config.offerTls12)
    return undefined;
  // RFC 9849 6.1: ClientHelloInner offers TLS 1.3 only, and the outer hello must not resume.
  if (config.ech !== undefined) return undefined;
  if (!config.suites12.includes(session.cipherSuite)) return undefined;
  if (ticketAge(engine.now(), session.receivedAt, session.lifetime) === undefined) return undefined;
  if (session.serverName !== config.options.serverName) return undefined;
  if (session.ticket === undefined && session.sessionId.length === 0) return undefined;
  return session;
}

function offerablePsk(
  engine: HandshakeContext<'client'>,
  config: ClientConfig,
): OfferedPsk | undefined {
  const external = config.externalPsk;
  if (external !== undefined) {
    if (!config.offerTls13) return undefined;
    const p = engine.provider;
    // RFC 9258: an imported PSK sends the ImportedIdentity and uses the key derived from it.
    const importer = external.importer;
    const identity =
      importer === undefined
        ? external.identity
        : encodeImportedIdentity(
            external.identity,
            importer.context ?? new Uint8Array(0),
            external.hash,
          );
    const key =
      importer === undefined ? external.key : importPsk(p, external.key, identity, external.hash);
    return {
      kind: importer === undefined ? 'external' : 'imported',
      identity,
      externalIdentity: external.identity,
      obfuscatedTicketAge: () => 0,
      hash: external.hash,
      hashLength: HASH_LENGTH[external.hash],
      earlySecret: EarlySecret.create(p, external.hash, key),
      session: undefined,
      suite: undefined,
    };
  }
  const session = config.session;
  if (session === undefined || session.version !== 'TLSv1.3' || !config.offerTls13)
    return undefined;
  const suite = suite13(session.cipherSuite);
  if (suite === undefined || !config.suites.includes(suite.code)) return undefined;
  // RFC 8446 4.6.1: never use a ticket past its lifetime.
  if (ticketAge(engine.now(), session.receivedAt, session.lifetime) === undefined) return undefined;
  if (session.serverName !== config.options.serverName) return undefined;
  return {
    kind: 'resumption',
    identity: session.ticket,
    obfuscatedTicketAge: () =>
      (Math.max(0, engine.now() - session.receivedAt) + session.ageAdd) >>> 0,
    hash: suite.hash,
    hashLength: suite.hashLength,
    earlySecret: EarlySecret.create(engine.provider, suite.hash, session.psk),
    session,
    suite,
  };
}

/**
 * Early data went out with ClientHello1 and no HelloRetryRequest rejected it: we still write
 * with the early key.
 */
export function earlyInFlight(hello: Hello): boolean {
  return hello.early !== undefined && hello.early.rejected === undefined;
}

/**
 * RFC 8446 4.2.10: early data only with a resumption PSK whose ticket allows it, and only if we
 * can offer the session's ALPN again (the server must select the same protocol to accept).
 */
function earlyOffer(config: ClientConfig, psk: OfferedPsk | undefined): EarlyOffer | undefined {
  if (config.options.earlyData !== true || psk?.session === undefined) return undefined;
  // 0-RTT with ECH (RFC 9849 6.1: under ClientHelloInner's keys) is not implemented yet.
  if (config.ech !== undefined) return undefined;
  const session = psk.session;
  if (session.maxEarlyData === 0) return undefined;
  if (session.alpn !== undefined && !config.alpn.includes(session.alpn)) return undefined;
  return { limit: session.maxEarlyData, session, rejected: undefined };
}

/**
 * Sends a ClientHello for `hello` (ClientHello1, or ClientHello2 with the retry's shares and
 * cookie) and adds it to the transcript. The steps, in wire order: the extensions TLS 1.2 also
 * reads, the TLS 1.3 offer, the signature schemes, the optional features; then the message,
 * with the PSK binder last when a PSK is offered.
 */
export async function sendClientHello(
  hello: Hello,
  shares: readonly KeyShare[],
  cookie: Uint8Array | undefined,
): Promise<void> {
  const ext = [
    ...sharedExtensions(hello),
    ...tls13Extensions(hello.config, shares),
    ...signatureExtensions(hello.config),
    ...featureExtensions(hello, cookie),
  ];
  if (hello.echGrease !== undefined) {
    ext.push({ type: ENCRYPTED_CLIENT_HELLO as ExtensionType, raw: hello.echGrease });
  }
  for (const e of ext) hello.offered.add(e.type);
  // GREASE goes in after `offered` is filled: a server that answers with a GREASE extension is
  // refused as for any extension we did not offer.
  const greased =
    hello.grease === undefined ? ext : greaseExtensions(ext, hello.grease, hello.helloRetry);
  const ech = hello.ech;
  if (ech !== undefined) {
    await sendEncryptedClientHello(hello, ech, greased);
    return;
  }
  const psk = hello.psk;
  const sent =
    hello.config.options.clientHelloPadding === true
      ? padClientHello(greased, (list) => {
          const all = psk === undefined ? list : [...list, pskExtension(psk, placeholder(psk))];
          return frame(clientHelloMessage(hello, all, hello.random)).raw.length;
        })
      : greased;
  const message = await hello.engine.sendHandshake(
    psk === undefined
      ? clientHelloMessage(hello, sent, hello.random)
      : withBinder(hello, psk, sent, hello.random, hello.transcript),
  );
  hello.transcript.update(message.raw);
  hello.sent.push(message.raw);
}

/** Extensions only a TLS 1.2 server reads: ClientHelloInner, which offers TLS 1.3 only, omits them. */
const tls12Only: ReadonlySet<number> = new Set([
  ExtensionType.renegotiationInfo,
  ExtensionType.sessionTicket,
  ExtensionType.extendedMasterSecret,
  ExtensionType.ecPointFormats,
]);

/**
 * RFC 9849 6.1: ClientHelloInner is the hello we would send, offering TLS 1.3 only, with the
 * inner encrypted_client_hello and its own random (and the PSK, bound to the inner
 * transcript); what goes on the wire is ClientHelloOuter, which names the configuration's public
 * name, offers no PSK and no early data, and carries the inner hello encrypted.
 */
async function sendEncryptedClientHello(
  hello: Hello,
  ech: EchOffer,
  ext: readonly Extension[],
): Promise<void> {
  const innerExt: Extension[] = ext
    .filter((e) => !tls12Only.has(e.type))
    .map((e) =>
      e.type === ExtensionType.supportedVersions && 'versions' in e
        ? {
            type: ExtensionType.supportedVersions,
            // TLS 1.3 only, keeping a GREASE version (RFC 8701) where `grease` put one.
            versions: e.versions.filter(
              (v: ProtocolVersion) => v === ProtocolVersion.TLSv1_3 || isGrease(v),
            ),
          }
        : e,
    );
  innerExt.push({ type: ENCRYPTED_CLIENT_HELLO as ExtensionType, raw: Uint8Array.of(1) });
  const inner =
    hello.psk === undefined
      ? clientHelloMessage(hello, innerExt, ech.innerRandom)
      : withBinder(hello, hello.psk, innerExt, ech.innerRandom, ech.innerTranscript);
  ech.innerTranscript.update(frame(inner).raw);
  const name = new TextEncoder().encode(ech.choice.config.publicName);
  const outerExt: Extension[] = [
    { type: ExtensionType.serverName, serverNames: [{ nameType: 0, name }] },
    ...ext.filter((e) => e.type !== ExtensionType.serverName && e.type !== ExtensionType.earlyData),
  ];
  hello.offered.add(ENCRYPTED_CLIENT_HELLO);
  const outerHello = clientHelloMessage(hello, outerExt, hello.random);
  // After a retry that rejected ECH, ClientHelloOuter2 repeats ClientHelloOuter1's extension.
  const outer =
    hello.echStatus === 'rejected' && ech.sent !== undefined
      ? {
          ...outerHello,
          extensions: [
            ...outerExt,
            { type: ENCRYPTED_CLIENT_HELLO as ExtensionType, raw: ech.sent },
          ],
        }
      : await sealClientHelloOuter(
          ech,
          inner,
          outerHello,
          hello.config.options.serverName,
          !hello.helloRetry,
        );
  const message = await hello.engine.sendHandshake(outer);
  hello.transcript.update(message.raw);
  hello.sent.push(message.raw);
}

/** server_name and supported_groups, and what a TLS 1.2 server needs besides. */
function sharedExtensions(hello: Hello): Extension[] {
  const { config } = hello;
  const o = config.options;
  const legacy = config.offerTls12 || o.sendLegacyExtensions === true;
  const ext: Extension[] = [];
  if (o.serverName !== undefined && !isIpLiteral(o.serverName)) {
    const name = new TextEncoder().encode(o.serverName);
    ext.push({ type: ExtensionType.serverName, serverNames: [{ nameType: 0, name }] });
  }
  if (legacy) {
    ext.push({ type: ExtensionType.renegotiationInfo, renegotiatedConnection: new Uint8Array(0) });
  }
  ext.push({ type: ExtensionType.supportedGroups, groups: config.groups as NamedGroup[] });
  if (legacy) {
    // RFC 5077 3.1: an empty extension asks for a ticket; a ticket asks to resume with it.
    const ticket = hello.session12?.ticket ?? new Uint8Array(0);
    ext.push({ type: ExtensionType.sessionTicket, ticket });
  }
  if (config.offerTls12) {
    // RFC 7627: extended master secret; RFC 8422 5.1.2: uncompressed points only.
    ext.push({ type: ExtensionType.extendedMasterSecret });
    ext.push({ type: ExtensionType.ecPointFormats, formats: [0 as EcPointFormat] });
  }
  return ext;
}

/** key_share and supported_versions (RFC 8446 4.2.8, 4.2.1), when TLS 1.3 is offered. */
function tls13Extensions(config: ClientConfig, shares: readonly KeyShare[]): Extension[] {
  if (!config.offerTls13) return [];
  const versions = config.offerTls12
    ? [ProtocolVersion.TLSv1_3, ProtocolVersion.TLSv1_2]
    : [ProtocolVersion.TLSv1_3];
  return [
    {
      type: ExtensionType.keyShare,
      clientShares: shares.map((s) => ({ group: s.group as NamedGroup, keyExchange: s.publicKey })),
    },
    { type: ExtensionType.supportedVersions, versions },
  ];
}

/** signature_algorithms for every version offered, and signature_algorithms_cert when set. */
function signatureExtensions(config: ClientConfig): Extension[] {
  const schemes = config.offerTls13 ? [...config.signatureSchemes] : [];
  if (config.offerTls12) {
    for (const s of config.signatureSchemes12) if (!schemes.includes(s)) schemes.push(s);
  }
  const ext: Extension[] = [
    { type: ExtensionType.signatureAlgorithms, schemes: schemes as SignatureScheme[] },
  ];
  if (config.signatureSchemesCert !== undefined) {
    ext.push({
      type: ExtensionType.signatureAlgorithmsCert,
      schemes: config.signatureSchemesCert as SignatureScheme[],
    });
  }
  return ext;
}

/** PSK modes, certificate compression, record size limit, OCSP, post-handshake auth, ALPN, the retry's cookie, 0-RTT. */
function featureExtensions(hello: Hello, cookie: Uint8Array | undefined): Extension[] {
  const { config } = hello;
  const o = config.options;
  const ext: Extension[] = [];
  if (config.offerTls13) {
    ext.push({
      type: ExtensionType.pskKeyExchangeModes,
      modes: config.pskModes as PskKeyExchangeMode[],
    });
  }
  if (config.offerTls13) ext.push(...compressCertificateExtension(o.certificateCompression));
  if (o.recordSizeLimit !== undefined) {
    ext.push({ type: ExtensionType.recordSizeLimit, recordSizeLimit: o.recordSizeLimit });
  }
  if (o.requestOcsp === true) ext.push(statusRequestExtension());
  if (o.requestSignedCertificateTimestamps === true) ext.push(sctRequestExtension());
  if (offersPostHandshakeAuth(config)) ext.push({ type: ExtensionType.postHandshakeAuth });
  if (config.alpn.length > 0) {
    ext.push({
      type: ExtensionType.applicationLayerProtocolNegotiation,
      protocols: alpnBytes(config.alpn),
    });
  }
  if (cookie !== undefined) ext.push({ type: ExtensionType.cookie, cookie });
  // RFC 8446 4.2.10: early_data only in ClientHello1 (a retry rejects it).
  if (hello.early !== undefined && !hello.helloRetry) ext.push({ type: ExtensionType.earlyData });
  return ext;
}

function clientHelloMessage(
  hello: Hello,
  extensions: readonly Extension[],
  random: Uint8Array,
): ClientHello {
  const { config } = hello;
  return {
    type: HandshakeType.clientHello,
    legacyVersion: ProtocolVersion.TLSv1_2,
    random,
    legacySessionId: hello.sessionId,
    cipherSuites: greaseCipherSuites(
      [
        ...(config.offerTls13 ? config.suites : []),
        ...(config.offerTls12 ? config.suites12 : []),
      ] as CipherSuite[],
      hello.grease,
    ),
    legacyCompressionMethods: Uint8Array.of(0),
    extensions,
  };
}

/**
 * RFC 8446 4.2.11: pre_shared_key goes last, and its binder covers the ClientHello up to the
 * binders list (after a retry, with `transcript` so far in front).
 */
function withBinder(
  hello: Hello,
  psk: OfferedPsk,
  ext: readonly Extension[],
  random: Uint8Array,
  transcript: TranscriptHash,
): ClientHello {
  hello.offered.add(ExtensionType.preSharedKey);
  const offer = pskExtension(psk, placeholder(psk));
  const withBinders = (binders: Uint8Array[]) =>
    clientHelloMessage(hello, [...ext, { ...offer, binders }], random);
  const binders = placeholder(psk);
  const full = frame(withBinders(binders)).raw;
  const truncated = full.subarray(0, full.length - encodePskBinders(binders).length);
  const bindersHash = hello.helloRetry
    ? transcript.digestWith(truncated)
    : hello.engine.provider.hash(psk.hash, truncated);
  const binder = psk.earlySecret.pskBinder(psk.kind, bindersHash);
  return withBinders([binder]);
}

/**
 * The pre_shared_key extension offering `psk` with `binders`. The ticket age is read once per
 * call: a binder covers the identity, so one message must be built from one call's identities.
 */
function pskExtension(psk: OfferedPsk, binders: Uint8Array[]): OfferedPsksExtension {
  const identities = [{ identity: psk.identity, obfuscatedTicketAge: psk.obfuscatedTicketAge() }];
  return { type: ExtensionType.preSharedKey, identities, binders };
}

/** Binders of the right length, for a ClientHello measured or hashed before the binder exists. */
const placeholder = (psk: OfferedPsk) => [new Uint8Array(psk.hashLength)];

function isIpLiteral(name: string): boolean {
  // RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted in HostName."
  return /^[0-9.]+$/.test(name) || name.includes(':');
}

/** Builds and sends ClientHello1 (and, with 0-RTT, starts the early data). */
export async function sendClientHello1(
  engine: HandshakeContext<'client'>,
  config: ClientConfig,
): Promise<{ hello: Hello; shares: KeyShare[] }> {
  const p = engine.provider;
  const random = p.randomBytes(32);
  engine.setClientRandom(random);
  const middlebox = config.options.middleboxCompatibility ?? true;
  const session12 = offerableSession12(engine, config);
  let sessionId = middlebox ? p.randomBytes(32) : new Uint8Array(0);
  // RFC 5246 7.4.1.2: resume by session ID; RFC 5077 3.4: with a ticket, a fresh ID shows
  // whether the server accepted it (it echoes the ID).
  if (session12 !== undefined) {
    sessionId =
      session12.ticket !== undefined
        ? sessionId.length > 0
          ? sessionId
          : p.randomBytes(32)
        : session12.sessionId;
  }
  const shares = await generateShares(engine, config.keyShareGroups);
  const transcript = new TranscriptHash(p);
  const psk = offerablePsk(engine, config);
  const early = earlyOffer(config, psk);
  // With 0-RTT the chain is verified again before anything is sent under the session.
  if (early !== undefined) {
    const chain = psk?.session?.peerCertificates ?? [];
    await reverifySession(engine.now(), config.options, config.chain, chain);
  }
  const hello: Hello = {
    engine,
    config,
    random,
    sessionId,
    transcript,
    offered: new Set(),
    psk,
    helloRetry: false,
    sent: [],
    session12,
    early,
    ech:
      config.ech === undefined ? undefined : await startEch(p, config.ech, new TranscriptHash(p)),
    echStatus: 'none',
    grease: config.options.grease === true ? chooseGrease(p) : undefined,
    echGrease:
      config.ech === undefined && config.offerTls13 && config.options.echGrease === true
        ? greaseEch(p)
        : undefined,
  };
  await sendClientHello(hello, shares, undefined);
  engine.allowChangeCipherSpec(true);
  if (early !== undefined && psk?.suite !== undefined) {
    // RFC 8446 D.4: with early data, change_cipher_spec goes right after ClientHello1.
    if (middlebox) await engine.sendChangeCipherSpec();
    const chHash = p.hash(psk.hash, hello.sent[0]!);
    const secret = earlyTrafficSecret(psk.earlySecret, chHash);
    engine.keylog('CLIENT_EARLY_TRAFFIC_SECRET', secret);
    await engine.beginEarlyWrite(psk.suite, secret, early.limit);
  }
  return { hello, shares };
}

/**
 * RFC 8446 4.2.6: offer post_handshake_auth when the options say so, by default when we have a
 * certificate to answer with.
 */
export function offersPostHandshakeAuth(config: ClientConfig): boolean {
  const o = config.options;
  return (
    config.offerTls13 &&
    (o.postHandshakeAuth ?? (o.certificate !== undefined || o.clientCertCallback !== undefined))
  );
}
