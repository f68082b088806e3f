export { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH } from './aead.js';
export { HASH_LENGTH } from './hash.js';
export { createNobleProvider, type NobleProviderOptions, nobleProvider } from './noble.js';
export type * from './provider.js';
export { type RandomSource, secureRandomBytes } from './random.js';
