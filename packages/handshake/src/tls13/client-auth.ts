/**
 * The server's side of TLS 1.3 client authentication, the same in the handshake (RFC 8446
 * 4.4.2-4.4.3) and after it (4.6.2): the client's chain through the server's chain policy, then
 * its CertificateVerify over the transcript, against the schemes the server offered.
 */
import type { TranscriptHash } from '@tlskit/key-schedule';
import { HandshakeType } from '@tlskit/wire';
import { checkPeerChain, type PeerChain } from '../certs/verify.js';
import { expectMessage, type RawMessage } from '../core/codec.js';
import type { ChainPolicy } from '../core/config.js';
import type { HandshakeContext } from '../core/context.js';
import { type SignatureVerified, verifyCertificateVerify } from '../core/proofs.js';
import { isTls13SignatureScheme } from '../core/schemes.js';

/** What client authentication needs of the server's configuration (ServerConfig has both). */
export interface ClientAuthConfig {
  readonly chain: ChainPolicy;
  readonly signatureSchemes: readonly number[];
}

/** The client's non-empty certificate chain (DER, leaf first), checked. */
export function checkClientChain(
  engine: HandshakeContext<'server'>,
  config: ClientAuthConfig,
  serverName: string | undefined,
  chain: Uint8Array[],
): Promise<PeerChain> {
  return checkPeerChain(engine.provider, config.chain, chain, {
    serverName,
    now: engine.now(),
    peer: 'client',
  });
}

/**
 * Verifies the client's CertificateVerify `m` over the transcript so far, then adds it to the
 * transcript. `state` names the waiting state for an unexpected message.
 */
export async function verifyClientSignature(
  engine: HandshakeContext<'server'>,
  config: ClientAuthConfig,
  peer: PeerChain,
  m: RawMessage,
  state: string,
  transcript: TranscriptHash,
): Promise<SignatureVerified> {
  const cv = expectMessage(m, HandshakeType.certificateVerify, state);
  const proof = await verifyCertificateVerify(
    engine.provider,
    'client',
    config.signatureSchemes.filter(isTls13SignatureScheme),
    peer.key,
    cv.algorithm,
    cv.signature,
    transcript.digest(),
  );
  transcript.update(m.raw);
  return proof;
}
