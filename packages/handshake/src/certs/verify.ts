/**
 * Peer certificate checks: the chain (through the caller's verifier or the default one over
 * `@tlskit/x509`) and the leaf's public key for CertificateVerify.
 */
import type { CryptoProvider, PublicKey } from '@tlskit/crypto';
import { AlertDescription, TlsError } from '@tlskit/wire';
import { keyUsageBit, parseCertificate } from '@tlskit/x509';
import { badCertificate } from '../core/errors.js';
import type { ChainPolicy } from '../core/config.js';
import type {
  CertificateVerifier,
  ClientOptions,
  CommonOptions,
  VerifyContext,
} from '../core/options.js';
import { trustStoreOf, x509Verifier } from './x509-verifier.js';
import { type ChainAccepted, chainAccepted } from '../core/proofs.js';

/**
 * The chain policy of the options: `verifyCertificate`, else the default verifier over `ca`;
 * `skip` only when the caller turned verification off by name.
 */
export function chainPolicy(o: CommonOptions, skip: boolean): ChainPolicy {
  let verifier: CertificateVerifier | undefined = o.verifyCertificate;
  if (verifier === undefined && o.ca !== undefined) {
    verifier = x509Verifier({ provider: o.provider, trustStore: trustStoreOf(o.ca) });
  }
  return { verifier, skip };
}

/**
 * Runs the chain policy; resolves with the proof token (and the validated path when the verifier
 * returned one), rejects with a certificate TlsError.
 */
export async function acceptChain(
  policy: ChainPolicy,
  chain: readonly Uint8Array[],
  context: VerifyContext,
): Promise<{ accepted: ChainAccepted; path: readonly Uint8Array[] | undefined }> {
  if (chain.length === 0) throw badCertificate('empty certificate chain');
  if (policy.skip) return { accepted: chainAccepted(false), path: undefined };
  if (policy.verifier === undefined) {
    throw new TlsError(
      'ERR_CERT_UNKNOWN_ISSUER',
      AlertDescription.unknownCa,
      'no trust anchors configured (set options.ca or options.verifyCertificate)',
    );
  }
  let path: readonly Uint8Array[] | undefined;
  try {
    path = (await policy.verifier(chain, context)) ?? undefined;
  } catch (error) {
    if (error instanceof TlsError) throw error;
    throw new TlsError(
      'ERR_CERT_REJECTED',
      AlertDescription.badCertificate,
      'certificate verifier rejected the chain',
      {
        cause: error,
      },
    );
  }
  return { accepted: chainAccepted(true), path };
}

/**
 * Client with `reverifyOnResume`: runs the chain policy again on the chain a resumed session
 * keeps (that of the connection that issued it), as on a full handshake. A session without a
 * chain (an external PSK) has nothing to verify.
 */
export async function reverifySession(
  now: number,
  options: ClientOptions,
  policy: ChainPolicy,
  chain: readonly Uint8Array[],
): Promise<void> {
  if (options.reverifyOnResume !== true || chain.length === 0) return;
  await acceptChain(policy, chain, { serverName: options.serverName, now, peer: 'server' });
}

/**
 * Imports the leaf's public key; a certificate we cannot parse is bad_certificate.
 *
 * Every use tlskit makes of a peer's key is a signature (CertificateVerify, a TLS 1.2
 * ServerKeyExchange: there is no RSA key exchange), so a leaf whose keyUsage extension does not
 * assert digitalSignature is refused here (RFC 5280 4.2.1.3, RFC 8446 4.4.2.2), whoever judged
 * the chain: a custom `verifyCertificate` (or `rejectUnauthorized: false`) must not let a
 * key-agreement-only or encipherment-only certificate sign a handshake.
 */
export async function leafPublicKey(
  provider: CryptoProvider,
  leaf: Uint8Array,
): Promise<PublicKey> {
  let spki: Uint8Array;
  let keyUsage: number | undefined;
  try {
    const certificate = parseCertificate(leaf);
    spki = certificate.publicKey.der;
    keyUsage = certificate.keyUsage;
  } catch (error) {
    if (error instanceof TlsError) throw error;
    throw badCertificate('leaf certificate does not parse');
  }
  if (keyUsage !== undefined && (keyUsage & (1 << keyUsageBit.digitalSignature)) === 0) {
    throw new TlsError(
      'ERR_CERT_KEY_USAGE',
      AlertDescription.unsupportedCertificate,
      "the peer's certificate has a keyUsage extension without digitalSignature, so its key may not sign the handshake",
    );
  }
  try {
    return await provider.importPublicKey(spki);
  } catch {
    throw new TlsError(
      'ERR_UNSUPPORTED_CERTIFICATE',
      AlertDescription.unsupportedCertificate,
      'leaf public key type is not supported',
    );
  }
}

/** A peer chain that passed the policy, with the leaf key its signatures are checked with. */
export interface PeerChain {
  readonly chain: readonly Uint8Array[];
  readonly accepted: ChainAccepted;
  readonly key: PublicKey;
  /** The validated path (leaf first, anchor last), when the verifier reported it. */
  readonly path: readonly Uint8Array[] | undefined;
}

/** Runs the chain policy, then imports the leaf key (RFC 8446 4.4.2 / RFC 5246 7.4.2). */
export async function checkPeerChain(
  provider: CryptoProvider,
  policy: ChainPolicy,
  chain: readonly Uint8Array[],
  context: VerifyContext,
): Promise<PeerChain> {
  const { accepted, path } = await acceptChain(policy, chain, context);
  const key = await leafPublicKey(provider, chain[0]!);
  return { chain, accepted, key, path };
}
