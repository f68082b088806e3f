import { importNobleAeadKey } from './aead.js';
import { nobleGroups } from './groups.js';
import { createHash, hash, hkdfExpand, hkdfExtract, hmac } from './hash.js';
import {
  type DecodedPrivateKey,
  decodePkcs8,
  decodePrivateKeyPem,
  decodeSpki,
  privateKeyFields,
  publicKeyOf,
  spkiForPrivateKey,
} from './keys.js';
import type { CryptoProvider, PrivateKey } from './provider.js';
import { SIGNATURE_SCHEMES } from './signatureSchemes.js';
import { privateKeyMaterial, schemesForKey, signWith, verifySignature } from './signatures.js';
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
  /**
   * Also verify ecdsa_sha1 (0x0203) and rsa_pkcs1_sha1 (0x0201), for X.509 callers that must
   * read old chains. Off by default: SHA-1 signatures are forgeable (SHAttered) and TLS 1.3
   * forbids them (RFC 8446 4.2.3). Never used for signing.
   */
  readonly allowSha1Signatures?: boolean;
}

function material(key: PrivateKey): DecodedPrivateKey {
  const m = privateKeyMaterial.get(key);
  if (m === undefined) {
    throw new TypeError(
      'this PrivateKey was not created by importPrivateKey of the noble provider',
    );
  }
  return m;
}

/**
 * Builds the default provider: @noble/* for hashes, AEADs, curves and ML-KEM; the runtime's
 * WebCrypto for RSA signatures.
 */
export function createNobleProvider(options: NobleProviderOptions = {}): CryptoProvider {
  const randomBytes = options.randomBytes ?? secureRandomBytes;
  const groups = nobleGroups(randomBytes);
  const allowSha1 = options.allowSha1Signatures ?? false;
  const policy = { allowSha1 };
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
    supportedSignatureSchemes: SIGNATURE_SCHEMES.filter((s) => !s.legacy || allowSha1).map(
      (s) => s.code,
    ),
    async importPublicKey(spki) {
      const copy = spki.slice();
      return publicKeyOf(copy, decodeSpki(copy));
    },
    async importPrivateKey(key) {
      const decoded = typeof key === 'string' ? decodePrivateKeyPem(key) : decodePkcs8(key.slice());
      const spki = spkiForPrivateKey(decoded);
      const privateKey: PrivateKey = {
        ...privateKeyFields(decoded),
        publicKey: publicKeyOf(spki, decodeSpki(spki)),
      };
      privateKeyMaterial.set(privateKey, decoded);
      return privateKey;
    },
    verify: (scheme, key, message, signature) =>
      verifySignature(policy, scheme, key, message, signature),
    async sign(scheme, key, message) {
      return signWith(scheme, material(key), message);
    },
    signatureSchemesFor: (key) => schemesForKey(material(key)),
  };
}

/** The default provider, drawing randomness from `globalThis.crypto.getRandomValues`. */
export const nobleProvider: CryptoProvider = createNobleProvider();
