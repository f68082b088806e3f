/**
 * @tlskit/crypto: the CryptoProvider contract, the default provider on @noble/* (plus WebCrypto
 * for RSA), and TLS cipher suites, named groups and signature schemes as data.
 *
 * @packageDocumentation
 */
export { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH } from './aead.js';
export { CIPHER_SUITES, type CipherSuiteInfo, cipherSuiteInfo } from './cipherSuites.js';
export { HASH_LENGTH } from './hash.js';
export type { PrivateKeyOptions } from './encrypted-key.js';
export {
  PrivateKeyPassphraseError,
  type PrivateKeyPassphraseErrorCode,
  UnsupportedKeyError,
} from './key-errors.js';
export { describeNonPem, privateKeySpki, samePublicKey } from './keys.js';
export { NAMED_GROUPS, type NamedGroupInfo, namedGroupInfo } from './namedGroups.js';
export type { ProviderOptions } from './compose.js';
export { createNobleProvider, type NobleProviderOptions, nobleProvider } from './noble.js';
export type * from './provider.js';
export { type RandomSource, secureRandomBytes } from './random.js';
export {
  type CurveName,
  SIGNATURE_SCHEMES,
  type SignatureAlgorithm,
  type SignatureSchemeInfo,
  signatureSchemeFitsKey,
  signatureSchemeInfo,
} from './signatureSchemes.js';
export {
  generateHpkeX25519KeyPair,
  HpkeAead,
  HpkeContext,
  HpkeKdf,
  HpkeKem,
  type HpkeSuite,
  hpkeSupported,
  hpkeX25519PublicKey,
  setupBaseRecipient,
  setupBaseSender,
} from './hpke.js';
