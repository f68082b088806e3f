/**
 * Encrypted ClientHello, client side (RFC 9849 6): choosing a configuration, sealing
 * ClientHelloInner into ClientHelloOuter, and reading the server's acceptance confirmation.
 */
import {
  type CryptoProvider,
  type HashName,
  HpkeAead,
  type HpkeContext,
  HpkeKdf,
  HpkeKem,
  type HpkeSuite,
  hpkeSupported,
  setupBaseSender,
} from '@tlskit/crypto';
import { constantTimeEqual, type TranscriptHash } from '@tlskit/key-schedule';
import {
  type ClientHello,
  concatBytes,
  encodeHandshake,
  encodeWith,
  type Extension,
  type ExtensionType,
  Reader,
} from '@tlskit/wire';
import { decodeEchConfigList, type EchConfig } from '../core/ech-config.js';
import { OptionsError } from '../core/options.js';
import { ECH_CONFIRMATION_LENGTH, ENCRYPTED_CLIENT_HELLO, echConfirmation } from './ech.js';

/** The configuration and HPKE suite a client encrypts to. */
export interface EchChoice {
  readonly config: EchConfig;
  readonly suite: HpkeSuite;
}

/**
 * The first configuration of `list` the client can use (RFC 9849 6.1): DHKEM(X25519), a
 * cipher suite tlskit's HPKE has, no mandatory extension (tlskit knows none), a usable public
 * name. Undefined when none is.
 * @throws OptionsError when `list` is not an ECHConfigList.
 */
export function chooseEchConfig(list: Uint8Array): EchChoice | undefined {
  let configs: EchConfig[];
  try {
    configs = decodeEchConfigList(list);
  } catch (error) {
    throw new OptionsError(`echConfigList is not an ECHConfigList: ${error}`);
  }
  for (const config of configs) {
    if (config.kem !== HpkeKem.DHKEM_X25519_HKDF_SHA256 || config.publicKey.length !== 32) continue;
    if (config.extensionTypes.some((t) => (t & 0x8000) !== 0)) continue;
    if (!/^[a-z0-9.-]+$/i.test(config.publicName) || /^[0-9.]+$/.test(config.publicName)) continue;
    const suite = config.cipherSuites
      .map((s) => ({ kem: config.kem, ...s }))
      .find((s) => hpkeSupported(s));
    if (suite !== undefined) return { config, suite };
  }
  return undefined;
}

/** An ECH offer in flight: the HPKE context and what ClientHelloInner hashed. */
export interface EchOffer {
  readonly choice: EchChoice;
  readonly context: HpkeContext;
  /** The encapsulated key, sent in ClientHelloOuter1 only (RFC 9849 6.1.5). */
  readonly enc: Uint8Array;
  readonly innerRandom: Uint8Array;
  /** The inner handshake's transcript: ClientHelloInner1 (and the retry's messages). */
  readonly innerTranscript: TranscriptHash;
  /** ClientHelloOuter1's encrypted_client_hello, repeated as is after a rejecting retry. */
  sent: Uint8Array | undefined;
}

/** Sets up HPKE to the chosen configuration (RFC 9849 6.1: info "tls ech" || 0 || config). */
export async function startEch(
  provider: CryptoProvider,
  choice: EchChoice,
  innerTranscript: TranscriptHash,
): Promise<EchOffer> {
  const info = concatBytes([new TextEncoder().encode('tls ech\0'), choice.config.raw]);
  const { enc, context } = await setupBaseSender(
    provider,
    choice.suite,
    choice.config.publicKey,
    info,
  );
  return {
    choice,
    context,
    enc,
    innerRandom: provider.randomBytes(32).slice(),
    innerTranscript,
    sent: undefined,
  };
}

/**
 * EncodedClientHelloInner (RFC 9849 5.1, 6.1.3): the inner hello's body without its
 * legacy_session_id, padded so the name's length does not show, to a multiple of 32 bytes.
 */
function encodedInner(inner: ClientHello, config: EchConfig, serverName: string | undefined) {
  const body = encodeHandshake({ ...inner, legacySessionId: new Uint8Array(0) }).subarray(4);
  const nameLength = serverName === undefined ? 0 : new TextEncoder().encode(serverName).length;
  let padding =
    serverName === undefined
      ? config.maximumNameLength + 9
      : Math.max(0, config.maximumNameLength - nameLength);
  const length = body.length + padding;
  padding += 31 - ((length - 1) % 32);
  return concatBytes([body, new Uint8Array(padding)]);
}

/**
 * ClientHelloOuter for `inner`: `outerExtensions` (the public name's SNI already in them) and
 * the encrypted_client_hello extension, whose payload is ClientHelloInner sealed with the
 * outer hello (payload zeroed) as additional data (RFC 9849 5.2). `first` sends `enc`.
 */
export async function sealClientHelloOuter(
  offer: EchOffer,
  inner: ClientHello,
  outer: ClientHello,
  serverName: string | undefined,
  first: boolean,
): Promise<ClientHello> {
  const encoded = encodedInner(inner, offer.choice.config, serverName);
  const payload = new Uint8Array(encoded.length + 16);
  const { suite, config } = offer.choice;
  const ech = encodeWith((w) => {
    w.u8(0, 'type');
    w.u16(suite.kdf, 'kdf_id');
    w.u16(suite.aead, 'aead_id');
    w.u8(config.configId, 'config_id');
    w.vector16('enc', 0, 0xffff, () => w.bytes(first ? offer.enc : new Uint8Array(0)));
    w.vector16('payload', 1, 0xffff, () => w.bytes(payload));
  }).slice();
  const extensions: Extension[] = [
    ...outer.extensions,
    { type: ENCRYPTED_CLIENT_HELLO as ExtensionType, raw: ech },
  ];
  const message: ClientHello = { ...outer, extensions };
  const aad = encodeHandshake(message).subarray(4);
  const sealed = await offer.context.seal(aad, encoded);
  ech.set(sealed, ech.length - sealed.length);
  offer.sent ??= ech;
  return message;
}

/** Whether ServerHello.random confirms ECH (RFC 9849 7.2), with the inner transcript so far. */
export function serverHelloConfirmsEch(
  provider: CryptoProvider,
  hash: HashName,
  offer: EchOffer,
  raw: Uint8Array,
): boolean {
  const zeroed = raw.slice();
  // handshake header (4), legacy_version (2), then the random's last 8 bytes.
  const at = 4 + 2 + 32 - ECH_CONFIRMATION_LENGTH;
  zeroed.fill(0, at, at + ECH_CONFIRMATION_LENGTH);
  const th = offer.innerTranscript.digestWith(zeroed);
  const want = echConfirmation(provider, hash, offer.innerRandom, th, false);
  return constantTimeEqual(want, raw.subarray(at, at + ECH_CONFIRMATION_LENGTH));
}

/**
 * Whether a HelloRetryRequest's encrypted_client_hello confirms ECH (RFC 9849 7.2.1). The inner
 * transcript must already hold message_hash(ClientHelloInner1).
 */
export function helloRetryConfirmsEch(
  provider: CryptoProvider,
  hash: HashName,
  offer: EchOffer,
  raw: Uint8Array,
): boolean {
  const r = new Reader(raw.subarray(4));
  r.bytes(2 + 32, 'legacy_version, random');
  r.vector8('legacy_session_id_echo', 0, 32);
  r.bytes(3, 'cipher_suite, legacy_compression_method');
  const blockStart = 4 + r.offset + 2;
  const block = new Reader(r.vector16('extensions', 0, 0xffff));
  while (block.remaining > 0) {
    const type = block.u16('extension type');
    const data = block.vector16('extension_data', 0, 0xffff);
    if (type !== ENCRYPTED_CLIENT_HELLO) continue;
    if (data.length !== ECH_CONFIRMATION_LENGTH) return false;
    const at = blockStart + block.offset - data.length;
    const zeroed = raw.slice();
    zeroed.fill(0, at, at + data.length);
    const th = offer.innerTranscript.digestWith(zeroed);
    return constantTimeEqual(echConfirmation(provider, hash, offer.innerRandom, th, true), data);
  }
  return false;
}

/**
 * A GREASE encrypted_client_hello (RFC 9849 6.2): the outer form with a random config_id, an
 * X25519-sized random `enc` and a random payload of a plausible ClientHelloInner's size, so a
 * client without a configuration looks like one with. Sent unchanged in ClientHello2.
 */
export function greaseEch(provider: CryptoProvider): Uint8Array {
  const payloadLength = 128 + 32 * (provider.randomBytes(1)[0]! & 3) + 16;
  return encodeWith((w) => {
    w.u8(0, 'type');
    w.u16(HpkeKdf.HKDF_SHA256, 'kdf_id');
    w.u16(HpkeAead.AES_128_GCM, 'aead_id');
    w.u8(provider.randomBytes(1)[0]!, 'config_id');
    w.vector16('enc', 0, 0xffff, () => w.bytes(provider.randomBytes(32)));
    w.vector16('payload', 1, 0xffff, () => w.bytes(provider.randomBytes(payloadLength)));
  }).slice();
}
