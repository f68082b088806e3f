import type { CryptoProvider, HashName } from '@tlskit/crypto';
import {
  exportKeyingMaterial,
  type PrfHash,
  tls12ExportKeyingMaterial,
} from '@tlskit/key-schedule';
import type { Established } from './context.js';

function checkLength(length: number, max: number): void {
  if (!Number.isInteger(length) || length < 0 || length > max) {
    throw new RangeError(`exporter length must be an integer from 0 to ${max}`);
  }
}

/** RFC 8446 7.5: the TLS 1.3 exporter over exporter_master_secret. */
export function established13(
  provider: CryptoProvider,
  hash: HashName,
  hashLength: number,
  exporterSecret: Uint8Array,
): Established {
  return {
    canUpdateKeys: true,
    exporter: (label, context, length) => {
      checkLength(length, 255 * hashLength);
      return exportKeyingMaterial(provider, hash, exporterSecret, label, context, length);
    },
  };
}

/** RFC 5705: the TLS 1.2 exporter over the master secret and both randoms. */
export function established12(
  provider: CryptoProvider,
  hash: PrfHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Established {
  return {
    canUpdateKeys: false,
    exporter: (label, context, length) => {
      checkLength(length, 0xffff);
      return tls12ExportKeyingMaterial(
        provider,
        hash,
        masterSecret,
        clientRandom,
        serverRandom,
        label,
        context,
        length,
      );
    },
  };
}
