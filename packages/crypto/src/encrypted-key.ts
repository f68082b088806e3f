/**
 * Encrypted PKCS#8 (RFC 5958 3, `-----BEGIN ENCRYPTED PRIVATE KEY-----`) with PBES2 (RFC 8018
 * 6.2): PBKDF2 with an HMAC-SHA-1/SHA-2 PRF and AES-CBC, what `openssl pkcs8 -topk8 -v2 aes-256-cbc`
 * and node's `generateKeyPair({ cipher, passphrase })` write. Runs on @noble everywhere, so every
 * provider (noble, webcrypto, node) accepts the same keys.
 */
import { cbc } from '@noble/ciphers/aes.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { DerReader } from './der.js';
import { PrivateKeyPassphraseError, UnsupportedKeyError } from './key-errors.js';

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

const PRFS = {
  '1.2.840.113549.2.7': sha1, // hmacWithSHA1, the RFC 8018 default
  '1.2.840.113549.2.9': sha256,
  '1.2.840.113549.2.10': sha384,
  '1.2.840.113549.2.11': sha512,
} as const;

/** AES-CBC OIDs (NIST CSOR) and their key lengths. */
const AES_CBC_KEY_LENGTHS: Readonly<Record<string, number>> = {
  '2.16.840.1.101.3.4.1.2': 16,
  '2.16.840.1.101.3.4.1.22': 24,
  '2.16.840.1.101.3.4.1.42': 32,
};

/**
 * PBKDF2 iterations accepted. The key file is configuration, not peer input, but an absurd count
 * would hang the process at startup instead of failing; OpenSSL writes 2048, current guidance
 * is a few hundred thousand.
 */
const MAX_ITERATIONS = 10_000_000;

/** Options for reading a private key. */
export interface PrivateKeyOptions {
  /** Passphrase of an encrypted PKCS#8 key (node:tls's `passphrase`). */
  readonly passphrase?: string | undefined;
}

interface Pbes2Parameters {
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly prf: (typeof PRFS)[keyof typeof PRFS];
  readonly keyLength: number;
  readonly iv: Uint8Array;
}

function unsupported(message: string): UnsupportedKeyError {
  return new UnsupportedKeyError(message);
}

/** RFC 8018 A.4 PBES2-params and A.2 PBKDF2-params, for AES-CBC only. */
function pbes2Parameters(params: DerReader): Pbes2Parameters {
  const seq = params.sequence();
  params.end('PBES2-params');
  const kdf = seq.sequence();
  if (kdf.oid() !== OID.pbkdf2) throw unsupported('encrypted key: only PBKDF2 is supported');
  const kdfParams = kdf.sequence();
  kdf.end('PBKDF2 AlgorithmIdentifier');
  const salt = kdfParams.octetString();
  const iterations = kdfParams.smallInteger();
  const declaredLength = kdfParams.peekTag() === 0x02 ? kdfParams.smallInteger() : undefined;
  let prf: Pbes2Parameters['prf'] = sha1;
  if (!kdfParams.done) {
    const prfId = kdfParams.sequence();
    const oid = prfId.oid();
    if (prfId.peekTag() === 0x05) prfId.read(0x05);
    prfId.end('PRF AlgorithmIdentifier');
    const found = PRFS[oid as keyof typeof PRFS];
    if (found === undefined) throw unsupported(`encrypted key: PBKDF2 PRF ${oid} is not supported`);
    prf = found;
  }
  kdfParams.end('PBKDF2-params');
  const scheme = seq.sequence();
  seq.end('PBES2-params');
  const schemeOid = scheme.oid();
  const keyLength = AES_CBC_KEY_LENGTHS[schemeOid];
  if (keyLength === undefined) {
    throw unsupported(`encrypted key: cipher ${schemeOid} is not supported (use AES-CBC)`);
  }
  const iv = scheme.octetString();
  scheme.end('encryption scheme');
  if (iv.length !== 16) throw unsupported('encrypted key: AES-CBC IV must be 16 bytes');
  if (declaredLength !== undefined && declaredLength !== keyLength) {
    throw unsupported('encrypted key: PBKDF2 key length does not fit the cipher');
  }
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw unsupported(`encrypted key: PBKDF2 iteration count ${iterations} is out of range`);
  }
  return { salt, iterations, prf, keyLength, iv };
}

/**
 * Decrypts an EncryptedPrivateKeyInfo (RFC 5958 3) and hands the PrivateKeyInfo to `decode`.
 * A wrong passphrase shows as bad padding or as plaintext that is not a key: both are
 * `ERR_OSSL_BAD_DECRYPT`, as node says.
 */
export function decryptPkcs8<T>(
  der: Uint8Array,
  options: PrivateKeyOptions,
  decode: (pkcs8: Uint8Array) => T,
): T {
  const outer = new DerReader(der);
  const seq = outer.sequence();
  outer.end('EncryptedPrivateKeyInfo');
  const algorithm = seq.sequence();
  const encrypted = seq.octetString();
  seq.end('EncryptedPrivateKeyInfo');
  if (algorithm.oid() !== OID.pbes2) {
    throw unsupported(
      'encrypted key: only PBES2 is supported (re-encrypt with `openssl pkcs8 -topk8 -v2 aes-256-cbc`)',
    );
  }
  const p = pbes2Parameters(algorithm);
  const passphrase = options.passphrase;
  if (passphrase === undefined) {
    throw new PrivateKeyPassphraseError(
      'ERR_MISSING_PASSPHRASE',
      'the private key is encrypted: pass its `passphrase`',
    );
  }
  const key = pbkdf2(p.prf, passphrase, p.salt, { c: p.iterations, dkLen: p.keyLength });
  let plaintext: Uint8Array;
  try {
    plaintext = cbc(key, p.iv).decrypt(encrypted);
  } catch (error) {
    throw badDecrypt(error);
  } finally {
    key.fill(0);
  }
  try {
    return decode(plaintext);
  } catch (error) {
    if (error instanceof UnsupportedKeyError) throw error;
    throw badDecrypt(error);
  }
}

function badDecrypt(cause: unknown): PrivateKeyPassphraseError {
  // The cause says only "bad padding" or which DER rule the garbage broke: no secret in it.
  return new PrivateKeyPassphraseError(
    'ERR_OSSL_BAD_DECRYPT',
    'the passphrase does not decrypt the private key',
    { cause },
  );
}
