/**
 * Traffic keys from a traffic secret (RFC 8446 section 7.3) and the KeyUpdate step (section 7.2).
 */
import type { AeadName, CryptoProvider, HashName } from '@tlskit/crypto';
import { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH } from '@tlskit/crypto';
import { hashLength, hkdfExpandLabel } from './hkdf-label.js';

/** The AEAD key and the per-connection IV (XORed with the sequence number for each record). */
export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/**
 * [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length) and
 * [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length) (RFC 8446 section 7.3).
 * iv_length is 12 for every TLS 1.3 AEAD (RFC 8446 5.3: max(8, N_MIN) with N_MIN = 12).
 */
export function trafficKeys(
  provider: CryptoProvider,
  hash: HashName,
  trafficSecret: Uint8Array,
  aead: AeadName,
): TrafficKeys {
  const keyLength = Object.hasOwn(AEAD_KEY_LENGTH, aead) ? AEAD_KEY_LENGTH[aead] : undefined;
  if (keyLength === undefined) {
    throw new TypeError(`unsupported AEAD ${JSON.stringify(aead)}`);
  }
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(provider, hash, trafficSecret, 'key', empty, keyLength),
    iv: hkdfExpandLabel(provider, hash, trafficSecret, 'iv', empty, AEAD_NONCE_LENGTH),
  };
}

/**
 * application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N,
 * "traffic upd", "", Hash.length): the secret after a KeyUpdate (RFC 8446 section 7.2).
 */
export function nextTrafficSecret(
  provider: CryptoProvider,
  hash: HashName,
  trafficSecret: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(
    provider,
    hash,
    trafficSecret,
    'traffic upd',
    new Uint8Array(0),
    hashLength(hash),
  );
}
