/**
 * The one chain verifier over `@tlskit/x509`: a path to an anchor of a `TrustStore` (RFC 5280),
 * validity at the engine's clock, the purpose (serverAuth / clientAuth), and for a server chain
 * the host name the client asked for. The engine uses it when `options.ca` is set; the client and
 * server facades wrap it with node:tls's `rejectUnauthorized` / `checkServerIdentity` policy.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import { AlertDescription, TlsError } from '@tlskit/wire';
import { TrustStore, type VerifiedChain, verifyChain } from '@tlskit/x509';
import type { CertificateVerifier, VerifyContext } from '../core/options.js';

/** Options of {@link verifyPeerChain} and {@link x509Verifier}. */
export interface X509VerifierOptions {
  /** Checks the signatures of the chain. */
  readonly provider: CryptoProvider;
  /**
   * The trust anchors, or a function that returns them: it is called at the first check, so a
   * large default set (node's Mozilla roots) is parsed only when a connection needs it.
   */
  readonly trustStore: TrustStore | (() => TrustStore);
  /**
   * The name a server's leaf must be valid for, when it is not the SNI name: an IP address, which
   * SNI cannot carry. `false` skips the host name check, for a caller that checks the name
   * itself (node:tls's `checkServerIdentity`). Default: the SNI name (`context.serverName`).
   */
  readonly hostname?: string | false | undefined;
}

/**
 * Validates a peer chain (leaf first) as the engine receives it and resolves with the path that
 * verified (leaf first, anchor last). Rejects with a certificate `TlsError` (`CertificateError`
 * from `@tlskit/x509`, whose message names the certificate's subject, names and dates).
 */
export async function verifyPeerChain(
  chain: readonly Uint8Array[],
  context: VerifyContext,
  options: X509VerifierOptions,
): Promise<VerifiedChain> {
  const [leaf, ...intermediates] = chain;
  if (leaf === undefined) {
    throw new TlsError(
      'ERR_CERT_MISSING',
      AlertDescription.badCertificate,
      'the peer sent no certificate',
    );
  }
  const hostname =
    context.peer === 'server' && options.hostname !== false
      ? (options.hostname ?? context.serverName)
      : undefined;
  const trustStore =
    typeof options.trustStore === 'function' ? options.trustStore() : options.trustStore;
  return verifyChain({
    leaf,
    intermediates,
    trustStore,
    provider: options.provider,
    time: context.now,
    purpose: context.peer === 'server' ? 'serverAuth' : 'clientAuth',
    // RFC 8446 4.4.2.2 (and RFC 5246 7.4.2 for ECDHE): a leaf that signs the handshake
    // must allow digitalSignature when it has a keyUsage extension.
    keyUsage: ['digitalSignature'],
    ...(hostname === undefined ? {} : { hostname }),
  });
}

/**
 * Builds the engine's {@link CertificateVerifier} from {@link verifyPeerChain}. It resolves with
 * the validated path (DER), where OCSP stapling finds the leaf's issuer.
 */
export function x509Verifier(options: X509VerifierOptions): CertificateVerifier {
  return async (chain, context) => {
    const verified = await verifyPeerChain(chain, context, options);
    return verified.chain.map((certificate) => certificate.der);
  };
}

/** `options.ca` as a store: DER anchors are parsed once, when the engine is created. */
export function trustStoreOf(ca: TrustStore | readonly Uint8Array[]): TrustStore {
  return ca instanceof TrustStore ? ca : new TrustStore(ca);
}
