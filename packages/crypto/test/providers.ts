import type { CryptoProvider, ProviderOptions } from '../src/index.js';
import { createNobleProvider } from '../src/index.js';
import { createNodeProvider } from '../src/node.js';
import { createWebCryptoProvider } from '../src/webcrypto.js';

export type CreateProvider = (options?: ProviderOptions) => CryptoProvider;

/** Every provider runs the same compliance suite (the libp2p interface-suite pattern). */
export const PROVIDERS: readonly (readonly [string, CreateProvider])[] = [
  ['noble', createNobleProvider],
  ['node', createNodeProvider],
  ['webcrypto', createWebCryptoProvider],
];
