/**
 * The default chain verifier over `@tlskit/x509`: a path to one of `ca` (RFC 5280), validity
 * at the engine's clock, the purpose (serverAuth / clientAuth), and for a server chain the
 * host name the client asked for.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import { TrustStore, verifyChain } from '@tlskit/x509';
import type { CertificateVerifier } from '../core/options.js';

/** Builds the verifier used when `options.ca` is set and `options.verifyCertificate` is not. */
export function defaultVerifier(
  provider: CryptoProvider,
  ca: readonly Uint8Array[],
): CertificateVerifier {
  const trustStore = new TrustStore(ca);
  return async (chain, context) => {
    const [leaf, ...intermediates] = chain;
    if (leaf === undefined) return;
    const verified = await verifyChain({
      leaf,
      intermediates,
      trustStore,
      provider,
      time: context.now,
      purpose: context.peer === 'server' ? 'serverAuth' : 'clientAuth',
      // RFC 8446 4.4.2.2 (and RFC 5246 7.4.2 for ECDHE): a leaf that signs the handshake
      // must allow digitalSignature when it has a keyUsage extension.
      keyUsage: ['digitalSignature'],
      ...(context.peer === 'server' && context.serverName !== undefined
        ? { hostname: context.serverName }
        : {}),
    });
    return verified.chain.map((certificate) => certificate.der);
  };
}
