/// <reference types="node" />
/**
 * `@tlskit/crypto/node`: a provider on `node:crypto` (OpenSSL) for every primitive Node offers;
 * @noble/post-quantum only for ML-KEM-768, which Node 20 lacks. The TLS rules (share checks,
 * strict DER, key import, scheme policy) are the same code as the noble provider's.
 *
 * @packageDocumentation
 */
import {
  type KeyObject,
  constants as nodeConstants,
  createCipheriv,
  createDecipheriv,
  createDiffieHellman,
  createECDH,
  type DiffieHellman,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import type { CryptoBackend, DhFunctions, RawAead, SignatureFunctions } from './backend.js';
import { composeProvider, type ProviderOptions } from './compose.js';
import { FFDHE_GROUPS, type FfdheName } from './ffdhe.js';
import { HASH_LENGTH } from './hash.js';
import { BufferedNodeHash, bytes, nodeHash, nodeHmac, opensslDigest } from './node-hashes.js';
import { ecPkcs8, ecSpki, type OkpKind, okpPkcs8, okpSpki } from './keys.js';
import type { AeadName, CryptoProvider } from './provider.js';
import type { CurveName } from './signatureSchemes.js';

/** Options of {@link createNodeProvider}. */
export type NodeProviderOptions = ProviderOptions;

const CIPHERS: Readonly<Record<AeadName, string>> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305',
};
const TAG = 16;

async function nodeAead(algorithm: AeadName, key: Uint8Array): Promise<RawAead> {
  const cipher = CIPHERS[algorithm] as 'aes-128-gcm';
  // The raw bytes, not a KeyObject: createCipheriv costs the same with either, and
  // createSecretKey was a few microseconds per record key, several keys per handshake (issue 14).
  // `key` is the caller's own copy (importAeadKey), passed as it is: wrapping it in a Buffer
  // would read `key.buffer`, and a key of 16 or 32 bytes lives on V8's heap until something
  // asks for its ArrayBuffer, which then gets a malloc'd backing store of its own.
  const secret = key;
  return {
    async seal(nonce, aad, plaintext) {
      const c = createCipheriv(cipher, secret, nonce, { authTagLength: TAG });
      c.setAAD(aad);
      const out = new Uint8Array(plaintext.length + TAG);
      const body = c.update(plaintext);
      out.set(body);
      const rest = c.final();
      out.set(rest, body.length);
      out.set(c.getAuthTag(), plaintext.length);
      return out;
    },
    // OpenSSL takes the plaintext piece by piece; each piece's ciphertext comes back as its own
    // buffer (Node has no update-into), so nothing is joined here.
    async sealChunks(nonce, aad, plaintext) {
      const c = createCipheriv(cipher, secret, nonce, { authTagLength: TAG });
      c.setAAD(aad);
      const out: Uint8Array[] = [];
      for (const piece of plaintext) {
        const body = c.update(piece);
        if (body.length > 0) out.push(body);
      }
      const rest = c.final();
      if (rest.length > 0) out.push(rest);
      out.push(c.getAuthTag());
      return out;
    },
    async open(nonce, aad, ciphertext) {
      const d = createDecipheriv(cipher, secret, nonce, { authTagLength: TAG });
      d.setAAD(aad);
      d.setAuthTag(ciphertext.subarray(ciphertext.length - TAG));
      const body = d.update(ciphertext.subarray(0, ciphertext.length - TAG));
      const rest = d.final(); // throws when the tag does not verify
      return rest.length === 0 ? bytes(body) : bytes(Buffer.concat([body, rest]));
    },
  };
}

/** KeyObjects cached per DER encoding: importing is far costlier than using. */
const keyObjects = new WeakMap<Uint8Array, KeyObject>();

function cached(der: Uint8Array, make: (der: Uint8Array) => KeyObject): KeyObject {
  let k = keyObjects.get(der);
  if (k === undefined) {
    k = make(der);
    keyObjects.set(der, k);
  }
  return k;
}

const spkiKey = (der: Uint8Array) =>
  createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });

/**
 * Public KeyObjects cached by content, not identity: every handshake parses the peer's chain
 * afresh, so the same server or CA key arrives in a new array each time and the identity cache
 * above never hits (issue 7: SPKI import was the largest node:crypto self time per handshake).
 * Public keys only; bounded, oldest entry evicted first.
 */
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_SIZE = 256;

function cachedPublic(spki: Uint8Array): KeyObject {
  return cachedPublicBy(b64url(spki), () => spki);
}

/**
 * As cachedPublic, for a key known by its raw public bytes: `id` names the key type and the
 * bytes in full, and the SPKI is encoded only when the key is not cached yet.
 */
function cachedPublicBy(id: string, spki: () => Uint8Array): KeyObject {
  let k = publicKeys.get(id);
  if (k === undefined) {
    k = spkiKey(spki());
    if (publicKeys.size >= PUBLIC_KEY_CACHE_SIZE) {
      const oldest = publicKeys.keys().next();
      if (oldest.done !== true) publicKeys.delete(oldest.value);
    }
    publicKeys.set(id, k);
  }
  return k;
}
const pkcs8Key = (der: Uint8Array) =>
  createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });

// Copies (into Node's pool) rather than viewing `b.buffer`: a small key on V8's heap would
// otherwise be given an ArrayBuffer of its own just to be encoded.
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/**
 * X25519 or X448 through JWK KeyObjects. Private keys are imported from JWK rather than PKCS#8:
 * OpenSSL 3's PKCS#8 decoder costs ~2 ms per key, the JWK path ~0.15 ms. Node requires `x` to
 * be present but builds the key from `d` alone (EVP_PKEY_new_raw_private_key) and derives the
 * public half, so a placeholder is enough; the RFC 7748 and RFC 8448 vector tests would catch
 * a change.
 */
function nodeMontgomery(crv: Exclude<OkpKind, 'Ed25519'>, length: number): DhFunctions {
  const placeholderX = b64url(new Uint8Array(length));
  // The same array serves publicKey() and then shared(): import it once.
  const privateKeyObject = (privateKey: Uint8Array) =>
    cached(privateKey, () =>
      createPrivateKey({
        key: { kty: 'OKP', crv, d: b64url(privateKey), x: placeholderX },
        format: 'jwk',
      }),
    );
  return {
    async publicKey(privateKey) {
      // A private key's JWK carries the public `x` that OpenSSL derived: no second import.
      const jwk = privateKeyObject(privateKey).export({ format: 'jwk' });
      return bytes(Buffer.from(jwk.x ?? '', 'base64url'));
    },
    async shared(privateKey, peer) {
      return bytes(
        diffieHellman({
          privateKey: privateKeyObject(privateKey),
          publicKey: createPublicKey({ key: { kty: 'OKP', crv, x: b64url(peer) }, format: 'jwk' }),
        }),
      );
    },
  };
}

const OPENSSL_CURVES: Readonly<Record<CurveName, string>> = {
  'P-224': 'secp224r1',
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
};

function nodeNist(curve: CurveName): DhFunctions {
  const ecdh = (privateKey: Uint8Array) => {
    const e = createECDH(OPENSSL_CURVES[curve]);
    e.setPrivateKey(privateKey);
    return e;
  };
  return {
    publicKey: async (privateKey) => bytes(ecdh(privateKey).getPublicKey()),
    // computeSecret returns the X coordinate (SEC 1 3.3.1), as TLS wants.
    shared: async (privateKey, peer) => bytes(ecdh(privateKey).computeSecret(peer)),
  };
}

/** OpenSSL's big-endian integers drop leading zero bytes; TLS wants the prime's full length. */
function leftPad(b: Buffer, length: number): Uint8Array {
  if (b.length === length) return bytes(b);
  const out = new Uint8Array(length);
  out.set(b, length - b.length);
  return out;
}

/** RFC 7919 DH through OpenSSL (Node knows only the RFC 3526 groups by name, so p is given). */
function nodeFfdhe(name: FfdheName): DhFunctions {
  const { prime, length } = FFDHE_GROUPS[name];
  const p = Buffer.from(prime);
  // One DiffieHellman per private key, shared by publicKey() and then shared(): setting up a
  // context for a 2048-4096-bit prime costs as much as the exponentiation.
  const contexts = new WeakMap<Uint8Array, DiffieHellman>();
  const dh = (privateKey: Uint8Array) => {
    let d = contexts.get(privateKey);
    if (d === undefined) {
      d = createDiffieHellman(p, 2);
      d.setPrivateKey(Buffer.from(privateKey));
      contexts.set(privateKey, d);
    }
    return d;
  };
  return {
    // generateKeys keeps a private key that is already set and computes g^x mod p from it.
    publicKey: async (privateKey) => leftPad(dh(privateKey).generateKeys(), length),
    shared: async (privateKey, peer) => leftPad(dh(privateKey).computeSecret(peer), length),
  };
}

const nodeSignatures: SignatureFunctions = {
  async ecdsaVerify(curve, hashName, point, rs, message) {
    const key = cachedPublicBy(`${curve}:${b64url(point)}`, () => ecSpki(curve, point));
    return nodeVerify(opensslDigest(hashName), message, { key, dsaEncoding: 'ieee-p1363' }, rs);
  },
  async ecdsaSign(curve, hashName, d, message) {
    // OpenSSL's ECDSA draws a random nonce: signatures differ from run to run.
    const key = cached(d, () => pkcs8Key(ecPkcs8(curve, d)));
    return bytes(nodeSign(opensslDigest(hashName), message, { key, dsaEncoding: 'ieee-p1363' }));
  },
  async ed25519Verify(publicKey, message, signature) {
    const key = cachedPublicBy(`Ed25519:${b64url(publicKey)}`, () => okpSpki('Ed25519', publicKey));
    return nodeVerify(null, message, key, signature);
  },
  async ed25519Sign(seed, message) {
    return bytes(
      nodeSign(
        null,
        message,
        cached(seed, () => pkcs8Key(okpPkcs8('Ed25519', seed))),
      ),
    );
  },
  async rsaVerify(s, rsaSpki, message, signature) {
    const key = cachedPublic(rsaSpki);
    return nodeVerify(opensslDigest(s.hash ?? 'SHA-256'), message, rsaOptions(s, key), signature);
  },
  async rsaSign(s, rsaPkcs8, message) {
    const key = cached(rsaPkcs8, pkcs8Key);
    return bytes(nodeSign(opensslDigest(s.hash ?? 'SHA-256'), message, rsaOptions(s, key)));
  },
};

function rsaOptions(s: Parameters<SignatureFunctions['rsaSign']>[0], key: KeyObject) {
  // RFC 8446 4.2.3: the PSS salt length equals the digest length.
  return s.algorithm === 'rsa-pkcs1'
    ? { key, padding: nodeConstants.RSA_PKCS1_PADDING }
    : {
        key,
        padding: nodeConstants.RSA_PKCS1_PSS_PADDING,
        saltLength: HASH_LENGTH[s.hash ?? 'SHA-256'],
      };
}

const nodeBackend: CryptoBackend = {
  name: 'node',
  hashes: {
    hash: nodeHash,
    createHash: (name) => new BufferedNodeHash(name),
    hmac: nodeHmac,
  },
  aead: nodeAead,
  x25519: nodeMontgomery('X25519', 32),
  x448: nodeMontgomery('X448', 56),
  nist: {
    'P-224': nodeNist('P-224'),
    'P-256': nodeNist('P-256'),
    'P-384': nodeNist('P-384'),
    'P-521': nodeNist('P-521'),
  },
  ffdhe: {
    ffdhe2048: nodeFfdhe('ffdhe2048'),
    ffdhe3072: nodeFfdhe('ffdhe3072'),
    ffdhe4096: nodeFfdhe('ffdhe4096'),
  },
  signatures: nodeSignatures,
};

/** Builds a provider on `node:crypto`. Node only; see `@tlskit/crypto/webcrypto` elsewhere. */
export function createNodeProvider(options: NodeProviderOptions = {}): CryptoProvider {
  return composeProvider(nodeBackend, options);
}

/** The `node:crypto` provider with the runtime's CSPRNG. */
export const nodeProvider: CryptoProvider = createNodeProvider();
