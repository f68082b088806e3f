/**
 * `@tlskit/crypto/default` under the `node` export condition: the provider on `node:crypto`,
 * native speed for what a Node server or client spends its time on. Same exports as
 * `default.ts`, which the other runtimes get.
 *
 * @packageDocumentation
 */
import { nodeProvider } from './node.js';
import type { CryptoProvider } from './provider.js';

/**
 * The provider `connect()`, `connectStreams()` and `createServer()` use when given none:
 * `nodeProvider` under the `node` export condition (Node.js), `nobleProvider` everywhere else.
 */
export const defaultProvider: CryptoProvider = nodeProvider;

/** Which provider {@link defaultProvider} is: `'node'` or `'noble'`. */
export const defaultProviderName: 'node' | 'noble' = 'node';
