/**
 * The running transcript hash (RFC 8446 section 4.4.1; RFC 5246 section 7.4.9 for TLS 1.2).
 */
import type { CryptoProvider, HashName, IncrementalHash } from '@tlskit/crypto';
import { HandshakeType } from '@tlskit/wire';
import { checkBytes } from './bytes.js';
import { hashLength } from './hkdf-label.js';

/**
 * The synthetic handshake message that replaces ClientHello1 after a HelloRetryRequest
 * (RFC 8446 section 4.4.1): `message_hash || 00 00 Hash.length || Hash(ClientHello1)`.
 */
export function messageHash(clientHello1Hash: Uint8Array): Uint8Array {
  checkBytes('clientHello1Hash', clientHello1Hash);
  const out = new Uint8Array(4 + clientHello1Hash.length);
  out[0] = HandshakeType.messageHash;
  out[3] = clientHello1Hash.length;
  out.set(clientHello1Hash, 4);
  return out;
}

/**
 * An incremental hash over the handshake messages (each with its 4-byte handshake header, as
 * sent, without record headers).
 *
 * A client learns the hash function only from the ServerHello, so a transcript can start without
 * one: messages are kept until {@link TranscriptHash.selectHash} names it.
 *
 * {@link TranscriptHash.digest} can be read at any point and does not end the hash;
 * {@link TranscriptHash.clone} forks an independent copy (PSK binders hash a truncated
 * ClientHello: `clone().digestWith(truncated)` leaves this transcript untouched).
 */
export class TranscriptHash {
  readonly #provider: CryptoProvider;
  #hash: IncrementalHash | undefined;
  #pending: Uint8Array[] | undefined;

  /**
   * @param hash - the cipher suite's hash; omit it when not yet known and call
   *   {@link TranscriptHash.selectHash} once it is.
   */
  constructor(provider: CryptoProvider, hash?: HashName) {
    this.#provider = provider;
    if (hash === undefined) this.#pending = [];
    else this.#hash = provider.createHash(hash);
  }

  /**
   * A server's transcript resumed from a HelloRetryRequest cookie that carries Hash(ClientHello1)
   * (RFC 8446 section 4.4.1): it starts with the synthetic message_hash message.
   */
  static fromClientHello1Hash(
    provider: CryptoProvider,
    hash: HashName,
    clientHello1Hash: Uint8Array,
  ): TranscriptHash {
    checkBytes('clientHello1Hash', clientHello1Hash, hashLength(hash));
    const t = new TranscriptHash(provider, hash);
    t.update(messageHash(clientHello1Hash));
    return t;
  }

  /** The hash function, or undefined while it is not yet selected. */
  get hashName(): HashName | undefined {
    return this.#hash?.hashName;
  }

  /**
   * Chooses the hash function and hashes the messages added so far. Throws when a different
   * hash was already chosen (a caller error).
   */
  selectHash(hash: HashName): void {
    if (this.#hash !== undefined) {
      if (this.#hash.hashName !== hash) {
        throw new Error(
          `transcript hash is already ${this.#hash.hashName}, cannot switch to ${hash}`,
        );
      }
      return;
    }
    const h = this.#provider.createHash(hash);
    for (const m of this.#pending ?? []) h.update(m);
    this.#pending = undefined;
    this.#hash = h;
  }

  /** Adds one or more complete handshake messages (header included). */
  update(message: Uint8Array): void {
    checkBytes('message', message);
    if (this.#hash !== undefined) this.#hash.update(message);
    // Copy: the caller's buffer may be a view that is reused for the next record.
    else this.#pending!.push(message.slice());
  }

  /** Transcript-Hash of every message added so far; the transcript stays usable. */
  digest(): Uint8Array {
    return this.#selected().digest();
  }

  /**
   * The hash of the transcript followed by `extra`, without adding `extra` (the PSK binder's
   * truncated ClientHello, RFC 8446 section 4.2.11.2).
   */
  digestWith(extra: Uint8Array): Uint8Array {
    checkBytes('extra', extra);
    const h = this.#selected().clone();
    h.update(extra);
    return h.digest();
  }

  /** An independent copy of the transcript in its current state. */
  clone(): TranscriptHash {
    const copy = new TranscriptHash(this.#provider);
    if (this.#hash !== undefined) {
      copy.#hash = this.#hash.clone();
      copy.#pending = undefined;
    } else {
      copy.#pending = [...(this.#pending ?? [])];
    }
    return copy;
  }

  /**
   * The HelloRetryRequest step of RFC 8446 section 4.4.1: call it when the transcript holds
   * exactly ClientHello1, before adding the HelloRetryRequest. The transcript then restarts from
   * `message_hash || 00 00 Hash.length || Hash(ClientHello1)`.
   */
  replaceWithMessageHash(): void {
    const h = this.#selected();
    const synthetic = messageHash(h.digest());
    const fresh = this.#provider.createHash(h.hashName);
    fresh.update(synthetic);
    this.#hash = fresh;
  }

  #selected(): IncrementalHash {
    if (this.#hash === undefined) {
      throw new Error('the transcript hash function is not selected yet: call selectHash first');
    }
    return this.#hash;
  }
}
