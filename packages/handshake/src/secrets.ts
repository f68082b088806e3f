/**
 * The TLS 1.3 HKDF functions the engines call (RFC 8446 section 7.1), over the provider.
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { Writer } from '@tlskit/wire';

const labelPrefix = new TextEncoder().encode('tls13 ');

/** RFC 8446 7.1 HKDF-Expand-Label. */
export function expandLabel(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const info = new Writer()
    .u16(length)
    .vector8('label', 7, 255, (w) => w.bytes(labelPrefix).bytes(new TextEncoder().encode(label)))
    .vector8('context', 0, 255, (w) => w.bytes(context))
    .finish();
  return p.hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 7.1 Derive-Secret with an already computed transcript hash. */
export function deriveSecret(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return expandLabel(p, hash, secret, label, transcriptHash, transcriptHash.length);
}

function hashLength(hash: HashName): number {
  return hash === 'SHA-384' ? 48 : hash === 'SHA-512' ? 64 : 32;
}

/** The early secret: HKDF-Extract(0, PSK or zeros). */
export function earlySecret(
  p: CryptoProvider,
  hash: HashName,
  psk: Uint8Array | undefined,
): Uint8Array {
  const zeros = new Uint8Array(hashLength(hash));
  return p.hkdfExtract(hash, zeros, psk ?? zeros);
}

/** The next secret down the schedule: HKDF-Extract(Derive-Secret(s, "derived", ""), ikm). */
export function nextStage(
  p: CryptoProvider,
  hash: HashName,
  secret: Uint8Array,
  ikm: Uint8Array | undefined,
): Uint8Array {
  const empty = p.hash(hash, new Uint8Array(0));
  const salt = deriveSecret(p, hash, secret, 'derived', empty);
  return p.hkdfExtract(hash, salt, ikm ?? new Uint8Array(hashLength(hash)));
}

/** RFC 8446 4.4.4: verify_data = HMAC(finished_key, transcript hash). */
export function finishedMac(
  p: CryptoProvider,
  hash: HashName,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  const key = expandLabel(p, hash, baseKey, 'finished', new Uint8Array(0), hashLength(hash));
  return p.hmac(hash, key, transcriptHash);
}

/** RFC 8446 7.5 exporter over an exporter master secret. */
export function exportKeyingMaterial(
  p: CryptoProvider,
  hash: HashName,
  exporterSecret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const empty = p.hash(hash, new Uint8Array(0));
  const secret = deriveSecret(p, hash, exporterSecret, label, empty);
  return expandLabel(p, hash, secret, 'exporter', p.hash(hash, context), length);
}

/** Constant-time comparison: the time taken does not depend on where the inputs differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
