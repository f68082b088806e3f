/**
 * External pre-shared keys (RFC 8446 sections 2.2 and 4.2.11, RFC 9257): a key provisioned out
 * of band with an identity both sides know, instead of a ticket from an earlier connection.
 * The server then authenticates by the key alone, so it needs no certificate.
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { decodeImportedIdentity, importPsk } from './psk-importer.js';
import { PskKeyExchangeMode } from '@tlskit/wire';
import { OptionsError } from './options.js';

/** The hashes a TLS 1.3 PSK can be bound to (RFC 8446 4.2.11: one per PSK). */
export type PskHash = 'SHA-256' | 'SHA-384';

/** A key the server looked up for an identity. */
export interface ExternalPskKey {
  /** The secret, at least 16 bytes (RFC 9257 section 6: high entropy). */
  readonly key: Uint8Array;
  /**
   * The hash this PSK is used with; only cipher suites with that hash can use it. Default
   * 'SHA-256' (as OpenSSL's `-psk`: TLS_AES_128_GCM_SHA256 or TLS_CHACHA20_POLY1305_SHA256).
   */
  readonly hash?: PskHash;
}

/** An external PSK as the client offers it. */
export interface ExternalPsk extends ExternalPskKey {
  /** The identity the server knows the key by (1..65535 bytes). */
  readonly identity: Uint8Array;
  /**
   * Import the key by RFC 9258 instead of using it directly: the identity sent is an
   * ImportedIdentity (TLS 1.3, the KDF of `hash`, this `context`), the key is derived from it,
   * and the binder uses "imp binder". The server needs `pskImporters: true`.
   */
  readonly importer?: { readonly context?: Uint8Array };
}

/**
 * Server: the key for an identity the client offered, or undefined for one it does not know.
 * The identity is attacker-chosen bytes: compare it, never interpret it as code or a path.
 */
export type ExternalPskLookup = (
  identity: Uint8Array,
) => ExternalPskKey | undefined | Promise<ExternalPskKey | undefined>;

/**
 * PSK key exchange modes (RFC 8446 4.2.9): `psk_dhe_ke` adds an (EC)DHE exchange, so the
 * session keys stay secret if the PSK leaks later (forward secrecy); `psk_ke` uses the PSK
 * alone, which saves the key exchange but loses that property.
 */
export type PskMode = 'psk_dhe_ke' | 'psk_ke';

/** Code points for mode names, in the caller's order; checked at the boundary. */
export function pskModeCodes(
  option: string,
  modes: readonly PskMode[] | undefined,
  fallback: readonly PskMode[],
): number[] {
  const list = modes ?? fallback;
  if (!Array.isArray(list) || list.length === 0) {
    throw new OptionsError(`${option} needs at least one of 'psk_dhe_ke', 'psk_ke'`);
  }
  return list.map((mode) => {
    if (mode !== 'psk_dhe_ke' && mode !== 'psk_ke') {
      throw new OptionsError(`${option}: unknown PSK key exchange mode ${String(mode)}`);
    }
    return mode === 'psk_ke' ? PskKeyExchangeMode.psk_ke : PskKeyExchangeMode.psk_dhe_ke;
  });
}

/** Checks a PSK key and hash given in options or returned by a lookup. */
export function checkPskKey(where: string, psk: ExternalPskKey): PskHash {
  if (!(psk.key instanceof Uint8Array) || psk.key.length < 16 || psk.key.length > 255) {
    throw new OptionsError(`${where}: the PSK key must be 16..255 bytes`);
  }
  const hash = psk.hash ?? 'SHA-256';
  if (hash !== 'SHA-256' && hash !== 'SHA-384') {
    throw new OptionsError(`${where}: hash must be 'SHA-256' or 'SHA-384'`);
  }
  return hash;
}

/** Checks the client's external PSK at createClient. */
export function checkExternalPsk(psk: ExternalPsk): PskHash {
  if (!(psk.identity instanceof Uint8Array) || psk.identity.length < 1) {
    throw new OptionsError('externalPsk.identity must be 1..65535 bytes');
  }
  if (psk.identity.length > 0xffff) {
    throw new OptionsError('externalPsk.identity must be 1..65535 bytes');
  }
  const context = psk.importer?.context;
  if (context !== undefined && (!(context instanceof Uint8Array) || context.length > 0xffff)) {
    throw new OptionsError('externalPsk.importer.context must be 0..65535 bytes');
  }
  return checkPskKey('externalPsk', psk);
}

/** Narrows a hash name from a suite to the ones a PSK may carry. */
export function isPskHash(hash: HashName): hash is PskHash {
  return hash === 'SHA-256' || hash === 'SHA-384';
}

/** An external PSK the server's lookup knew, for the identity at `index` of the offer. */
export interface FoundExternalPsk {
  readonly index: number;
  /** 'imported' when the offered identity was an RFC 9258 ImportedIdentity. */
  readonly kind: 'external' | 'imported';
  /** The external identity (inside the ImportedIdentity for an imported PSK). */
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
  readonly hash: PskHash;
}

/**
 * Server: asks `lookup` about the offered identities in order (at most `limit`) and returns
 * the first it knows. With `importers` (the provider), an identity that is an RFC 9258
 * ImportedIdentity for TLS 1.3 is looked up by its external identity and its key imported.
 * A lookup that returns a malformed key is a server bug: it throws.
 */
export async function findExternalPsk(
  lookup: ExternalPskLookup,
  identities: readonly { readonly identity: Uint8Array }[],
  limit: number,
  importers: CryptoProvider | undefined,
): Promise<FoundExternalPsk | undefined> {
  for (let index = 0; index < Math.min(identities.length, limit); index++) {
    const identity = identities[index]!.identity;
    const imported = importers === undefined ? undefined : decodeImportedIdentity(identity);
    if (imported?.forTls13 && imported.targetHash !== undefined) {
      const found = await lookup(imported.externalIdentity);
      if (found !== undefined && found !== null) {
        checkPskKey('pskCallback result', found);
        const key = importPsk(importers!, found.key, identity, imported.targetHash);
        const hash = imported.targetHash;
        return { index, kind: 'imported', identity: imported.externalIdentity, key, hash };
      }
    }
    const found = await lookup(identity);
    if (found === undefined || found === null) continue;
    const hash = checkPskKey('pskCallback result', found);
    return { index, kind: 'external', identity, key: found.key, hash };
  }
  return undefined;
}
