import type { CryptoProvider, HashName, IncrementalHash } from '@tlskit/crypto';
import { HandshakeType } from '@tlskit/wire';

/**
 * The TLS 1.3 transcript hash (RFC 8446 section 4.4.1). The hash function is known only once
 * the cipher suite is, so messages are buffered until {@link Transcript.start} is called.
 */
export class Transcript {
  readonly #provider: CryptoProvider;
  #buffered: Uint8Array[] = [];
  #hash: IncrementalHash | undefined;

  constructor(provider: CryptoProvider) {
    this.#provider = provider;
  }

  /** Chooses the hash; buffered messages are hashed now. */
  start(name: HashName): void {
    if (this.#hash !== undefined) return;
    const h = this.#provider.createHash(name);
    for (const m of this.#buffered) h.update(m);
    this.#buffered = [];
    this.#hash = h;
  }

  update(message: Uint8Array): void {
    if (this.#hash === undefined) this.#buffered.push(message);
    else this.#hash.update(message);
  }

  /** The hash of everything so far. */
  digest(): Uint8Array {
    if (this.#hash === undefined) throw new Error('transcript hash used before the suite is known');
    return this.#hash.digest();
  }

  /** The hash of everything so far plus `extra` (e.g. a truncated ClientHello for binders). */
  digestWith(extra: Uint8Array): Uint8Array {
    if (this.#hash === undefined) throw new Error('transcript hash used before the suite is known');
    const h = this.#hash.clone();
    h.update(extra);
    return h.digest();
  }

  /**
   * RFC 8446 4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
   * message_hash(254) || 00 00 Hash.length || Hash(ClientHello1).
   */
  replaceWithMessageHash(): void {
    const digest = this.digest();
    const name = this.#hash!.hashName;
    const h = this.#provider.createHash(name);
    h.update(Uint8Array.of(HandshakeType.messageHash, 0, 0, digest.length));
    h.update(digest);
    this.#hash = h;
  }
}
