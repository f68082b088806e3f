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
import type { TrafficSecrets } from '../src/core/secrets.js';
import type { Suite13 } from '../src/core/suites.js';

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

/** Never called: only compiled. Traffic secrets are branded by the side that sends with them. */
async function secretsCompileOnly(
  client: HandshakeContext<'client'>,
  server: HandshakeContext<'server'>,
  suite: Suite13,
  s: TrafficSecrets,
  raw: Uint8Array,
): Promise<void> {
  await client.setWriteKey(suite, s.client);
  await client.setReadKey(suite, s.server);
  await server.setWriteKey(suite, s.server);
  await server.setReadKey(suite, s.client);
  await client.beginEarlyWrite(suite, s.client, 0);
  await server.beginEarlyRead(suite, s.client, 0);
  // @ts-expect-error a client writes with the client's secrets, not the server's
  await client.setWriteKey(suite, s.server);
  // @ts-expect-error a client reads with the server's secrets
  await client.setReadKey(suite, s.client);
  // @ts-expect-error a server writes with the server's secrets
  await server.setWriteKey(suite, s.client);
  // @ts-expect-error a server reads with the client's secrets
  await server.setReadKey(suite, s.server);
  // @ts-expect-error bare bytes are no traffic secret
  await client.setWriteKey(suite, raw);
  // @ts-expect-error early data is the client's
  await server.beginEarlyRead(suite, s.server, 0);
}

describe('proof tokens', () => {
  it('established() takes the handshake proof, not a bare Finished token', () => {
    void compileOnly;
    void secretsCompileOnly;
    expectTypeOf<Established[2]>().toEqualTypeOf<HandshakeProof>();
    expectTypeOf<FinishedVerified>().not.toExtend<HandshakeProof>();
    expectTypeOf<{
      chain: readonly Uint8Array[];
      verified: boolean;
      scheme: number;
    }>().not.toExtend<PeerAuthenticated>();
  });
});
