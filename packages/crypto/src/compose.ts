import { importAeadKey } from './aead.js';
import type { CryptoBackend } from './backend.js';
import { groupsOf } from './groups.js';
import { hkdfExpand, hkdfExtract } from './hash.js';
import { namedGroupInfo } from './namedGroups.js';
import {
  type DecodedPrivateKey,
  decodePrivateKey,
  decodeSpki,
  privateKeyFields,
  publicKeyOf,
  spkiForPrivateKey,
} from './keys.js';
import type { CryptoProvider, PrivateKey } from './provider.js';
import { type RandomSource, secureRandomBytes } from './random.js';
import { SIGNATURE_SCHEMES } from './signatureSchemes.js';
import { privateKeyMaterial, schemesForKey, signWith, verifySignature } from './signatures.js';

/** Options every tlskit provider accepts. */
export interface ProviderOptions {
  /**
   * The source of every random value the provider uses: key exchange private keys (X25519,
   * P-256 and P-384 scalars, ML-KEM seeds and encapsulation randomness). Inject a recorded
   * source to replay a handshake byte for byte (RFC 8448). Default: `globalThis.crypto`.
   * Signature randomness is not drawn from it: the noble provider's ECDSA (RFC 6979) and every
   * Ed25519 signature are deterministic; RSA-PSS salts and the node/webcrypto providers' ECDSA
   * nonces come from the runtime's own generator and cannot be injected.
   */
  readonly randomBytes?: RandomSource;
  /**
   * Also verify and sign ecdsa_sha1 (0x0203) and rsa_pkcs1_sha1 (0x0201): for X.509 callers
   * that must read old chains, and for TLS 1.2 connections to old peers, where the handshake
   * still uses them only if they are listed in its `signatureSchemes` option. Off by default:
   * SHA-1 signatures are forgeable (SHAttered), RFC 9155 deprecates them in TLS 1.2 and TLS 1.3
   * forbids them (RFC 8446 4.2.3). With it on they appear in `supportedSignatureSchemes` and, last,
   * in `signatureSchemesFor(key)`.
   */
  readonly allowSha1Signatures?: boolean;
}

/**
 * Builds a CryptoProvider from a backend's primitives. All TLS rules (share formats, DER,
 * key import, scheme policy, error mapping) are here, so every provider answers alike.
 */
export function composeProvider(
  backend: CryptoBackend,
  options: ProviderOptions = {},
): CryptoProvider {
  const randomBytes = options.randomBytes ?? secureRandomBytes;
  const groups = groupsOf(backend, randomBytes);
  const allowSha1 = options.allowSha1Signatures ?? false;
  const policy = { allowSha1 };
  const { hash, createHash, hmac } = backend.hashes;
  const material = (key: PrivateKey): DecodedPrivateKey => {
    const m = privateKeyMaterial.get(key);
    if (m === undefined) {
      throw new TypeError(
        "this PrivateKey was not created by a tlskit provider's importPrivateKey",
      );
    }
    return m;
  };
  return {
    name: backend.name,
    randomBytes,
    hash,
    createHash,
    hmac,
    hkdfExtract: (name, salt, ikm) => hkdfExtract(hmac, name, salt, ikm),
    hkdfExpand: (name, prk, info, length) => hkdfExpand(hmac, name, prk, info, length),
    importAeadKey: (algorithm, key) => importAeadKey(backend.aead, algorithm, key),
    keyExchange: (group) => groups.find((g) => g.group === group),
    // Legacy groups (secp224r1) are implemented but used only when a caller names them.
    supportedGroups: groups
      .filter((g) => namedGroupInfo(g.group)?.legacy !== true)
      .map((g) => g.group),
    supportedSignatureSchemes: SIGNATURE_SCHEMES.filter((s) => !s.legacy || allowSha1).map(
      (s) => s.code,
    ),
    async importPublicKey(spki) {
      const copy = spki.slice();
      return publicKeyOf(copy, decodeSpki(copy));
    },
    async importPrivateKey(key, options) {
      const decoded = decodePrivateKey(key, options);
      const spki = spkiForPrivateKey(decoded);
      const privateKey: PrivateKey = {
        ...privateKeyFields(decoded),
        publicKey: publicKeyOf(spki, decodeSpki(spki)),
      };
      privateKeyMaterial.set(privateKey, decoded);
      return privateKey;
    },
    verify: (scheme, key, message, signature) =>
      verifySignature(backend.signatures, policy, scheme, key, message, signature),
    sign: async (scheme, key, message) =>
      signWith(backend.signatures, policy, scheme, material(key), message),
    signatureSchemesFor: (key) => schemesForKey(material(key), policy),
  };
}
