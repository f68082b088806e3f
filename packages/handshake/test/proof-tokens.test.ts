/**
 * Establishing a connection requires the proof tokens (issue 16): a state that skipped the
 * Finished check, the chain check or the signature check has nothing to pass to `established()`.
 * The `@ts-expect-error` lines are the test: `pnpm typecheck` fails if any of them compiles.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { HandshakeContext } from '../src/core/context.js';
import type {
  ChainAccepted,
  FinishedVerified,
  HandshakeProof,
  PeerAuthenticated,
  PskAccepted,
  SignatureVerified,
} from '../src/core/proofs.js';
import { byCertificate, byPsk, clientUnauthenticated } from '../src/core/proofs.js';

type Established = Parameters<HandshakeContext['established']>;

/** Never called: only compiled. */
function compileOnly(
  finished: FinishedVerified,
  chain: ChainAccepted,
  signature: SignatureVerified,
  psk: PskAccepted,
  peer: PeerAuthenticated,
): void {
  const certs: readonly Uint8Array[] = [];
  // What the states do.
  const ok: HandshakeProof = {
    peerFinished: finished,
    peer: byCertificate(certs, chain, signature),
  };
  const resumed: HandshakeProof = { peerFinished: finished, peer: byPsk(psk, certs, true) };
  void ok;
  void resumed;
  void clientUnauthenticated();

  // @ts-expect-error the peer's Finished alone is not enough: no peer authentication
  const noPeer: HandshakeProof = { peerFinished: finished };
  // @ts-expect-error peer authentication without the peer's Finished
  const noFinished: HandshakeProof = { peer };
  // @ts-expect-error a Finished token cannot be made up
  const madeUpFinished: HandshakeProof = { peerFinished: {}, peer };
  const fake = { chain: certs, verified: true, scheme: 0x0403 };
  // @ts-expect-error nor can a peer's authentication
  const madeUpPeer: HandshakeProof = { peerFinished: finished, peer: fake };
  // @ts-expect-error a certificate without its verified signature (a scheme number is not one)
  byCertificate(certs, chain, { scheme: 0x0403 });
  // @ts-expect-error a signature without an accepted chain
  byCertificate(certs, { verified: true }, signature);
  // @ts-expect-error a PSK that was not accepted
  byPsk({}, certs, true);
  void noPeer;
  void noFinished;
  void madeUpFinished;
  void madeUpPeer;
}

describe('proof tokens', () => {
  it('established() takes the handshake proof, not a bare Finished token', () => {
    void compileOnly;
    expectTypeOf<Established[2]>().toEqualTypeOf<HandshakeProof>();
    expectTypeOf<FinishedVerified>().not.toExtend<HandshakeProof>();
    expectTypeOf<{
      chain: readonly Uint8Array[];
      verified: boolean;
      scheme: number;
    }>().not.toExtend<PeerAuthenticated>();
  });
});
