import { concatBytes } from '@tlskit/wire';

/**
 * The bytes a connection has to send, as chunks in order. Sealed records arrive in pieces (a
 * 5-byte header, the ciphertext, a 16-byte tag) so that application data is never copied on its
 * way to the socket; a writev of thousands of tiny pieces costs more than joining them, so runs of
 * small chunks are joined here, once, when the queue is taken. Large chunks pass through as they
 * are.
 */
export class OutputQueue {
  /** Chunks below this size are joined with their small neighbours. */
  static readonly smallChunk = 512;

  #chunks: Uint8Array[] = [];
  #small: Uint8Array[] = [];

  push(chunk: Uint8Array): void {
    if (chunk.length < OutputQueue.smallChunk) {
      this.#small.push(chunk);
      return;
    }
    this.#joinSmall();
    this.#chunks.push(chunk);
  }

  /** Everything queued, in order; empties the queue. */
  take(): Uint8Array[] {
    this.#joinSmall();
    const out = this.#chunks;
    this.#chunks = [];
    return out;
  }

  #joinSmall(): void {
    const small = this.#small;
    if (small.length === 0) return;
    this.#chunks.push(concatBytes(small));
    this.#small = [];
  }
}
