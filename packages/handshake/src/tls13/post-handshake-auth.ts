/**
 * Post-handshake client authentication, server side (RFC 8446 section 4.6.2): after the
 * handshake a TLS 1.3 server whose client offered post_handshake_auth sends a CertificateRequest
 * with a fresh context; the client answers Certificate, CertificateVerify (unless the Certificate
 * is empty) and Finished, over the handshake transcript plus these messages, with the Finished
 * key of its current application traffic secret. (The client side is in tls13/client.ts.)
 */
import type { TranscriptHash } from '@tlskit/key-schedule';
import {
  checkExtensionsAllowed,
  equalBytes,
  HandshakeType,
  type SignatureScheme,
  ExtensionType,
} from '@tlskit/wire';
import { certificate13 } from './certificate.js';
import {
  type ClientAuthConfig,
  certificateAuthoritiesExtensions,
  checkClientChain,
  verifyClientSignature,
} from './client-auth.js';
import { expectMessage, type RawMessage } from '../core/codec.js';
import type { HandshakeContext, State } from '../core/context.js';
import { ConnectionStateError, illegalParameter } from '../core/errors.js';
import type { PostHandshakeAuth } from '../core/events.js';
import { verifyFinished } from '../core/proofs.js';
import { isTls13SignatureScheme } from '../core/schemes.js';
import type { Suite13 } from '../core/suites.js';
import type { PeerChain } from '../certs/verify.js';

/** What a connected TLS 1.3 server keeps to authenticate its client later. */
export interface PostHandshakeContext {
  readonly engine: HandshakeContext<'server'>;
  /** What the request needs of the server's configuration. */
  readonly config: ClientAuthConfig;
  readonly suite: Suite13;
  /** The handshake transcript through the client's Finished; never modified here. */
  readonly transcript: TranscriptHash;
  readonly serverName: string | undefined;
}

/** One outstanding request: its context and the transcript so far. */
interface Pending {
  readonly ctx: PostHandshakeContext;
  /** The state to return to (it also handles KeyUpdate meanwhile). */
  readonly connected: State;
  readonly context: Uint8Array;
  readonly transcript: TranscriptHash;
}

/** Sends the CertificateRequest and returns the state that waits for the client's answer. */
export async function requestClientCertificate(
  ctx: PostHandshakeContext,
  connected: State,
): Promise<State> {
  const { engine, config } = ctx;
  if (config.chain.verifier === undefined) {
    throw new ConnectionStateError(
      'ERR_NOT_SUPPORTED',
      'requestCertificate needs options.ca or options.verifyCertificate to check the answer',
    );
  }
  // RFC 8446 4.3.2: a context unique within the connection; 32 random bytes, as OpenSSL sends.
  const context = engine.provider.randomBytes(32);
  const cr = await engine.sendHandshake({
    type: HandshakeType.certificateRequest,
    protocol: 'tls13',
    certificateRequestContext: context,
    extensions: [
      {
        type: ExtensionType.signatureAlgorithms,
        schemes: config.signatureSchemes.filter(isTls13SignatureScheme) as SignatureScheme[],
      },
      ...certificateAuthoritiesExtensions(config),
    ],
  });
  const transcript = ctx.transcript.clone();
  transcript.update(cr.raw);
  return new ExpectPostHandshakeCertificate({ ctx, connected, context, transcript });
}

/** A KeyUpdate may arrive while the answer is pending: the connected state handles it. */
async function keyUpdateMeanwhile(pending: Pending, m: RawMessage): Promise<boolean> {
  if (m.type !== HandshakeType.keyUpdate) return false;
  await pending.connected.handle(m);
  return true;
}

class ExpectPostHandshakeCertificate implements State {
  readonly name = 'ExpectPostHandshakeCertificate';
  constructor(private readonly pending: Pending) {}

  async handle(m: RawMessage): Promise<State> {
    if (await keyUpdateMeanwhile(this.pending, m)) return this;
    const cert = certificate13(expectMessage(m, HandshakeType.certificate, this.name));
    const { ctx, transcript } = this.pending;
    if (!equalBytes(cert.certificateRequestContext, this.pending.context)) {
      throw illegalParameter('client Certificate context does not match the request');
    }
    for (const e of cert.certificateList) checkExtensionsAllowed(e.extensions, 'certificate', []);
    transcript.update(m.raw);
    if (cert.certificateList.length === 0) {
      // RFC 8446 4.4.2.4: the client declined; the application decides what that means.
      const declined = {
        peerCertificates: [],
        peerVerified: false,
        peerSignatureScheme: undefined,
      };
      return new ExpectPostHandshakeFinished(this.pending, declined);
    }
    const chain = cert.certificateList.map((e) => e.data.slice());
    const peer = await checkClientChain(ctx.engine, ctx.config, ctx.serverName, chain);
    return new ExpectPostHandshakeCertificateVerify(this.pending, peer);
  }
}

class ExpectPostHandshakeCertificateVerify implements State {
  readonly name = 'ExpectPostHandshakeCertificateVerify';
  constructor(
    private readonly pending: Pending,
    private readonly peer: PeerChain,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    if (await keyUpdateMeanwhile(this.pending, m)) return this;
    const { ctx, transcript } = this.pending;
    const proof = await verifyClientSignature(
      ctx.engine,
      ctx.config,
      this.peer,
      m,
      this.name,
      transcript,
    );
    return new ExpectPostHandshakeFinished(this.pending, {
      peerCertificates: this.peer.chain,
      peerVerified: this.peer.accepted.verified,
      peerSignatureScheme: proof.scheme,
    });
  }
}

class ExpectPostHandshakeFinished implements State {
  readonly name = 'ExpectPostHandshakeFinished';
  constructor(
    private readonly pending: Pending,
    private readonly auth: PostHandshakeAuth,
  ) {}

  async handle(m: RawMessage): Promise<State> {
    if (await keyUpdateMeanwhile(this.pending, m)) return this;
    const fin = expectMessage(m, HandshakeType.finished, this.name);
    const { ctx, transcript } = this.pending;
    // RFC 8446 4.4: after the handshake the Finished base key is the client's current
    // application traffic secret, which is our read secret.
    verifyFinished(
      ctx.engine.provider,
      ctx.suite,
      ctx.engine.trafficSecret('read'),
      transcript.digest(),
      fin.verifyData,
    );
    ctx.engine.peerAuthenticated(this.auth);
    return this.pending.connected;
  }
}
