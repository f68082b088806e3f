const empty = new Uint8Array(0);

/**
 * A FIFO of byte chunks as they arrived. Reads return a view into a chunk when the requested
 * range lies inside one chunk, and copy only when it straddles chunks: on a stream socket most
 * records arrive whole, so most reads are copy-free.
 *
 * Chunks are kept by reference; whoever pushes a chunk must not modify it afterwards.
 *
 * Consumed chunks are skipped by an index rather than `shift`ed off, so a peer sending a message
 * as thousands of one-byte records costs linear time, not quadratic (issue 11).
 */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Index of the first chunk not fully consumed. */
  #head = 0;
  /** Read offset into that chunk. */
  #offset = 0;
  #length = 0;

  /** Bytes buffered and not yet taken. */
  get length(): number {
    return this.#length;
  }

  /** Appends `chunk` (kept by reference, not copied). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The byte at `index` from the front, or undefined past the end. */
  peek(index: number): number | undefined {
    if (index >= this.#length) return undefined;
    let at = this.#offset + index;
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i]!;
      if (at < chunk.length) return chunk[at];
      at -= chunk.length;
    }
    return undefined;
  }

  /** Removes and returns the first `count` bytes; the caller checks `length` first. */
  take(count: number): Uint8Array {
    if (count > this.#length) throw new RangeError('ByteQueue.take: not enough bytes buffered');
    this.#length -= count;
    const first = this.#chunks[this.#head];
    if (first === undefined || count === 0) return new Uint8Array(0);
    const available = first.length - this.#offset;
    if (count <= available) {
      const view = first.subarray(this.#offset, this.#offset + count);
      this.#advanceFirst(count, available);
      return view;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[this.#head]!;
      const left = chunk.length - this.#offset;
      const n = Math.min(left, count - filled);
      out.set(chunk.subarray(this.#offset, this.#offset + n), filled);
      filled += n;
      this.#advanceFirst(n, left);
    }
    return out;
  }

  #advanceFirst(count: number, available: number): void {
    if (count === available) {
      this.#chunks[this.#head] = empty; // let the consumed chunk be collected
      this.#head++;
      this.#offset = 0;
      // Drop the consumed prefix once it is most of the array: amortised O(1) per chunk.
      if (this.#head === this.#chunks.length) {
        this.#chunks = [];
        this.#head = 0;
      } else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
        this.#chunks = this.#chunks.slice(this.#head);
        this.#head = 0;
      }
    } else {
      this.#offset += count;
    }
  }
}
