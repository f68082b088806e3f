/**
 * The certificate verifier the facades hand to the engine: `@tlskit/x509` path validation plus
 * node:tls's `rejectUnauthorized` / `checkServerIdentity` semantics.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import type { CertificateVerifier } from '@tlskit/handshake';
import { TlsError } from '@tlskit/wire';
import { type Certificate, TrustStore, verifyChain } from '@tlskit/x509';

/**
 * The host name hook as the verifier runs it: the name, and the chain that verified (leaf first,
 * anchor last). Each facade adapts the user's hook to it (node:tls's certificate object on Node).
 */
export type ChainIdentityCheck = (
  hostname: string,
  chain: readonly Certificate[],
) => Error | undefined;

/** Options of {@link createPeerVerifier}. */
export interface PeerVerifierOptions {
  readonly provider: CryptoProvider;
  /** Trust anchors (a store, or DER certificates). Without them the verifier uses `defaultTrustStore()`. */
  readonly ca: TrustStore | readonly Uint8Array[] | undefined;
  /** Fallback anchors when `ca` is absent (the Node facade passes the Mozilla set). */
  readonly defaultTrustStore?: () => TrustStore;
  /** When false, failures are reported, not fatal. */
  readonly rejectUnauthorized: boolean;
  /**
   * The name a server's certificate must match when it is not the SNI name: an IP address,
   * which SNI cannot carry (node:tls checks `host` then too). Default: the SNI name.
   */
  readonly hostname?: string | undefined;
  /** Replaces the RFC 9525 host name check (client side only). */
  readonly checkServerIdentity?: ChainIdentityCheck | undefined;
  /** Receives the failure when `rejectUnauthorized` is false. */
  readonly report?: (error: Error) => void;
  /** Receives the chain that verified, DER, leaf first and trust anchor last. */
  readonly verified?: (chain: readonly Uint8Array[]) => void;
}

/**
 * Builds a {@link CertificateVerifier}: the chain must lead to an anchor with the right extended
 * key usage (serverAuth for servers, clientAuth for clients) at the engine's clock, and a
 * server's leaf must match the SNI name.
 */
export function createPeerVerifier(options: PeerVerifierOptions): CertificateVerifier {
  let store: TrustStore | undefined;
  const trustStore = (): TrustStore => {
    store ??=
      options.ca instanceof TrustStore
        ? options.ca
        : options.ca !== undefined
          ? new TrustStore(options.ca)
          : (options.defaultTrustStore?.() ?? new TrustStore());
    return store;
  };
  return async (chain, context) => {
    const [leaf, ...intermediates] = chain;
    try {
      if (leaf === undefined)
        throw new TlsError('ERR_CERT_MISSING', 42, 'the peer sent no certificate');
      const custom = context.peer === 'server' ? options.checkServerIdentity : undefined;
      const expected = options.hostname ?? context.serverName;
      const hostname = context.peer === 'server' && custom === undefined ? expected : undefined;
      const verified = await verifyChain({
        leaf,
        intermediates,
        trustStore: trustStore(),
        provider: options.provider,
        time: context.now,
        purpose: context.peer === 'server' ? 'serverAuth' : 'clientAuth',
        // RFC 8446 4.4.2.2 (and RFC 5246 7.4.2 for ECDHE): a leaf that signs the handshake
        // must allow digitalSignature when it has a keyUsage extension.
        keyUsage: ['digitalSignature'],
        ...(hostname === undefined ? {} : { hostname }),
      });
      options.verified?.(verified.chain.map((certificate) => certificate.der));
      if (custom !== undefined && expected !== undefined) {
        const error = custom(expected, verified.chain);
        if (error !== undefined) {
          throw new TlsError('ERR_CERT_HOSTNAME_MISMATCH', 42, error.message, { cause: error });
        }
      }
      // The validated path lets the engine find the issuer of a stapled OCSP response.
      return verified.chain.map((certificate) => certificate.der);
    } catch (error) {
      if (options.rejectUnauthorized) throw error;
      options.report?.(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  };
}
