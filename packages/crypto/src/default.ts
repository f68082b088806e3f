/**
 * `@tlskit/crypto/default` where `node:crypto` is absent (browsers, workers, bundles built for
 * them): the pure-JavaScript noble provider. On Node the `node` export condition picks
 * `default-node.ts` instead, so a browser bundle never pulls in `node:crypto`.
 *
 * @packageDocumentation
 */
import { nobleProvider } from './noble.js';
import type { CryptoProvider } from './provider.js';

/**
 * The provider `connect()`, `connectStreams()` and `createServer()` use when given none:
 * `nodeProvider` under the `node` export condition (Node.js), `nobleProvider` everywhere else.
 */
export const defaultProvider: CryptoProvider = nobleProvider;

/** Which provider {@link defaultProvider} is: `'node'` or `'noble'`. */
export const defaultProviderName: 'node' | 'noble' = 'noble';
