import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { concatBytes, IllegalParameterError, NamedGroup } from '@tlskit/wire';
import type { CryptoBackend, DhFunctions } from './backend.js';
import { FFDHE_GROUPS, type FfdheName } from './ffdhe.js';
import { NIST_CURVES } from './keys.js';
import type { KeyExchangeGroup, KeyShare, KeyShareResponse } from './provider.js';
import type { RandomSource } from './random.js';
import type { CurveName } from './signatureSchemes.js';

const X25519_LENGTH = 32;
const X448_LENGTH = 56;
const MLKEM768_EK_LENGTH = 1184;
const MLKEM768_CT_LENGTH = 1088;
// A bound on rejection sampling of an EC scalar: a CSPRNG draws an out-of-range P-256 scalar
// with probability ~2^-32 (P-224: ~2^-112), so 64 failures in a row mean the source is broken.
const MAX_SCALAR_DRAWS = 64;

function illegal(message: string, cause?: unknown): IllegalParameterError {
  return new IllegalParameterError(message, cause === undefined ? undefined : { cause });
}

function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

interface KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A Diffie-Hellman style group: key pair generation and the checked DH function. */
interface DhGroupSpec {
  readonly group: number;
  readonly name: string;
  keyPair(random: RandomSource): Promise<KeyPair>;
  /** Rejects with illegal_parameter for a bad peer share. */
  shared(privateKey: Uint8Array, peer: Uint8Array): Promise<Uint8Array>;
}

/** An RFC 7748 curve: X25519 or X448. */
interface MontgomeryCurve {
  readonly group: number;
  readonly function: 'X25519' | 'X448';
  readonly length: number;
}

const X25519_CURVE: MontgomeryCurve = {
  group: NamedGroup.x25519,
  function: 'X25519',
  length: X25519_LENGTH,
};
const X448_CURVE: MontgomeryCurve = {
  group: NamedGroup.x448,
  function: 'X448',
  length: X448_LENGTH,
};

function montgomerySpec(curve: MontgomeryCurve, dh: DhFunctions, name: string): DhGroupSpec {
  const { length } = curve;
  const what = `${name} ${curve.function}`;
  return {
    group: curve.group,
    name,
    async keyPair(random) {
      // The scalar is the random bytes themselves (clamped inside the function), so a replayed
      // random source reproduces RFC 8448's shares exactly.
      const privateKey = random(length).slice(); // our own copy: a source may reuse its buffer
      return { privateKey, publicKey: await dh.publicKey(privateKey) };
    },
    async shared(privateKey, peer) {
      if (peer.length !== length) {
        throw illegal(`${what} share must be ${length} bytes, got ${peer.length}`);
      }
      let shared: Uint8Array;
      try {
        shared = await dh.shared(privateKey, peer);
      } catch (e) {
        throw illegal(`${what} share is a low-order point`, e);
      }
      // RFC 8446 7.4.2 / RFC 7748 6: an all-zero result means a low-order peer point.
      if (isAllZero(shared)) throw illegal(`${what} share gives an all-zero shared secret`);
      return shared;
    },
  };
}

/**
 * secp256r1 / secp384r1 / secp521r1 (RFC 8446 4.2.8.2) and, for TLS 1.2 only, secp224r1: shares are uncompressed points only
 * (0x04 || X || Y); the shared secret is the X coordinate of the product, as wide as the field.
 */
function nistSpec(group: number, name: string, curveName: CurveName, dh: DhFunctions): DhGroupSpec {
  const curve = NIST_CURVES[curveName];
  const scalarLength = curve.lengths.secretKey ?? 32;
  const pointLength = 1 + 2 * scalarLength;
  // P-521's 66-byte scalar has 7 bits above n's 521: clear them before the range check, or
  // 127 of 128 draws would be refused. P-256 and P-384 scalars fill their bytes.
  const topByteMask = 0xff >> (8 * scalarLength - curve.Point.Fn.BITS);
  return {
    group,
    name,
    async keyPair(random) {
      // Rejection sampling keeps the scalar equal to the drawn bytes, so an injected source
      // fully determines the key; a reduction mod n would not.
      for (let i = 0; i < MAX_SCALAR_DRAWS; i++) {
        const privateKey = random(scalarLength).slice();
        privateKey[0]! &= topByteMask;
        if (curve.utils.isValidSecretKey(privateKey)) {
          return { privateKey, publicKey: await dh.publicKey(privateKey) };
        }
      }
      throw new Error(
        `${name}: the random source gave ${MAX_SCALAR_DRAWS} invalid scalars in a row`,
      );
    },
    async shared(privateKey, peer) {
      if (peer.length !== pointLength || peer[0] !== 0x04) {
        // RFC 8446 4.2.8.2: compressed and other point formats are not allowed.
        throw illegal(`${name} share must be an uncompressed point of ${pointLength} bytes`);
      }
      try {
        // Checked here once for every backend: on the curve (the identity has no 0x04 form).
        curve.Point.fromBytes(peer).assertValidity();
      } catch (e) {
        throw illegal(`${name} share is not a point on the curve`, e);
      }
      try {
        return await dh.shared(privateKey, peer);
      } catch (e) {
        throw illegal(`${name} share was refused by the key agreement`, e);
      }
    },
  };
}

/**
 * RFC 7919 groups in TLS 1.3 (RFC 8446 4.2.8.1): a share is the public value left-padded to the
 * prime's length; RFC 7919 5.1 has the peer's value checked to be 1 < y < p-1 (p is a safe
 * prime, so that excludes the only small subgroup).
 */
function ffdheSpec(group: number, name: FfdheName, dh: DhFunctions): DhGroupSpec {
  const { prime, length, exponentLength } = FFDHE_GROUPS[name];
  const pMinusOne = bytesToNumberBE(prime) - 1n;
  return {
    group,
    name,
    async keyPair(random) {
      for (let i = 0; i < MAX_SCALAR_DRAWS; i++) {
        const privateKey = random(exponentLength).slice();
        // An exponent of 0 or 1 (probability 2^-255 and less) would give 1 or g.
        if (bytesToNumberBE(privateKey) > 1n) {
          return { privateKey, publicKey: await dh.publicKey(privateKey) };
        }
      }
      throw new Error(
        `${name}: the random source gave ${MAX_SCALAR_DRAWS} zero exponents in a row`,
      );
    },
    async shared(privateKey, peer) {
      if (peer.length !== length) {
        throw illegal(`${name} share must be ${length} bytes (left-padded), got ${peer.length}`);
      }
      const y = bytesToNumberBE(peer);
      if (y <= 1n || y >= pMinusOne) throw illegal(`${name} share is outside 1 < y < p-1`);
      try {
        return await dh.shared(privateKey, peer);
      } catch (e) {
        throw illegal(`${name} share was refused by the key agreement`, e);
      }
    },
  };
}

function dhGroup(spec: DhGroupSpec, random: RandomSource): KeyExchangeGroup {
  return {
    group: spec.group,
    name: spec.name,
    async generate(): Promise<KeyShare> {
      const { privateKey, publicKey } = await spec.keyPair(random);
      return {
        group: spec.group,
        publicKey,
        complete: (peerShare) => spec.shared(privateKey, peerShare),
      };
    },
    async respond(peerShare): Promise<KeyShareResponse> {
      const { privateKey, publicKey } = await spec.keyPair(random);
      return { publicKey, sharedSecret: await spec.shared(privateKey, peerShare) };
    },
  };
}

/**
 * X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): client share = ML-KEM-768 encapsulation key ||
 * X25519 public key; server share = ML-KEM ciphertext || X25519 public key; shared secret =
 * ML-KEM shared secret || X25519 shared secret (concatenated, not hashed). ML-KEM is always
 * @noble/post-quantum; the X25519 half uses the backend.
 */
function x25519MlKem768(x: DhFunctions, random: RandomSource): KeyExchangeGroup {
  const group = NamedGroup.X25519MLKEM768;
  const name = 'X25519MLKEM768';
  const xSpec = montgomerySpec(X25519_CURVE, x, name);
  return {
    group,
    name,
    async generate(): Promise<KeyShare> {
      const { publicKey: ek, secretKey: dk } = ml_kem768.keygen(random(64));
      const xKeys = await xSpec.keyPair(random);
      return {
        group,
        publicKey: concatBytes([ek, xKeys.publicKey]),
        async complete(peerShare) {
          if (peerShare.length !== MLKEM768_CT_LENGTH + X25519_LENGTH) {
            throw illegal(
              `${name} server share must be ${MLKEM768_CT_LENGTH + X25519_LENGTH} bytes, got ${peerShare.length}`,
            );
          }
          const xShared = await xSpec.shared(
            xKeys.privateKey,
            peerShare.subarray(MLKEM768_CT_LENGTH),
          );
          let kemShared: Uint8Array;
          try {
            // ML-KEM decapsulation uses implicit rejection: a bad ciphertext of the right
            // length yields a pseudorandom secret, so the handshake fails at Finished.
            kemShared = ml_kem768.decapsulate(peerShare.subarray(0, MLKEM768_CT_LENGTH), dk);
          } catch (e) {
            throw illegal(`${name} ciphertext does not decapsulate`, e);
          }
          return concatBytes([kemShared, xShared]);
        },
      };
    },
    async respond(peerShare): Promise<KeyShareResponse> {
      if (peerShare.length !== MLKEM768_EK_LENGTH + X25519_LENGTH) {
        throw illegal(
          `${name} client share must be ${MLKEM768_EK_LENGTH + X25519_LENGTH} bytes, got ${peerShare.length}`,
        );
      }
      const ek = peerShare.subarray(0, MLKEM768_EK_LENGTH);
      let kem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
      try {
        // FIPS 203 7.2: encapsulation checks the key's coefficients are reduced mod q.
        kem = ml_kem768.encapsulate(ek, random(32));
      } catch (e) {
        throw illegal(`${name} encapsulation key is malformed`, e);
      }
      const xKeys = await xSpec.keyPair(random);
      const xShared = await xSpec.shared(xKeys.privateKey, peerShare.subarray(MLKEM768_EK_LENGTH));
      return {
        publicKey: concatBytes([kem.cipherText, xKeys.publicKey]),
        sharedSecret: concatBytes([kem.sharedSecret, xShared]),
      };
    },
  };
}

/** The key exchange groups of a backend, in the order of NAMED_GROUPS. */
export function groupsOf(
  backend: CryptoBackend,
  random: RandomSource,
): readonly KeyExchangeGroup[] {
  return [
    x25519MlKem768(backend.x25519, random),
    dhGroup(montgomerySpec(X25519_CURVE, backend.x25519, 'x25519'), random),
    dhGroup(nistSpec(NamedGroup.secp256r1, 'secp256r1', 'P-256', backend.nist['P-256']), random),
    dhGroup(nistSpec(NamedGroup.secp384r1, 'secp384r1', 'P-384', backend.nist['P-384']), random),
    dhGroup(nistSpec(NamedGroup.secp521r1, 'secp521r1', 'P-521', backend.nist['P-521']), random),
    dhGroup(montgomerySpec(X448_CURVE, backend.x448, 'x448'), random),
    dhGroup(ffdheSpec(NamedGroup.ffdhe2048, 'ffdhe2048', backend.ffdhe.ffdhe2048), random),
    dhGroup(ffdheSpec(NamedGroup.ffdhe3072, 'ffdhe3072', backend.ffdhe.ffdhe3072), random),
    dhGroup(ffdheSpec(NamedGroup.ffdhe4096, 'ffdhe4096', backend.ffdhe.ffdhe4096), random),
    dhGroup(nistSpec(NamedGroup.secp224r1, 'secp224r1', 'P-224', backend.nist['P-224']), random),
  ];
}

/** @noble/curves Diffie-Hellman. */
export const nobleX25519: DhFunctions = {
  publicKey: async (privateKey) => x25519.getPublicKey(privateKey),
  shared: async (privateKey, peer) => x25519.getSharedSecret(privateKey, peer),
};

/** @noble/curves X448. */
export const nobleX448: DhFunctions = {
  publicKey: async (privateKey) => x448.getPublicKey(privateKey),
  shared: async (privateKey, peer) => x448.getSharedSecret(privateKey, peer),
};

export function nobleNist(curveName: CurveName): DhFunctions {
  const curve = NIST_CURVES[curveName];
  return {
    publicKey: async (privateKey) => curve.getPublicKey(privateKey, false),
    shared: async (privateKey, peer) => curve.getSharedSecret(privateKey, peer, true).subarray(1),
  };
}
