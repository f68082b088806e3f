/**
 * External pre-shared keys (RFC 8446 sections 2.2 and 4.2.11, RFC 9257): a key provisioned out
 * of band with an identity both sides know, instead of a ticket from an earlier connection.
 * The server then authenticates by the key alone, so it needs no certificate.
 */
import type { CryptoProvider, HashName } from '@tlskit/crypto';
import { decodeImportedIdentity, importPsk } from './psk-importer.js';
import { OptionsError } from '../core/options.js';
import type { ExternalPsk, ExternalPskKey, ExternalPskLookup, PskHash } from '../core/psk-types.js';

export type {
  ExternalPsk,
  ExternalPskKey,
  ExternalPskLookup,
  PskHash,
  PskMode,
} from '../core/psk-types.js';

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
