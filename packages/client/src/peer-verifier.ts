/**
 * The certificate verifier the facades hand to the engine: the handshake package's chain
 * verifier (`verifyPeerChain`, over `@tlskit/x509`) plus node:tls's `rejectUnauthorized` /
 * `checkServerIdentity` policy, which is all this module adds.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import { type CertificateVerifier, verifyPeerChain } from '@tlskit/handshake';
import { TlsError } from '@tlskit/wire';
import { type Certificate, TrustStore } from '@tlskit/x509';

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
 * server's leaf must match the SNI name, or pass `checkServerIdentity` when one is given.
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
  const custom = options.checkServerIdentity;
  // A custom identity check replaces the built-in one (node:tls), so the chain check skips it.
  const chainOptions = {
    provider: options.provider,
    trustStore,
    hostname: custom === undefined ? options.hostname : (false as const),
  };
  return async (chain, context) => {
    try {
      const verified = await verifyPeerChain(chain, context, chainOptions);
      const path = verified.chain.map((certificate) => certificate.der);
      options.verified?.(path);
      const expected = options.hostname ?? context.serverName;
      if (context.peer === 'server' && custom !== undefined && expected !== undefined) {
        const error = custom(expected, verified.chain);
        if (error !== undefined) {
          throw new TlsError('ERR_CERT_HOSTNAME_MISMATCH', 42, error.message, { cause: error });
        }
      }
      // The validated path lets the engine find the issuer of a stapled OCSP response.
      return path;
    } catch (error) {
      if (options.rejectUnauthorized) throw error;
      options.report?.(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  };
}
