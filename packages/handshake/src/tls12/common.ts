/**
 * What the TLS 1.2 client and server share (RFC 5246, RFC 8422 ECDHE, RFC 7627 extended master
 * secret, RFC 5746 renegotiation indication): the transcript with its raw messages, and the
 * switch from the master secret to record protections. The suite table and the signature
 * schemes are in core/ (suites.ts, schemes.ts): the options resolve against them too.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import {
  type PrfHash,
  TranscriptHash,
  tls12ExtendedMasterSecret,
  tls12KeyBlock,
  tls12FinishedVerifyData,
  tls12MasterSecret,
} from '@tlskit/key-schedule';
import { Tls12RecordProtection } from '@tlskit/record';
import {
  AlertDescription,
  concatBytes,
  type EcPointFormat,
  type Extension,
  ExtensionType,
  findExtension,
  HandshakeType,
  NamedGroup,
} from '@tlskit/wire';
import type { RawMessage } from '../core/codec.js';
import type { HandshakeContext, State } from '../core/context.js';
import { illegalParameter, unexpected } from '../core/errors.js';
import type { Suite12 } from '../core/suites.js';

/** The TLS 1.2 NamedGroup of an ECDSA key's curve (RFC 8422 5.1.1). */
export const curveGroups: Readonly<Record<string, number>> = {
  'P-224': NamedGroup.secp224r1,
  'P-256': NamedGroup.secp256r1,
  'P-384': NamedGroup.secp384r1,
  'P-521': NamedGroup.secp521r1,
};

/**
 * RFC 8422 5.2 / 5.1.2: a peer that sends ec_point_formats must list uncompressed (0), the only
 * format tlskit speaks.
 */
export function checkPointFormats(extensions: readonly Extension[]): void {
  const formats = findExtension(extensions, ExtensionType.ecPointFormats);
  if (formats !== undefined && !formats.formats.includes(0 as EcPointFormat)) {
    throw illegalParameter('ec_point_formats lacks uncompressed');
  }
}

/** Whether a key of this type authenticates a suite of `auth` (RFC 8422 5.1, RFC 5246 7.4.2). */
export function keyFitsAuth(key: { type: string }, auth: 'ecdsa' | 'rsa'): boolean {
  return auth === 'ecdsa' ? key.type === 'ec' || key.type === 'ed25519' : key.type === 'rsa';
}

/**
 * The TLS 1.2 handshake transcript: the running hash (for Finished and the extended master
 * secret) and the raw messages (CertificateVerify signs them, RFC 5246 7.4.8).
 */
export class Transcript12 {
  readonly hash: TranscriptHash;
  readonly #messages: Uint8Array[] = [];

  constructor(provider: CryptoProvider, hash: PrfHash, earlier: readonly Uint8Array[]) {
    this.hash = new TranscriptHash(provider, hash);
    for (const m of earlier) this.update(m);
  }

  update(message: Uint8Array): void {
    this.hash.update(message);
    this.#messages.push(message);
  }

  /** Every message so far, concatenated. */
  messages(): Uint8Array {
    return concatBytes(this.#messages);
  }
}

/** The keys a TLS 1.2 handshake ends with. */
export interface Keys12 {
  readonly masterSecret: Uint8Array;
  readonly clientWrite: Tls12RecordProtection;
  readonly serverWrite: Tls12RecordProtection;
}

/** RFC 7627 4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash). */
export function extendedMasterSecret(
  provider: CryptoProvider,
  suite: Suite12,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return tls12ExtendedMasterSecret(provider, suite.hash, preMasterSecret, sessionHash);
}

/** RFC 5246 6.3: the key block for this connection's randoms, as two record protections. */
export async function keysFromMaster(
  provider: CryptoProvider,
  suite: Suite12,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Promise<Keys12> {
  const block = tls12KeyBlock(
    provider,
    suite.hash,
    masterSecret,
    clientRandom,
    serverRandom,
    suite.aead,
  );
  return {
    masterSecret,
    clientWrite: await Tls12RecordProtection.create(
      provider,
      suite.aead,
      block.clientWriteKey,
      block.clientWriteIv,
    ),
    serverWrite: await Tls12RecordProtection.create(
      provider,
      suite.aead,
      block.serverWriteKey,
      block.serverWriteIv,
    ),
  };
}

/**
 * A full handshake's keys: the extended master secret (or, only when the caller allowed a peer
 * without RFC 7627, the RFC 5246 8.1 master secret), then the key block.
 */
export async function deriveKeys12(
  provider: CryptoProvider,
  suite: Suite12,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array | undefined,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Promise<Keys12> {
  const master =
    sessionHash === undefined
      ? tls12MasterSecret(provider, suite.hash, preMasterSecret, clientRandom, serverRandom)
      : extendedMasterSecret(provider, suite, preMasterSecret, sessionHash);
  return keysFromMaster(provider, suite, master, clientRandom, serverRandom);
}

/** RFC 8422 5.4: what a ServerKeyExchange signature covers. */
export function serverKeyExchangeContent(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  params: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(64 + params.length);
  out.set(clientRandom);
  out.set(serverRandom, 32);
  out.set(params, 64);
  return out;
}

/**
 * RFC 5246 7.4.9: ChangeCipherSpec, then Finished under the new keys (PRF over the transcript
 * hash so far), added to the transcript.
 */
export async function sendFinished12(
  engine: HandshakeContext,
  transcript: Transcript12,
  suite: Suite12,
  keys: Keys12,
  sender: 'client' | 'server',
): Promise<void> {
  await engine.changeWriteProtection(sender === 'client' ? keys.clientWrite : keys.serverWrite);
  const verifyData = tls12FinishedVerifyData(
    engine.provider,
    suite.hash,
    keys.masterSecret,
    sender,
    transcript.hash.digest(),
  );
  const fin = await engine.sendHandshake({ type: HandshakeType.finished, verifyData });
  transcript.update(fin.raw);
}

/**
 * After a TLS 1.2 handshake. tlskit never renegotiates: a HelloRequest (to the client) or a
 * new ClientHello (to the server) gets a no_renegotiation warning and the connection goes on
 * (RFC 5246 7.4.1.1 and 7.4.1.2, RFC 5746 4.2 and 4.4); any other handshake message is
 * unexpected_message.
 */
export class Connected12 implements State {
  readonly name = 'Connected12';
  constructor(
    private readonly engine: HandshakeContext,
    /** HandshakeType.helloRequest for a client, HandshakeType.clientHello for a server. */
    private readonly renegotiation: number,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    if (m.type !== this.renegotiation) {
      throw unexpected(`unexpected handshake message ${m.type} after the handshake`);
    }
    await this.engine.sendWarningAlert(AlertDescription.noRenegotiation);
    return this;
  }
}
