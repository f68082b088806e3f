/** WebCrypto (`globalThis.crypto.subtle`) helpers shared by the noble and webcrypto backends. */
import type { SignatureFunctions } from './backend.js';
import { HASH_LENGTH } from './hash.js';
import type { HashName } from './provider.js';
import type { SignatureSchemeInfo } from './signatureSchemes.js';

/** The runtime's SubtleCrypto; throws (a runtime problem, not a peer's) when absent. */
export function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (s === undefined) {
    throw new Error(
      'this operation needs WebCrypto (globalThis.crypto.subtle), which this runtime lacks',
    );
  }
  return s;
}

/** WebCrypto APIs want ArrayBuffer-backed views; ours always are. */
export function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

/**
 * WebCrypto keys are bound to an algorithm at import, so cache one per (key bytes, algorithm).
 * Keyed by the byte array: decoded keys are themselves cached per PublicKey/PrivateKey.
 */
const cryptoKeyCache = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>();

export function cachedKey(
  der: Uint8Array,
  id: string,
  importKey: () => Promise<CryptoKey>,
): Promise<CryptoKey> {
  let perKey = cryptoKeyCache.get(der);
  if (perKey === undefined) {
    perKey = new Map();
    cryptoKeyCache.set(der, perKey);
  }
  let key = perKey.get(id);
  if (key === undefined) {
    key = importKey();
    perKey.set(id, key);
  }
  return key;
}

function rsaAlgorithm(s: SignatureSchemeInfo): 'RSA-PSS' | 'RSASSA-PKCS1-v1_5' {
  return s.algorithm === 'rsa-pkcs1' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS';
}

function rsaParams(s: SignatureSchemeInfo): RsaPssParams | AlgorithmIdentifier {
  // RFC 8446 4.2.3: the PSS salt length equals the digest length.
  return s.algorithm === 'rsa-pkcs1'
    ? { name: 'RSASSA-PKCS1-v1_5' }
    : { name: 'RSA-PSS', saltLength: HASH_LENGTH[s.hash ?? 'SHA-256'] };
}

function rsaKey(
  der: Uint8Array,
  format: 'spki' | 'pkcs8',
  s: SignatureSchemeInfo,
): Promise<CryptoKey> {
  const hash: HashName = s.hash ?? 'SHA-256';
  const name = rsaAlgorithm(s);
  return cachedKey(der, `${name}/${hash}`, () =>
    subtle().importKey(format, buf(der), { name, hash }, false, [
      format === 'spki' ? 'verify' : 'sign',
    ]),
  );
}

/** RSA PKCS#1 v1.5 and PSS through WebCrypto (noble has no RSA). */
export const subtleRsa: Pick<SignatureFunctions, 'rsaVerify' | 'rsaSign'> = {
  async rsaVerify(s, rsaSpki, message, signature) {
    const key = await rsaKey(rsaSpki, 'spki', s);
    return subtle().verify(rsaParams(s), key, buf(signature), buf(message));
  },
  async rsaSign(s, rsaPkcs8, message) {
    const key = await rsaKey(rsaPkcs8, 'pkcs8', s);
    return new Uint8Array(await subtle().sign(rsaParams(s), key, buf(message)));
  },
};
