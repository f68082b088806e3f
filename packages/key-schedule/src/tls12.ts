/**
 * The TLS 1.2 key derivation: the PRF (RFC 5246 section 5), the master secret (section 8.1) and
 * extended master secret (RFC 7627 section 4), the key block for AEAD suites (RFC 5246 section
 * 6.3, RFC 5288 section 3, RFC 7905 section 2), Finished (RFC 5246 section 7.4.9) and the keying
 * material exporter (RFC 5705 section 4).
 */
import type { AeadName, CryptoProvider, HashName } from '@tlskit/crypto';
import { AEAD_KEY_LENGTH } from '@tlskit/crypto';
import { concatBytes } from '@tlskit/wire';
import { checkBytes, checkLength, utf8 } from './bytes.js';

/** TLS 1.2 suites use the PRF with SHA-256, or SHA-384 for the *_SHA384 suites. */
export type PrfHash = Extract<HashName, 'SHA-256' | 'SHA-384'>;

/** Bound on one PRF output; TLS needs at most a key block (~88 bytes) or an exporter output. */
const MAX_PRF_LENGTH = 1 << 16;

/**
 * PRF(secret, label, seed) = P_<hash>(secret, label + seed) (RFC 5246 section 5), truncated to
 * `length` bytes. P_hash: A(0) = seed', A(i) = HMAC(secret, A(i-1)),
 * output = HMAC(secret, A(1) + seed') || HMAC(secret, A(2) + seed') || ...
 */
export function tls12Prf(
  provider: CryptoProvider,
  hash: PrfHash,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  checkBytes('secret', secret);
  checkBytes('seed', seed);
  checkLength('length', length, 0, MAX_PRF_LENGTH);
  const labelSeed = concatBytes([utf8(label), seed]);
  const out = new Uint8Array(length);
  let a = labelSeed;
  for (let offset = 0; offset < length; ) {
    a = provider.hmac(hash, secret, a);
    const block = provider.hmac(hash, secret, concatBytes([a, labelSeed]));
    const take = Math.min(block.length, length - offset);
    out.set(block.subarray(0, take), offset);
    offset += take;
  }
  return out;
}

/**
 * master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
 * ServerHello.random)[0..47] (RFC 5246 section 8.1). Prefer {@link tls12ExtendedMasterSecret}:
 * without it the master secret is not bound to the handshake (triple handshake attack, RFC 7627).
 */
export function tls12MasterSecret(
  provider: CryptoProvider,
  hash: PrfHash,
  preMasterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  checkBytes('clientRandom', clientRandom, 32);
  checkBytes('serverRandom', serverRandom, 32);
  return tls12Prf(
    provider,
    hash,
    preMasterSecret,
    'master secret',
    concatBytes([clientRandom, serverRandom]),
    48,
  );
}

/**
 * master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
 * (RFC 7627 section 4), where session_hash is the transcript hash from ClientHello up to and
 * including ClientKeyExchange.
 */
export function tls12ExtendedMasterSecret(
  provider: CryptoProvider,
  hash: PrfHash,
  preMasterSecret: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return tls12Prf(provider, hash, preMasterSecret, 'extended master secret', sessionHash, 48);
}

/** The write keys and implicit IVs of a TLS 1.2 AEAD connection. */
export interface Tls12KeyBlock {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  /** 4 bytes (the GCM salt, RFC 5288 section 3) or 12 bytes (ChaCha20-Poly1305, RFC 7905). */
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
}

/**
 * The implicit IV length of a TLS 1.2 AEAD suite: GCM takes a 4-byte salt and sends an 8-byte
 * explicit nonce (RFC 5288 section 3); ChaCha20-Poly1305 takes a 12-byte IV and sends no
 * explicit nonce (RFC 7905 section 2).
 */
export function tls12FixedIvLength(aead: AeadName): number {
  return aead === 'CHACHA20-POLY1305' ? 12 : 4;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), split into
 * client_write_key, server_write_key, client_write_IV, server_write_IV (RFC 5246 section 6.3).
 * AEAD suites have no MAC keys.
 */
export function tls12KeyBlock(
  provider: CryptoProvider,
  hash: PrfHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  aead: AeadName,
): Tls12KeyBlock {
  checkBytes('masterSecret', masterSecret, 48);
  checkBytes('clientRandom', clientRandom, 32);
  checkBytes('serverRandom', serverRandom, 32);
  const keyLength = Object.hasOwn(AEAD_KEY_LENGTH, aead) ? AEAD_KEY_LENGTH[aead] : undefined;
  if (keyLength === undefined) {
    throw new TypeError(`unsupported AEAD ${JSON.stringify(aead)}`);
  }
  const ivLength = tls12FixedIvLength(aead);
  const block = tls12Prf(
    provider,
    hash,
    masterSecret,
    'key expansion',
    // RFC 5246 6.3: server_random first here, unlike the master secret's seed.
    concatBytes([serverRandom, clientRandom]),
    2 * keyLength + 2 * ivLength,
  );
  let o = 0;
  const take = (n: number): Uint8Array => {
    o += n;
    return block.slice(o - n, o);
  };
  return {
    clientWriteKey: take(keyLength),
    serverWriteKey: take(keyLength),
    clientWriteIv: take(ivLength),
    serverWriteIv: take(ivLength),
  };
}

/**
 * verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]
 * (RFC 5246 section 7.4.9), finished_label "client finished" or "server finished".
 */
export function tls12FinishedVerifyData(
  provider: CryptoProvider,
  hash: PrfHash,
  masterSecret: Uint8Array,
  sender: 'client' | 'server',
  handshakeHash: Uint8Array,
): Uint8Array {
  checkBytes('masterSecret', masterSecret, 48);
  checkBytes('handshakeHash', handshakeHash);
  const label = sender === 'client' ? 'client finished' : 'server finished';
  return tls12Prf(provider, hash, masterSecret, label, handshakeHash, 12);
}

/** RFC 5705 section 4: labels the PRF already uses must not be exporter labels. */
const RESERVED_EXPORTER_LABELS: ReadonlySet<string> = new Set([
  'client finished',
  'server finished',
  'master secret',
  'key expansion',
  'extended master secret',
]);

/**
 * The RFC 5705 keying material exporter: PRF(master_secret, label, client_random +
 * server_random [+ context_value_length + context_value])[0..length-1]. Unlike TLS 1.3, an
 * absent context (`undefined`) and an empty one give different outputs (RFC 5705 section 4).
 */
export function tls12ExportKeyingMaterial(
  provider: CryptoProvider,
  hash: PrfHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  checkBytes('clientRandom', clientRandom, 32);
  checkBytes('serverRandom', serverRandom, 32);
  if (RESERVED_EXPORTER_LABELS.has(label)) {
    throw new RangeError(`exporter label ${JSON.stringify(label)} is reserved by TLS (RFC 5705 4)`);
  }
  let seed = concatBytes([clientRandom, serverRandom]);
  if (context !== undefined) {
    checkBytes('context', context);
    checkLength('context length', context.length, 0, 0xffff);
    seed = concatBytes([
      seed,
      new Uint8Array([context.length >> 8, context.length & 0xff]),
      context,
    ]);
  }
  return tls12Prf(provider, hash, masterSecret, label, seed, length);
}
