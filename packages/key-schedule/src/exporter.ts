/**
 * The TLS 1.3 exporter (RFC 8446 section 7.5).
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { hashLength, hkdfExpandLabel, sharedEmptyHash } from './hkdf-label.js';

/**
 * TLS-Exporter(label, context_value, key_length) of RFC 8446 section 7.5:
 * HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length),
 * where Secret is the exporter_master_secret (or early_exporter_master_secret for 0-RTT
 * exporters). RFC 8446 7.5: no context and an empty context are the same.
 *
 * @param label - the exporter label (RFC 5705 section 4; e.g. `"EXPERIMENTAL my-protocol"`).
 */
export function exportKeyingMaterial(
  provider: CryptoProvider,
  hash: HashName,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const derived = hkdfExpandLabel(
    provider,
    hash,
    exporterMasterSecret,
    label,
    sharedEmptyHash(provider, hash),
    hashLength(hash),
  );
  const contextHash = provider.hash(hash, context ?? new Uint8Array(0));
  return hkdfExpandLabel(provider, hash, derived, 'exporter', contextHash, length);
}
