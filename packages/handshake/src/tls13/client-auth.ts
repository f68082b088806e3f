/**
 * The server's side of TLS 1.3 client authentication, the same in the handshake (RFC 8446
 * 4.4.2-4.4.3) and after it (4.6.2): the client's chain through the server's chain policy, then
 * its CertificateVerify over the transcript, against the schemes the server offered.
 */
import type { TranscriptHash } from '@tlskit/key-schedule';
import { type Extension, ExtensionType, HandshakeType } from '@tlskit/wire';
import { checkPeerChain, type PeerChain } from '../certs/verify.js';
import { expectMessage, type RawMessage } from '../core/codec.js';
import type { ChainPolicy } from '../core/config.js';
import type { HandshakeContext } from '../core/context.js';
import { OptionsError, type ServerOptions } from '../core/options.js';
import { type SignatureVerified, verifyCertificateVerify } from '../core/proofs.js';
import { isTls13SignatureScheme } from '../core/schemes.js';

/** What client authentication needs of the server's configuration (ServerConfig has all). */
export interface ClientAuthConfig {
  readonly chain: ChainPolicy;
  readonly signatureSchemes: readonly number[];
  readonly options: Pick<ServerOptions, 'clientCertificateAuthorities'>;
}

/**
 * RFC 8446 4.2.4: the certificate_authorities extension of a CertificateRequest, naming the CAs
 * of `clientCertificateAuthorities`; none when the list is absent or empty (the extension's
 * list may not be empty).
 */
export function certificateAuthoritiesExtensions(config: ClientAuthConfig): Extension[] {
  const authorities = config.options.clientCertificateAuthorities ?? [];
  return authorities.length === 0
    ? []
    : [{ type: ExtensionType.certificateAuthorities, authorities: [...authorities] }];
}

/**
 * Checks `clientCertificateAuthorities` at creation: DER Names (each a SEQUENCE) that fit the
 * CertificateRequest's 2-byte lengths, so that encoding them later cannot fail.
 */
export function checkCertificateAuthorities(names: unknown): void {
  if (names === undefined) return;
  if (!Array.isArray(names)) {
    throw new OptionsError('clientCertificateAuthorities must be an array of DER Names');
  }
  let total = 0;
  for (const name of names) {
    if (!(name instanceof Uint8Array) || name.length < 2 || name[0] !== 0x30) {
      throw new OptionsError(
        'clientCertificateAuthorities: each entry must be a DER Name (a SEQUENCE), e.g. parseCertificate(ca).subject.der',
      );
    }
    total += 2 + name.length;
  }
  // RFC 8446 4.2.4 / RFC 5246 7.4.4: the list and the extension around it have 2-byte lengths.
  if (total > 0xffff - 2) {
    throw new OptionsError(
      'clientCertificateAuthorities is longer than a CertificateRequest holds',
    );
  }
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
