import { CipherSuite } from '@tlskit/wire';
import type { AeadName, HashName } from './provider.js';

/** A cipher suite tlskit speaks, as data (RFC 8446 B.4; RFC 5289, RFC 7905 for TLS 1.2). */
export interface CipherSuiteInfo {
  /** The CipherSuite code point. */
  readonly code: CipherSuite;
  /** IANA name, e.g. `TLS_AES_128_GCM_SHA256`. */
  readonly name: string;
  /** OpenSSL's name, for `openssl s_client -cipher` / `-ciphersuites` and logs. */
  readonly openssl: string;
  readonly version: 'TLS1.3' | 'TLS1.2';
  readonly aead: AeadName;
  /** AEAD key length in bytes. */
  readonly keyLength: number;
  /**
   * Length of the IV taken from the key block / traffic secret: 12 in TLS 1.3 and for TLS 1.2
   * ChaCha20-Poly1305 (RFC 7905 2), 4 (the fixed "salt") for TLS 1.2 AES-GCM (RFC 5288 3).
   */
  readonly ivLength: number;
  /** Explicit per-record nonce sent on the wire: 8 for TLS 1.2 AES-GCM, else 0. */
  readonly explicitNonceLength: number;
  /** The HKDF hash (1.3) or PRF hash (1.2), also the transcript hash. */
  readonly hash: HashName;
  /** TLS 1.2 only: the certificate key type the suite authenticates with. */
  readonly auth?: 'ecdsa' | 'rsa';
}

function tls13(code: CipherSuite, name: string, aead: AeadName, hash: HashName): CipherSuiteInfo {
  const keyLength = aead === 'AES-128-GCM' ? 16 : 32;
  // TLS 1.3 suites have the same name in OpenSSL.
  return {
    code,
    name,
    openssl: name,
    version: 'TLS1.3',
    aead,
    keyLength,
    ivLength: 12,
    explicitNonceLength: 0,
    hash,
  };
}

function tls12(
  code: CipherSuite,
  name: string,
  openssl: string,
  aead: AeadName,
  hash: HashName,
  auth: 'ecdsa' | 'rsa',
): CipherSuiteInfo {
  const gcm = aead !== 'CHACHA20-POLY1305';
  return {
    code,
    name,
    openssl,
    version: 'TLS1.2',
    aead,
    keyLength: aead === 'AES-128-GCM' ? 16 : 32,
    ivLength: gcm ? 4 : 12,
    explicitNonceLength: gcm ? 8 : 0,
    hash,
    auth,
  };
}

const S = CipherSuite;

/**
 * Every cipher suite tlskit implements, most preferred first within each version. Nothing
 * else: no RSA key exchange, CBC, CCM, RC4, 3DES, NULL, export or anonymous suites.
 */
export const CIPHER_SUITES: readonly CipherSuiteInfo[] = [
  tls13(S.TLS_AES_128_GCM_SHA256, 'TLS_AES_128_GCM_SHA256', 'AES-128-GCM', 'SHA-256'),
  tls13(S.TLS_AES_256_GCM_SHA384, 'TLS_AES_256_GCM_SHA384', 'AES-256-GCM', 'SHA-384'),
  tls13(
    S.TLS_CHACHA20_POLY1305_SHA256,
    'TLS_CHACHA20_POLY1305_SHA256',
    'CHACHA20-POLY1305',
    'SHA-256',
  ),
  tls12(
    S.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'AES-128-GCM',
    'SHA-256',
    'ecdsa',
  ),
  tls12(
    S.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'AES-128-GCM',
    'SHA-256',
    'rsa',
  ),
  tls12(
    S.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'AES-256-GCM',
    'SHA-384',
    'ecdsa',
  ),
  tls12(
    S.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'AES-256-GCM',
    'SHA-384',
    'rsa',
  ),
  tls12(
    S.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'CHACHA20-POLY1305',
    'SHA-256',
    'ecdsa',
  ),
  tls12(
    S.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'CHACHA20-POLY1305',
    'SHA-256',
    'rsa',
  ),
];

const BY_CODE = new Map<number, CipherSuiteInfo>(CIPHER_SUITES.map((s) => [s.code, s]));

/** The suite for a code point, or undefined when tlskit does not implement it. */
export function cipherSuiteInfo(code: number): CipherSuiteInfo | undefined {
  return BY_CODE.get(code);
}
