import { nobleAead } from './aead.js';
import type { CryptoBackend } from './backend.js';
import { composeProvider, type ProviderOptions } from './compose.js';
import { bigintFfdheGroups } from './ffdhe.js';
import { nobleNist, nobleX448, nobleX25519 } from './groups.js';
import { nobleHashes } from './hash.js';
import type { CryptoProvider } from './provider.js';
import { nobleSignatures } from './signatures.js';

/** Options of {@link createNobleProvider}. */
export type NobleProviderOptions = ProviderOptions;

const nobleBackend: CryptoBackend = {
  name: 'noble',
  hashes: nobleHashes,
  aead: nobleAead,
  x25519: nobleX25519,
  x448: nobleX448,
  nist: {
    'P-224': nobleNist('P-224'),
    'P-256': nobleNist('P-256'),
    'P-384': nobleNist('P-384'),
    'P-521': nobleNist('P-521'),
  },
  ffdhe: bigintFfdheGroups(),
  signatures: nobleSignatures,
};

/**
 * Builds the default provider: @noble/* for hashes, AEADs, curves and ML-KEM; the runtime's
 * WebCrypto for RSA signatures. Runs anywhere with `globalThis.crypto`.
 */
export function createNobleProvider(options: NobleProviderOptions = {}): CryptoProvider {
  return composeProvider(nobleBackend, options);
}

/** The default provider, drawing randomness from `globalThis.crypto.getRandomValues`. */
export const nobleProvider: CryptoProvider = createNobleProvider();
