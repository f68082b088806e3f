/**
 * `@tlskit/crypto/webcrypto`: a provider on the runtime's WebCrypto (`globalThis.crypto.subtle`)
 * for what it offers (AES-GCM, X25519, P-256/P-384/P-521 ECDH, ECDSA, Ed25519, RSA; X448 where
 * the runtime has it) and @noble/* for the rest: P-224 (opt-in legacy), SHA-2/HMAC/HKDF (WebCrypto digests are
 * asynchronous, the transcript hash is not), ChaCha20-Poly1305, ML-KEM-768, FFDHE (not in
 * WebCrypto) and X448 elsewhere. No Node import: runs in browsers, workers, Deno and Bun.
 *
 * @packageDocumentation
 */
import { nobleAead } from './aead.js';
import type { CryptoBackend, DhFunctions, RawAead, SignatureFunctions } from './backend.js';
import { composeProvider, type ProviderOptions } from './compose.js';
import { bigintFfdheGroups } from './ffdhe.js';
import { nobleNist, nobleX448 } from './groups.js';
import { nobleHashes } from './hash.js';
import { ecPkcs8, ecSpki, okpPkcs8, okpSpki } from './keys.js';
import type { AeadName, CryptoProvider } from './provider.js';
import { nobleSignatures } from './signatures.js';
import { buf, cachedKey, subtle, subtleRsa } from './subtle.js';

/** Options of {@link createWebCryptoProvider}. */
export type WebCryptoProviderOptions = ProviderOptions;

async function webAead(algorithm: AeadName, key: Uint8Array): Promise<RawAead> {
  // WebCrypto has no ChaCha20-Poly1305.
  if (algorithm === 'CHACHA20-POLY1305') return nobleAead(algorithm, key);
  const k = await subtle().importKey('raw', buf(key), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const params = (iv: Uint8Array, additionalData: Uint8Array): AesGcmParams => ({
    name: 'AES-GCM',
    iv: buf(iv),
    additionalData: buf(additionalData),
    tagLength: 128,
  });
  return {
    seal: async (nonce, aad, plaintext) =>
      new Uint8Array(await subtle().encrypt(params(nonce, aad), k, buf(plaintext))),
    // decrypt rejects (OperationError) when the tag does not verify.
    open: async (nonce, aad, ciphertext) =>
      new Uint8Array(await subtle().decrypt(params(nonce, aad), k, buf(ciphertext))),
  };
}

function base64url(s: string | undefined): Uint8Array {
  const b64 = (s ?? '').replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * WebCrypto cannot derive a public key from raw private bytes directly, so import the private
 * key as PKCS#8 (extractable) and read the public part back from its JWK export.
 */
async function exportedPublic(key: CryptoKey, kind: 'okp' | 'ec'): Promise<Uint8Array> {
  const jwk = await subtle().exportKey('jwk', key);
  if (kind === 'okp') return base64url(jwk.x);
  const x = base64url(jwk.x);
  const y = base64url(jwk.y);
  const out = new Uint8Array(1 + x.length + y.length);
  out[0] = 0x04;
  out.set(x, 1);
  out.set(y, 1 + x.length);
  return out;
}

const DH_BITS = { X25519: 256, X448: 448, 'P-256': 256, 'P-384': 384, 'P-521': 528 } as const;

/** X25519, X448 or NIST ECDH through deriveBits, private keys imported from their raw bytes. */
function webDh(curve: keyof typeof DH_BITS): DhFunctions {
  const okp = curve === 'X25519' || curve === 'X448';
  const algorithm = okp ? { name: curve } : { name: 'ECDH', namedCurve: curve };
  // One import per ephemeral key, shared by publicKey() and shared(): the group code passes
  // the same private key bytes to both. Extractable only so the public half can be read back.
  const importPrivate = (privateKey: Uint8Array) =>
    cachedKey(privateKey, `DH/${curve}`, () =>
      subtle().importKey(
        'pkcs8',
        buf(okp ? okpPkcs8(curve, privateKey) : ecPkcs8(curve, privateKey)),
        algorithm,
        true,
        ['deriveBits'],
      ),
    );
  return {
    publicKey: async (privateKey) =>
      exportedPublic(await importPrivate(privateKey), okp ? 'okp' : 'ec'),
    async shared(privateKey, peer) {
      const priv = await importPrivate(privateKey);
      const pub = await subtle().importKey('raw', buf(peer), algorithm, false, []);
      // For X25519, WebCrypto fails deriveBits on an all-zero result (a low-order peer point).
      return new Uint8Array(
        await subtle().deriveBits({ name: algorithm.name, public: pub }, priv, DH_BITS[curve]),
      );
    },
  };
}

/**
 * X448 through WebCrypto when the runtime implements it (Node does, as an experimental
 * algorithm that prints a warning on first use; browsers mostly do not), else @noble/curves.
 * Probed once, on the first X448 operation, by importing the RFC 7748 base point, so a
 * provider that never negotiates x448 never touches it.
 */
function webOrNobleX448(): DhFunctions {
  const web = webDh('X448');
  let chosen: Promise<DhFunctions> | undefined;
  const choose = () => {
    chosen ??= (async () => {
      const basePoint = new Uint8Array(56);
      basePoint[0] = 5;
      try {
        await subtle().importKey('raw', basePoint, { name: 'X448' }, false, []);
        return web;
      } catch {
        return nobleX448;
      }
    })();
    return chosen;
  };
  return {
    publicKey: async (privateKey) => (await choose()).publicKey(privateKey),
    shared: async (privateKey, peer) => (await choose()).shared(privateKey, peer),
  };
}

const webSignatures: SignatureFunctions = {
  async ecdsaVerify(curve, hash, point, rs, message) {
    if (curve === 'P-224') return nobleSignatures.ecdsaVerify(curve, hash, point, rs, message);
    const key = await cachedKey(point, `ECDSA/${curve}`, () =>
      subtle().importKey(
        'spki',
        buf(ecSpki(curve, point)),
        { name: 'ECDSA', namedCurve: curve },
        false,
        ['verify'],
      ),
    );
    // WebCrypto ECDSA signatures are fixed-width r || s (IEEE P1363), what der.ts produced.
    return subtle().verify({ name: 'ECDSA', hash }, key, buf(rs), buf(message));
  },
  async ecdsaSign(curve, hash, d, message) {
    if (curve === 'P-224') return nobleSignatures.ecdsaSign(curve, hash, d, message);
    const key = await cachedKey(d, `ECDSA/${curve}`, () =>
      subtle().importKey(
        'pkcs8',
        buf(ecPkcs8(curve, d)),
        { name: 'ECDSA', namedCurve: curve },
        false,
        ['sign'],
      ),
    );
    return new Uint8Array(await subtle().sign({ name: 'ECDSA', hash }, key, buf(message)));
  },
  async ed25519Verify(publicKey, message, signature) {
    const key = await cachedKey(publicKey, 'Ed25519', () =>
      subtle().importKey('spki', buf(okpSpki('Ed25519', publicKey)), 'Ed25519', false, ['verify']),
    );
    return subtle().verify('Ed25519', key, buf(signature), buf(message));
  },
  async ed25519Sign(seed, message) {
    const key = await cachedKey(seed, 'Ed25519', () =>
      subtle().importKey('pkcs8', buf(okpPkcs8('Ed25519', seed)), 'Ed25519', false, ['sign']),
    );
    return new Uint8Array(await subtle().sign('Ed25519', key, buf(message)));
  },
  ...subtleRsa,
};

const webBackend: CryptoBackend = {
  name: 'webcrypto',
  hashes: nobleHashes,
  aead: webAead,
  x25519: webDh('X25519'),
  x448: webOrNobleX448(),
  // WebCrypto has no P-224 (a legacy TLS 1.2 opt-in): @noble/curves does it.
  nist: {
    'P-224': nobleNist('P-224'),
    'P-256': webDh('P-256'),
    'P-384': webDh('P-384'),
    'P-521': webDh('P-521'),
  },
  ffdhe: bigintFfdheGroups(),
  signatures: webSignatures,
};

/** Builds a provider on the runtime's WebCrypto, with @noble/* where WebCrypto has no answer. */
export function createWebCryptoProvider(options: WebCryptoProviderOptions = {}): CryptoProvider {
  return composeProvider(webBackend, options);
}

/** The WebCrypto provider with the runtime's CSPRNG. */
export const webcryptoProvider: CryptoProvider = createWebCryptoProvider();
