import type { CryptoProvider, ProviderOptions } from '@tlskit/crypto';
import { createNobleProvider } from '@tlskit/crypto';
import { createNodeProvider } from '@tlskit/crypto/node';
import { createWebCryptoProvider } from '@tlskit/crypto/webcrypto';

/** Builds a provider, optionally with an injected random source. */
export type CreateProvider = (options?: ProviderOptions) => CryptoProvider;

/**
 * Every crypto provider tlskit ships (issue 7): the RFC 8448 replays run once per provider and
 * each must meet the same expectations.
 */
export const PROVIDERS: readonly (readonly [string, CreateProvider])[] = [
  ['noble', createNobleProvider],
  ['node', createNodeProvider],
  ['webcrypto', createWebCryptoProvider],
];
