import { importNobleAeadKey } from './aead.js';
import { nobleGroups } from './groups.js';
import { createHash, hash, hkdfExpand, hkdfExtract, hmac } from './hash.js';
import type { CryptoProvider } from './provider.js';
import { type RandomSource, secureRandomBytes } from './random.js';

/** Options of {@link createNobleProvider}. */
export interface NobleProviderOptions {
  /**
   * The source of every random value the provider uses: key exchange private keys (X25519,
   * P-256 and P-384 scalars, ML-KEM seeds and encapsulation randomness). Inject a recorded
   * source to replay a handshake byte for byte (RFC 8448). Default: `globalThis.crypto`.
   * ECDSA and Ed25519 signatures are deterministic and use no randomness; RSA-PSS salts come from
   * WebCrypto's own generator and cannot be injected.
   */
  readonly randomBytes?: RandomSource;
}

function notYet(what: string): never {
  throw new Error(`@tlskit/crypto: ${what} is not implemented yet`);
}

/**
 * Builds the default provider: @noble/* for hashes, AEADs, curves and ML-KEM; the runtime's
 * WebCrypto for RSA signatures.
 */
export function createNobleProvider(options: NobleProviderOptions = {}): CryptoProvider {
  const randomBytes = options.randomBytes ?? secureRandomBytes;
  const groups = nobleGroups(randomBytes);
  return {
    name: 'noble',
    randomBytes,
    hash,
    createHash,
    hmac,
    hkdfExtract,
    hkdfExpand,
    importAeadKey: async (algorithm, key) => importNobleAeadKey(algorithm, key),
    keyExchange: (group) => groups.find((g) => g.group === group),
    supportedGroups: groups.map((g) => g.group),
    supportedSignatureSchemes: [],
    importPublicKey: async () => notYet('importPublicKey'),
    importPrivateKey: async () => notYet('importPrivateKey'),
    verify: async () => false,
    sign: async () => notYet('sign'),
    signatureSchemesFor: () => [],
  };
}

/** The default provider, drawing randomness from `globalThis.crypto.getRandomValues`. */
export const nobleProvider: CryptoProvider = createNobleProvider();
