/**
 * Proof tokens (the rustls pattern, STYLE.md): a check returns a branded value that only the
 * check can create, and the next handshake state takes it as a constructor argument, so a
 * state that skipped a check cannot be built.
 */
import type { CryptoProvider, PublicKey } from '@tlskit/crypto';
import { DecodeError } from '@tlskit/wire';
import { decryptError, illegalParameter } from './errors.js';
import {
  checkFinished,
  finishedVerifyData,
  type PrfHash,
  tls12FinishedVerifyData,
} from '@tlskit/key-schedule';
import type { Suite13 } from './suites.js';
import { isTls13SignatureScheme, scheme12FitsKey, schemeFitsKey } from './schemes.js';

declare const signatureBrand: unique symbol;
declare const finishedBrand: unique symbol;
declare const chainBrand: unique symbol;

/** The peer's CertificateVerify signature verified over the transcript. */
export type SignatureVerified = { readonly [signatureBrand]: true; readonly scheme: number };
/** The peer's Finished verified. */
export type FinishedVerified = { readonly [finishedBrand]: true };
/** The peer's certificate chain was accepted (or verification was explicitly turned off). */
export type ChainAccepted = { readonly [chainBrand]: true; readonly verified: boolean };

/** Mints a ChainAccepted; only certs/verify.ts calls it. */
export function chainAccepted(verified: boolean): ChainAccepted {
  return { verified } as ChainAccepted;
}

declare const pskBrand: unique symbol;
declare const peerBrand: unique symbol;

/**
 * A pre-shared key (resumption ticket or external PSK) the peer holds too: the server verified the
 * client's binder, or the client saw the server pick its PSK (the server's Finished, keyed by it,
 * then proves the server holds it). In TLS 1.2, a session the server agreed to resume.
 */
export type PskAccepted = { readonly [pskBrand]: true };

/** Mints a PskAccepted; only the PSK and session-resumption checks call it. */
export function pskAccepted(): PskAccepted {
  return {} as PskAccepted;
}

/**
 * How the peer authenticated, as {@link HandshakeProof} requires: by an accepted chain and a
 * verified signature, by a PSK, or (a server's client only) not at all because no certificate was
 * asked for or the policy let the client decline. Built only by the functions below.
 */
export type PeerAuthenticated = {
  readonly [peerBrand]: true;
  /** The peer's chain, leaf first (a resumed session's, or empty). */
  readonly chain: readonly Uint8Array[];
  /** Whether the chain was verified (false when verification was turned off, or no chain). */
  readonly verified: boolean;
  /** The scheme of the peer's signature, when it signed. */
  readonly scheme: number | undefined;
};

/** The peer's chain was accepted and it signed the handshake with the leaf's key. */
export function byCertificate(
  chain: readonly Uint8Array[],
  accepted: ChainAccepted,
  signature: SignatureVerified,
): PeerAuthenticated {
  return peer(chain, accepted.verified, signature.scheme);
}

/**
 * The peer proved a PSK. `chain` is the chain of the session a ticket resumes (empty otherwise),
 * and `verified` says whether the PSK vouches for the peer (RFC 8446 2.2).
 */
export function byPsk(
  _psk: PskAccepted,
  chain: readonly Uint8Array[],
  verified: boolean,
): PeerAuthenticated {
  return peer(chain, verified, undefined);
}

/** Server: the client was not asked for a certificate, or declined where the policy allows. */
export function clientUnauthenticated(): PeerAuthenticated {
  return peer([], false, undefined);
}

function peer(
  chain: readonly Uint8Array[],
  verified: boolean,
  scheme: number | undefined,
): PeerAuthenticated {
  return { chain, verified, scheme } as PeerAuthenticated;
}

/**
 * What establishing a connection requires (issue 16): the peer's Finished verified, and how the
 * peer authenticated. A state that skipped a check has no token to pass, so it does not compile.
 */
export interface HandshakeProof {
  readonly peerFinished: FinishedVerified;
  readonly peer: PeerAuthenticated;
}

const contextServer = 'TLS 1.3, server CertificateVerify';
const contextClient = 'TLS 1.3, client CertificateVerify';

/** RFC 8446 4.4.3: 64 spaces, the context string, a zero byte, the transcript hash. */
export function certificateVerifyContent(
  side: 'server' | 'client',
  transcriptHash: Uint8Array,
): Uint8Array {
  const label = new TextEncoder().encode(side === 'server' ? contextServer : contextClient);
  const out = new Uint8Array(64 + label.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(label, 64);
  out.set(transcriptHash, 64 + label.length + 1);
  return out;
}

/**
 * Verifies a peer's CertificateVerify. The scheme must be one we offered and fit the key;
 * a signature that does not verify is decrypt_error (RFC 8446 4.4.3).
 */
export async function verifyCertificateVerify(
  provider: CryptoProvider,
  side: 'server' | 'client',
  offered: readonly number[],
  key: PublicKey,
  scheme: number,
  signature: Uint8Array,
  transcriptHash: Uint8Array,
): Promise<SignatureVerified> {
  if (!offered.includes(scheme) || !isTls13SignatureScheme(scheme)) {
    throw illegalParameter(`CertificateVerify: scheme 0x${scheme.toString(16)} was not offered`);
  }
  if (!schemeFitsKey(scheme, key)) {
    throw illegalParameter(
      `CertificateVerify: scheme 0x${scheme.toString(16)} does not fit the ${key.type} key`,
    );
  }
  const content = certificateVerifyContent(side, transcriptHash);
  const ok = await provider.verify(scheme, key, content, signature);
  if (!ok) throw decryptError('CertificateVerify signature does not verify');
  return { scheme } as SignatureVerified;
}

/**
 * verify_data has a fixed length (Hash.length in TLS 1.3, RFC 8446 4.4.4; 12 bytes in TLS 1.2,
 * RFC 5246 7.4.9), so a Finished of any other length is malformed: decode_error, not the
 * decrypt_error of a wrong value. Lengths are public; only the value is compared in constant time.
 */
function checkVerifyDataLength(what: string, expected: Uint8Array, received: Uint8Array): void {
  if (received.length !== expected.length) {
    throw new DecodeError(
      `${what}: verify_data is ${received.length} bytes, expected ${expected.length}`,
    );
  }
}

/**
 * Verifies a peer's Finished (RFC 8446 4.4.4) in constant time; a mismatch is the key
 * schedule's `ERR_BAD_FINISHED` (decrypt_error).
 */
export function verifyFinished(
  provider: CryptoProvider,
  suite: Suite13,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
  verifyData: Uint8Array,
): FinishedVerified {
  const expected = finishedVerifyData(provider, suite.hash, baseKey, transcriptHash);
  checkVerifyDataLength('Finished', expected, verifyData);
  checkFinished('Finished', expected, verifyData);
  return {} as FinishedVerified;
}

/**
 * Verifies a TLS 1.2 signature (ServerKeyExchange, RFC 8422 5.4; CertificateVerify, RFC 5246
 * 7.4.8): the scheme must be one we offered and fit the key; a bad signature is decrypt_error.
 */
export async function verifySignature12(
  provider: CryptoProvider,
  offered: readonly number[],
  key: PublicKey,
  scheme: number,
  content: Uint8Array,
  signature: Uint8Array,
  what: string,
): Promise<SignatureVerified> {
  if (!offered.includes(scheme) || !scheme12FitsKey(scheme, key)) {
    throw illegalParameter(`${what}: scheme 0x${scheme.toString(16)} was not offered`);
  }
  if (!(await provider.verify(scheme, key, content, signature))) {
    throw decryptError(`${what} signature does not verify`);
  }
  return { scheme } as SignatureVerified;
}

/** Verifies a TLS 1.2 Finished (RFC 5246 7.4.9) in constant time. */
export function verifyFinished12(
  provider: CryptoProvider,
  hash: PrfHash,
  masterSecret: Uint8Array,
  sender: 'client' | 'server',
  transcriptHash: Uint8Array,
  verifyData: Uint8Array,
): FinishedVerified {
  const expected = tls12FinishedVerifyData(provider, hash, masterSecret, sender, transcriptHash);
  checkVerifyDataLength(`${sender} Finished`, expected, verifyData);
  checkFinished(`${sender} Finished`, expected, verifyData);
  return {} as FinishedVerified;
}
