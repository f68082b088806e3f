import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes } from '@tlskit/wire';
import type { RawAead } from './backend.js';
import type { AeadKey, AeadName } from './provider.js';

/** AEAD key lengths in bytes (RFC 8446 5.3, RFC 5288, RFC 7905). */
export const AEAD_KEY_LENGTH: Readonly<Record<AeadName, number>> = {
  'AES-128-GCM': 16,
  'AES-256-GCM': 32,
  'CHACHA20-POLY1305': 32,
};
/** Nonce length of every TLS AEAD (RFC 8446 5.3: iv_length). */
export const AEAD_NONCE_LENGTH = 12;
/** Authentication tag length of every TLS AEAD. */
export const AEAD_TAG_LENGTH = 16;

/** Checks a key length for an algorithm; a wrong length is a caller bug, not peer input. */
function checkAeadKey(algorithm: AeadName, key: Uint8Array): void {
  const want = Object.hasOwn(AEAD_KEY_LENGTH, algorithm) ? AEAD_KEY_LENGTH[algorithm] : undefined;
  if (want === undefined) {
    throw new TypeError(
      `unsupported AEAD ${JSON.stringify(algorithm)}: expected ${Object.keys(AEAD_KEY_LENGTH).join(', ')}`,
    );
  }
  if (!(key instanceof Uint8Array) || key.length !== want) {
    throw new RangeError(`${algorithm} key must be ${want} bytes, got ${key?.length}`);
  }
}

/** A nonce comes from the record layer (IV xor sequence number); a wrong length is a caller bug. */
function checkNonce(nonce: Uint8Array): void {
  if (!(nonce instanceof Uint8Array) || nonce.length !== AEAD_NONCE_LENGTH) {
    throw new RangeError(`AEAD nonce must be ${AEAD_NONCE_LENGTH} bytes, got ${nonce?.length}`);
  }
}

/**
 * Binds a backend AEAD to a key with the checks every provider shares: key and nonce lengths
 * (caller bugs, thrown), and `open` answering null rather than throwing for peer bytes that do
 * not verify.
 */
export async function importAeadKey(
  backend: (algorithm: AeadName, key: Uint8Array) => Promise<RawAead>,
  algorithm: AeadName,
  key: Uint8Array,
): Promise<AeadKey> {
  checkAeadKey(algorithm, key);
  // Our own copy: the caller may reuse or wipe its buffer.
  const raw = await backend(algorithm, key.slice());
  const aead: AeadKey = {
    algorithm,
    async seal(nonce, additionalData, plaintext) {
      checkNonce(nonce);
      return raw.seal(nonce, additionalData, plaintext);
    },
    async open(nonce, additionalData, ciphertext) {
      checkNonce(nonce);
      // Too short to hold a tag: peer bytes, so the answer is "does not verify", not an exception.
      if (ciphertext.length < AEAD_TAG_LENGTH) return null;
      try {
        return await raw.open(nonce, additionalData, ciphertext);
      } catch {
        return null;
      }
    },
  };
  const sealChunks = raw.sealChunks;
  aead.sealChunks = async (nonce, additionalData, plaintext) => {
    checkNonce(nonce);
    if (sealChunks !== undefined) return sealChunks(nonce, additionalData, plaintext);
    // An AEAD that takes one contiguous input gets the pieces joined (the one copy it needs); its
    // output is still handed on as a chunk, so the record layer need not copy it behind a header.
    return [await raw.seal(nonce, additionalData, concatBytes(plaintext))];
  };
  return aead;
}

/** @noble/ciphers AES-GCM and ChaCha20-Poly1305. */
export async function nobleAead(algorithm: AeadName, key: Uint8Array): Promise<RawAead> {
  const cipher = algorithm === 'CHACHA20-POLY1305' ? chacha20poly1305 : gcm;
  return {
    seal: async (nonce, aad, plaintext) => cipher(key, nonce, aad).encrypt(plaintext),
    open: async (nonce, aad, ciphertext) => cipher(key, nonce, aad).decrypt(ciphertext),
  };
}
