/**
 * The end of a TLS 1.2 handshake, the same in both roles: the peer's Finished is checked, then the
 * connection is reported established with what was negotiated.
 */
import { HandshakeType, NamedGroup, nameOf } from '@tlskit/wire';
import { expectMessage, type RawMessage } from '../core/codec.js';
import type { Established, HandshakeContext } from '../core/context.js';
import { unexpected } from '../core/errors.js';
import type { HandshakeInfo } from '../core/events.js';
import { established12 } from '../core/exporter.js';
import {
  type FinishedVerified,
  type HandshakeProof,
  type PeerAuthenticated,
  verifyFinished12,
} from '../core/proofs.js';
import type { Suite12 } from '../core/suites.js';
import type { Keys12, Transcript12 } from './common.js';

/** What a TLS 1.2 handshake's two sides have each learnt by the time the peer's Finished arrives. */
export interface Handshake12 {
  readonly engine: HandshakeContext;
  readonly transcript: Transcript12;
  readonly suite: Suite12;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
}

/**
 * RFC 5246 7.4.9: the peer's Finished, after its ChangeCipherSpec, checked in constant time
 * against the PRF over the transcript so far, then added to the transcript.
 */
export function receiveFinished12(
  h: Handshake12,
  keys: Keys12,
  sender: 'client' | 'server',
  m: RawMessage,
  state: string,
  ccsSeen: boolean,
): FinishedVerified {
  if (!ccsSeen) throw unexpected(`${sender} Finished before its ChangeCipherSpec`);
  const fin = expectMessage(m, HandshakeType.finished, state, 'tls12');
  const finished = verifyFinished12(
    h.engine.provider,
    h.suite.hash,
    keys.masterSecret,
    sender,
    h.transcript.hash.digest(),
    fin.verifyData,
  );
  h.transcript.update(m.raw);
  return finished;
}

/**
 * The negotiated facts that differ by role and how the handshake went; what is known about the
 * peer's authentication comes from the proof.
 */
export type Peer12 = Pick<
  HandshakeInfo,
  | 'signatureSchemes'
  | 'peerSignatureSchemes'
  | 'alpn'
  | 'serverName'
  | 'resumed'
  | 'groupCode'
  | 'ocsp'
>;

/** What a TLS 1.2 connection reports: its HandshakeInfo and its exporter. */
function negotiated12(
  h: Handshake12,
  keys: Keys12,
  peer: Peer12,
  auth: PeerAuthenticated,
): [HandshakeInfo, Established] {
  const group = peer.groupCode;
  const info: HandshakeInfo = {
    version: 'TLSv1.2',
    cipherSuite: h.suite.name,
    cipherSuiteCode: h.suite.code,
    group: group === undefined ? undefined : nameOf(NamedGroup, group),
    helloRetryRequest: false,
    peerCertificates: auth.chain,
    peerVerified: auth.verified,
    peerSignatureScheme: auth.scheme,
    ...peer,
  };
  const exporter = established12(
    h.engine.provider,
    h.suite.hash,
    keys.masterSecret,
    h.clientRandom,
    h.serverRandom,
  );
  return [info, exporter];
}

/** Reports the TLS 1.2 connection established (the `handshake` event) with its exporter. */
export function reportEstablished12(
  h: Handshake12,
  keys: Keys12,
  peer: Peer12,
  proof: HandshakeProof,
): void {
  const [info, exporter] = negotiated12(h, keys, peer, proof.peer);
  h.engine.established(info, exporter, proof);
}

/**
 * Client: reports TLS 1.2 False Start (RFC 7918, the `falseStart` event): what the handshake
 * negotiated so far, with the server authenticated by its ServerKeyExchange signature but its
 * Finished still to come.
 */
export function reportFalseStart12(
  h: Handshake12,
  keys: Keys12,
  peer: Peer12,
  auth: PeerAuthenticated,
): void {
  const [info, exporter] = negotiated12(h, keys, peer, auth);
  h.engine.beginFalseStart(info, exporter);
}
