/**
 * The RFC 7919 finite-field Diffie-Hellman groups (ffdhe2048/3072/4096) as data, and a pure
 * JavaScript DH on them for the backends that have no native one (noble, WebCrypto).
 */
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import type { DhFunctions, FfdheName } from './backend.js';

export type { FfdheName };

// RFC 7919 Appendix A: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1, generator 2. The
// three primes share their leading digits (all are built from e), so each is stored as the
// common prefix plus its own tail. A test checks them against OpenSSL's built-in groups.
const COMMON =
  'FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797ABC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA886B4238';
const BEYOND_2048 =
  '611FCFDCDE355B3B6519035BBC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91CAEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B66';
const PRIME_HEX: Readonly<Record<FfdheName, string>> = {
  ffdhe2048: `${COMMON}61285C97FFFFFFFFFFFFFFFF`,
  ffdhe3072: `${COMMON}${BEYOND_2048}C62E37FFFFFFFFFFFFFFFF`,
  ffdhe4096: `${COMMON}${BEYOND_2048}9E1EF16E6F52C3164DF4FB7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E655F6AFFFFFFFFFFFFFFFF`,
};

/** One RFC 7919 group. */
export interface FfdheGroup {
  readonly name: FfdheName;
  /** The prime p, big-endian, `length` bytes. */
  readonly prime: Uint8Array;
  /** Bytes of p: every share and shared secret is left-padded to it (RFC 8446 4.2.8.1, 7.4.1). */
  readonly length: number;
  /**
   * Bytes of the private exponent. RFC 7919 5.2 asks for at least twice the group's security
   * strength (225, 275 and 325 bits); 256, 320 and 384 bits meet that and keep the pure
   * JavaScript exponentiation several times cheaper than a full-length exponent. The exponent
   * is the drawn bytes themselves, so a replayed random source reproduces the share.
   */
  readonly exponentLength: number;
}

const GENERATOR = 2n;

function group(name: FfdheName, exponentLength: number): FfdheGroup {
  const hex = PRIME_HEX[name];
  return {
    name,
    prime: numberToBytesBE(BigInt(`0x${hex}`), hex.length / 2),
    length: hex.length / 2,
    exponentLength,
  };
}

export const FFDHE_GROUPS: Readonly<Record<FfdheName, FfdheGroup>> = {
  ffdhe2048: group('ffdhe2048', 32),
  ffdhe3072: group('ffdhe3072', 40),
  ffdhe4096: group('ffdhe4096', 48),
};

/**
 * base^exponent mod p by a Montgomery ladder over a fixed number of exponent bits, swapping
 * with masks instead of branching, so the sequence of operations does not depend on the
 * exponent. JavaScript BigInt arithmetic itself is not constant time (its cost follows the
 * operands' magnitudes), so this narrows the timing side channel but does not close it;
 * docs/providers.md says so and points to the node provider for servers.
 */
function ladder(base: bigint, exponent: bigint, bits: number, p: bigint): bigint {
  let r0 = 1n;
  let r1 = base;
  for (let i = bits - 1; i >= 0; i--) {
    const mask = -((exponent >> BigInt(i)) & 1n); // 0n or -1n (all ones)
    let t = (r0 ^ r1) & mask;
    r0 ^= t;
    r1 ^= t;
    r1 = (r0 * r1) % p;
    r0 = (r0 * r0) % p;
    t = (r0 ^ r1) & mask;
    r0 ^= t;
    r1 ^= t;
  }
  return r0;
}

/** Finite-field DH in BigInt arithmetic: the noble and WebCrypto providers' FFDHE. */
export function bigintFfdhe(name: FfdheName): DhFunctions {
  const { prime, length } = FFDHE_GROUPS[name];
  const p = bytesToNumberBE(prime);
  const modPow = (base: bigint, privateKey: Uint8Array) =>
    numberToBytesBE(ladder(base, bytesToNumberBE(privateKey), privateKey.length * 8, p), length);
  return {
    publicKey: async (privateKey) => modPow(GENERATOR, privateKey),
    shared: async (privateKey, peer) => modPow(bytesToNumberBE(peer), privateKey),
  };
}

/** Every RFC 7919 group on {@link bigintFfdhe}. */
export function bigintFfdheGroups(): Record<FfdheName, DhFunctions> {
  return {
    ffdhe2048: bigintFfdhe('ffdhe2048'),
    ffdhe3072: bigintFfdhe('ffdhe3072'),
    ffdhe4096: bigintFfdhe('ffdhe4096'),
  };
}
