/**
 * Encrypted ClientHello, server side (RFC 9849): decrypting a ClientHelloOuter's
 * encrypted_client_hello extension with the server's HPKE keys, rebuilding ClientHelloInner
 * (ech_outer_extensions decompression, section 5.1), and the acceptance confirmation the server
 * hides in ServerHello.random or the HelloRetryRequest (section 7.2).
 */
import {
  type CryptoProvider,
  type HashName,
  type HpkeContext,
  HpkeKem,
  type HpkeSuite,
  setupBaseRecipient,
} from '@tlskit/crypto';
import { hkdfExpandLabel } from '@tlskit/key-schedule';
import { type ClientHello, concatBytes, DecodeError, HandshakeType, Reader } from '@tlskit/wire';
import type { RawMessage } from '../core/codec.js';
import { type EchServerKey, encodeEchConfigList } from '../core/ech-config.js';
import { decryptError, illegalParameter, missingExtension } from '../core/errors.js';

/** encrypted_client_hello (RFC 9849 11.1). */
export const ENCRYPTED_CLIENT_HELLO = 0xfe0d;
/** ech_outer_extensions (RFC 9849 11.1). */
export const ECH_OUTER_EXTENSIONS = 0xfd00;
/** ECHClientHelloType. */
const OUTER = 0;
const INNER = 1;
/** Length of the acceptance confirmation (RFC 9849 7.2). */
export const ECH_CONFIRMATION_LENGTH = 8;

const infoPrefix = new TextEncoder().encode('tls ech\0');

/**
 * What the server made of a ClientHello's ECH offer: none (no offer, no keys, or not TLS 1.3),
 * rejected (the retry_configs to send, if any), or accepted (the HPKE context ClientHello2 must
 * be decrypted with after a HelloRetryRequest, and which configuration and suite it used).
 */
export type EchOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'rejected'; readonly retryConfigs: Uint8Array | undefined }
  | {
      readonly kind: 'accepted';
      readonly configId: number;
      readonly suite: HpkeSuite;
      readonly context: HpkeContext;
    };

export const noEch: EchOutcome = { kind: 'none' };

/** One extension of a raw extension block: its type and where it lies (header included). */
interface RawExtension {
  readonly type: number;
  readonly start: number;
  readonly end: number;
  /** Where its extension_data starts. */
  readonly dataStart: number;
}

/** The layout of a ClientHello body, as offsets into it (RFC 8446 4.1.2). */
interface HelloLayout {
  /** legacy_session_id, with its length byte. */
  readonly sessionStart: number;
  readonly sessionEnd: number;
  /** Where the extensions block (its length) starts. */
  readonly extensionsStart: number;
  readonly extensions: readonly RawExtension[];
  /** Where the ClientHello ends (EncodedClientHelloInner's padding follows). */
  readonly end: number;
}

/** Finds the fields of a ClientHello body without decoding them. @throws DecodeError. */
function helloLayout(body: Uint8Array): HelloLayout {
  const r = new Reader(body);
  r.bytes(2 + 32, 'legacy_version, random');
  const sessionStart = r.offset;
  r.vector8('legacy_session_id', 0, 32);
  const sessionEnd = r.offset;
  r.vector16('cipher_suites', 2, 0xfffe);
  r.vector8('legacy_compression_methods', 1, 255);
  const extensionsStart = r.offset;
  const block = r.vector16('extensions', 0, 0xffff);
  const base = extensionsStart + 2;
  const e = new Reader(block);
  const extensions = e.all('extensions', (x) => {
    const start = base + x.offset;
    const type = x.u16('extension type');
    const dataStart = base + x.offset;
    x.vector16('extension_data', 0, 0xffff);
    return { type, start, end: base + x.offset, dataStart };
  });
  return { sessionStart, sessionEnd, extensionsStart, extensions, end: r.offset };
}

/** The raw ECH extension of a ClientHello, undefined without one. */
function echExtension(ch: ClientHello): Uint8Array | undefined {
  const ext = ch.extensions.find((e) => e.type === ENCRYPTED_CLIENT_HELLO);
  return ext !== undefined && 'raw' in ext ? ext.raw : undefined;
}

/**
 * Whether `ch` carries the inner form of encrypted_client_hello: it is a ClientHelloInner,
 * which the server confirms (RFC 9849 7.2), even when another server decrypted it (a backend
 * in split mode). The inner form is the type byte alone (section 5).
 * @throws DecodeError for an inner form with a body.
 */
export function isClientHelloInner(ch: ClientHello): boolean {
  const data = echExtension(ch);
  if (data === undefined || data[0] !== INNER) return false;
  if (data.length !== 1) throw new DecodeError('encrypted_client_hello (inner) is not empty');
  return true;
}

/** The outer form of encrypted_client_hello (RFC 9849 5). */
interface OuterEch {
  readonly suite: HpkeSuite;
  readonly configId: number;
  readonly enc: Uint8Array;
  readonly payload: Uint8Array;
}

/** @throws DecodeError when malformed. */
function readOuterEch(data: Uint8Array): OuterEch {
  const r = new Reader(data);
  r.u8('ECHClientHelloType');
  const kdf = r.u16('kdf_id');
  const aead = r.u16('aead_id');
  const configId = r.u8('config_id');
  const enc = r.vector16('enc', 0, 0xffff);
  const payload = r.vector16('payload', 1, 0xffff);
  r.end('encrypted_client_hello');
  return { suite: { kem: HpkeKem.DHKEM_X25519_HKDF_SHA256, kdf, aead }, configId, enc, payload };
}

/** ClientHelloOuterAAD (RFC 9849 5.2): the outer hello with the payload zeroed. */
function outerAad(m: RawMessage, payload: Uint8Array): Uint8Array {
  const aad = m.body.slice();
  // The payload is the last field of the extension's data.
  const ext = helloLayout(m.body).extensions.find((e) => e.type === ENCRYPTED_CLIENT_HELLO)!;
  aad.fill(0, ext.end - payload.length, ext.end);
  return aad;
}

/**
 * ClientHello1 offered ECH and the server has keys: decrypt it (RFC 9849 7.1). Resolves the
 * outcome and, when accepted, ClientHelloInner as a handshake message. A configuration the
 * server lacks, a suite it does not list, a bad `enc` or a payload that does not decrypt is a
 * rejection (the handshake goes on with ClientHelloOuter); a malformed extension or inner hello
 * is fatal.
 */
export async function openClientHelloOuter(
  provider: CryptoProvider,
  keys: readonly EchServerKey[],
  outer: ClientHello,
  m: RawMessage,
): Promise<{ outcome: EchOutcome; inner?: RawMessage }> {
  const data = echExtension(outer);
  if (data === undefined || keys.length === 0) return { outcome: noEch };
  if (data[0] !== OUTER) return { outcome: noEch };
  const offer = readOuterEch(data);
  const aad = outerAad(m, offer.payload);
  for (const key of keys) {
    const config = key.config;
    if (config.configId !== offer.configId || config.kem !== offer.suite.kem) continue;
    if (!config.cipherSuites.some((s) => s.kdf === offer.suite.kdf && s.aead === offer.suite.aead))
      continue;
    const info = concatBytes([infoPrefix, config.raw]);
    const context = await setupBaseRecipient(
      provider,
      offer.suite,
      offer.enc,
      key.privateKey,
      info,
    );
    const plain = await context?.open(aad, offer.payload);
    if (context === undefined || plain === undefined || plain === null) continue;
    const outcome: EchOutcome = {
      kind: 'accepted',
      configId: offer.configId,
      suite: offer.suite,
      context,
    };
    return { outcome, inner: innerHello(plain, m) };
  }
  const retry = keys.filter((k) => k.sendAsRetry).map((k) => k.config.raw);
  return {
    outcome: {
      kind: 'rejected',
      retryConfigs: retry.length === 0 ? undefined : encodeEchConfigList(retry),
    },
  };
}

/**
 * ClientHello2 after a HelloRetryRequest, when ClientHello1's ECH was accepted (RFC 9849 7.1.1):
 * it must offer ECH again with the same configuration and suite and an empty `enc`, and its
 * payload must decrypt with the same HPKE context.
 */
export async function openClientHelloOuter2(
  accepted: Extract<EchOutcome, { kind: 'accepted' }>,
  outer: ClientHello,
  m: RawMessage,
): Promise<RawMessage> {
  const data = echExtension(outer);
  if (data === undefined) throw missingExtension('ClientHello2 does not offer ECH again');
  if (data[0] !== OUTER) throw illegalParameter('ClientHello2 encrypted_client_hello is not outer');
  const offer = readOuterEch(data);
  if (
    offer.configId !== accepted.configId ||
    offer.suite.kdf !== accepted.suite.kdf ||
    offer.suite.aead !== accepted.suite.aead
  ) {
    throw illegalParameter('ClientHello2 changed the ECH configuration or cipher suite');
  }
  if (offer.enc.length !== 0) throw illegalParameter('ClientHello2 ECH enc is not empty');
  const plain = await accepted.context.open(outerAad(m, offer.payload), offer.payload);
  if (plain === null) throw decryptError('ClientHello2 ECH payload does not decrypt');
  return innerHello(plain, m);
}

/**
 * ClientHelloInner from EncodedClientHelloInner (RFC 9849 5.1): legacy_session_id from the
 * outer hello, ech_outer_extensions replaced by the outer extensions it names (in their order),
 * the zero padding dropped. The message is rebuilt from the client's bytes, never re-encoded, so
 * the transcript covers what the client hashed.
 */
function innerHello(encoded: Uint8Array, outerMessage: RawMessage): RawMessage {
  const inner = helloLayout(encoded);
  for (let i = inner.end; i < encoded.length; i++) {
    if (encoded[i] !== 0) throw illegalParameter('EncodedClientHelloInner padding is not zero');
  }
  if (inner.sessionEnd - inner.sessionStart !== 1) {
    throw illegalParameter('EncodedClientHelloInner has a legacy_session_id');
  }
  const outerBody = outerMessage.body;
  const outer = helloLayout(outerBody);
  const parts: Uint8Array[] = [];
  let cursor = 0;
  let sawInnerEch = false;
  for (const ext of inner.extensions) {
    if (ext.type === ENCRYPTED_CLIENT_HELLO) {
      const data = encoded.subarray(ext.dataStart + 2, ext.end);
      if (data.length !== 1 || data[0] !== INNER) {
        throw illegalParameter('ClientHelloInner encrypted_client_hello is not the inner form');
      }
      sawInnerEch = true;
    }
    if (ext.type !== ECH_OUTER_EXTENSIONS) {
      parts.push(encoded.subarray(ext.start, ext.end));
      continue;
    }
    const r = new Reader(encoded.subarray(ext.dataStart + 2, ext.end));
    const types = r.u16List8('ech_outer_extensions', 2, 254);
    r.end('ech_outer_extensions');
    for (const type of types) {
      if (type === ENCRYPTED_CLIENT_HELLO) {
        throw illegalParameter('ech_outer_extensions names encrypted_client_hello');
      }
      // In the outer hello's order: each reference is searched after the previous one, which
      // also refuses a type named twice (the outer hello has each type once).
      const at = outer.extensions.findIndex((o, i) => i >= cursor && o.type === type);
      if (at === -1)
        throw illegalParameter(`ech_outer_extensions: ${type} not in ClientHelloOuter`);
      const found = outer.extensions[at]!;
      parts.push(outerBody.subarray(found.start, found.end));
      cursor = at + 1;
    }
  }
  if (!sawInnerEch) throw illegalParameter('ClientHelloInner has no encrypted_client_hello');
  const extensions = concatBytes(parts);
  if (extensions.length > 0xffff) throw illegalParameter('ClientHelloInner is too long');
  const body = concatBytes([
    encoded.subarray(0, inner.sessionStart),
    outerBody.subarray(outer.sessionStart, outer.sessionEnd),
    encoded.subarray(inner.sessionEnd, inner.extensionsStart),
    Uint8Array.of(extensions.length >> 8, extensions.length & 0xff),
    extensions,
  ]);
  const n = body.length;
  const raw = concatBytes([
    Uint8Array.of(HandshakeType.clientHello, n >> 16, (n >> 8) & 0xff, n & 0xff),
    body,
  ]);
  return { type: HandshakeType.clientHello, body: raw.subarray(4), raw };
}

/**
 * The acceptance confirmation (RFC 9849 7.2): HKDF-Expand-Label over the inner hello's random,
 * keyed to the transcript up to the ServerHello (its random's last 8 bytes zeroed) or the
 * HelloRetryRequest (its confirmation zeroed), with the negotiated suite's hash.
 */
export function echConfirmation(
  provider: CryptoProvider,
  hash: HashName,
  innerRandom: Uint8Array,
  transcriptHash: Uint8Array,
  helloRetry: boolean,
): Uint8Array {
  const prk = provider.hkdfExtract(hash, new Uint8Array(transcriptHash.length), innerRandom);
  const label = helloRetry ? 'hrr ech accept confirmation' : 'ech accept confirmation';
  return hkdfExpandLabel(provider, hash, prk, label, transcriptHash, ECH_CONFIRMATION_LENGTH);
}
