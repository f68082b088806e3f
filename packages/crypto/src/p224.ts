/**
 * NIST P-224 (secp224r1) for @noble/curves, which dropped it in 2.x. Only its domain
 * parameters are ours; the arithmetic is noble's generic short-Weierstrass code, the same that
 * runs P-256/P-384/P-521. tlskit uses P-224 only as an opt-in legacy curve: ECDSA keys in TLS 1.2
 * and the TLS 1.2 group secp224r1 (RFC 8422 5.1.1), never TLS 1.3 (RFC 8446 4.2.7 reserves the
 * code point as obsolete).
 */
import { ecdsa, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { sha224 } from '@noble/hashes/sha2.js';

/**
 * SEC 2 v2 (2010) 2.6.2, secp224r1: p = 2^224 - 2^96 + 1, a = -3. The test suite checks every
 * value against OpenSSL (`openssl ecparam -name secp224r1 -param_enc explicit`).
 */
const P224_PARAMETERS = {
  p: BigInt('0xffffffffffffffffffffffffffffffff000000000000000000000001'),
  n: BigInt('0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d'),
  h: BigInt(1),
  a: BigInt('0xfffffffffffffffffffffffffffffffefffffffffffffffffffffffe'),
  b: BigInt('0xb4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4'),
  Gx: BigInt('0xb70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21'),
  Gy: BigInt('0xbd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34'),
} as const;

/**
 * ECDSA and ECDH on P-224. The bound hash (SHA-224) is never used by tlskit, which always
 * passes the scheme's digest with `prehash: false`.
 */
export const p224 = ecdsa(weierstrass(P224_PARAMETERS), sha224);
