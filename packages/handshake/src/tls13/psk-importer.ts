/**
 * RFC 9258 PSK importers: an external PSK (EPSK) is not used directly but imported for one
 * protocol and KDF, so that the same EPSK can never be used under two hashes or two protocols
 * with the same key. The client sends the ImportedIdentity as its PSK identity and binds it with
 * the "imp binder" label.
 *
 * ```
 * struct {
 *   opaque external_identity<1...2^16-1>;
 *   opaque context<0..2^16-1>;
 *   uint16 target_protocol;   // 0x0304: TLS 1.3
 *   uint16 target_kdf;        // 0x0001: HKDF_SHA256, 0x0002: HKDF_SHA384
 * } ImportedIdentity;
 *
 * epskx = HKDF-Extract(0, epsk)
 * ipskx = HKDF-Expand-Label(epskx, "derived psk", Hash(ImportedIdentity), L)
 * ```
 *
 * The HKDF hash is the EPSK's own: tlskit's EPSKs have none, so SHA-256 (RFC 9258 4.1). L is the
 * output length of target_kdf, which is the hash of the suites the imported PSK can be used with.
 */
import { type CryptoProvider, HASH_LENGTH } from '@tlskit/crypto';
import { hkdfExpandLabel } from '@tlskit/key-schedule';
import { Reader, Writer } from '@tlskit/wire';
import type { PskHash } from '../core/psk-types.js';

/** RFC 9258 target_protocol of TLS 1.3 (its ProtocolVersion). */
const targetTls13 = 0x0304;
/** RFC 9258 target_kdf registry: HKDF with the suite's hash. */
const kdfCode: Record<PskHash, number> = { 'SHA-256': 0x0001, 'SHA-384': 0x0002 };

/** A decoded ImportedIdentity. */
export interface ImportedIdentity {
  readonly externalIdentity: Uint8Array;
  readonly context: Uint8Array;
  /** The hash of target_kdf, or undefined for a KDF tlskit does not know. */
  readonly targetHash: PskHash | undefined;
  /** True when target_protocol is TLS 1.3. */
  readonly forTls13: boolean;
}

/** The ImportedIdentity bytes a client sends for `externalIdentity` (TLS 1.3, `hash`'s KDF). */
export function encodeImportedIdentity(
  externalIdentity: Uint8Array,
  context: Uint8Array,
  hash: PskHash,
): Uint8Array {
  const w = new Writer();
  w.vector16('external_identity', 1, 0xffff, (x) => x.bytes(externalIdentity));
  w.vector16('context', 0, 0xffff, (x) => x.bytes(context));
  w.u16(targetTls13).u16(kdfCode[hash]);
  return w.finish().slice();
}

/** Reads an ImportedIdentity; undefined for bytes that are not one (never throws). */
export function decodeImportedIdentity(bytes: Uint8Array): ImportedIdentity | undefined {
  try {
    const r = new Reader(bytes);
    const externalIdentity = r.vector16('external_identity', 1, 0xffff).slice();
    const context = r.vector16('context', 0, 0xffff).slice();
    const protocol = r.u16('target_protocol');
    const kdf = r.u16('target_kdf');
    r.end('ImportedIdentity');
    const targetHash = kdf === 0x0001 ? 'SHA-256' : kdf === 0x0002 ? 'SHA-384' : undefined;
    return { externalIdentity, context, targetHash, forTls13: protocol === targetTls13 };
  } catch {
    return undefined;
  }
}

/** ipskx for `importedIdentity` (its encoded bytes) from the EPSK `epsk` (RFC 9258 4.1). */
export function importPsk(
  provider: CryptoProvider,
  epsk: Uint8Array,
  importedIdentity: Uint8Array,
  targetHash: PskHash,
): Uint8Array {
  const epskx = provider.hkdfExtract('SHA-256', new Uint8Array(HASH_LENGTH['SHA-256']), epsk);
  return hkdfExpandLabel(
    provider,
    'SHA-256',
    epskx,
    'derived psk',
    provider.hash('SHA-256', importedIdentity),
    HASH_LENGTH[targetHash],
  );
}
