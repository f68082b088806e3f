import { SequenceExhaustedError } from './errors.js';

const two32 = 0x1_0000_0000;

/**
 * A 64-bit record sequence number (RFC 8446 section 5.3, RFC 5246 section 6.1), kept as two
 * 32-bit halves so that the per-record path does no BigInt arithmetic. One counter per direction
 * and per key: a key change starts a new counter at zero.
 */
export class SequenceNumber {
  #high: number;
  #low: number;
  #exhausted = false;

  /** @param initial first value; anything but 0 is only useful in tests of the wrap limit. */
  constructor(initial: bigint = 0n) {
    if (initial < 0n || initial > 0xffff_ffff_ffff_ffffn) {
      throw new RangeError('SequenceNumber: initial value must fit in 64 bits');
    }
    this.#high = Number(initial >> 32n);
    this.#low = Number(initial & 0xffff_ffffn);
  }

  /** The value the next record will use. */
  get value(): bigint {
    return (BigInt(this.#high) << 32n) | BigInt(this.#low);
  }

  /**
   * Writes the current value big-endian into `out` at `offset` (8 bytes) without advancing.
   * Sequence numbers never wrap (RFC 8446 section 5.3): once 2^64 - 1 has been used, this throws
   * {@link SequenceExhaustedError}.
   */
  write(out: Uint8Array, offset: number): void {
    if (this.#exhausted) {
      throw new SequenceExhaustedError('record sequence number would wrap; rekey or close');
    }
    const high = this.#high;
    const low = this.#low;
    out[offset] = high >>> 24;
    out[offset + 1] = (high >>> 16) & 0xff;
    out[offset + 2] = (high >>> 8) & 0xff;
    out[offset + 3] = high & 0xff;
    out[offset + 4] = low >>> 24;
    out[offset + 5] = (low >>> 16) & 0xff;
    out[offset + 6] = (low >>> 8) & 0xff;
    out[offset + 7] = low & 0xff;
  }

  /** Moves past the current value (which has been used for a record). */
  advance(): void {
    if (this.#low !== two32 - 1) this.#low++;
    else if (this.#high !== two32 - 1) {
      this.#high++;
      this.#low = 0;
    } else this.#exhausted = true;
  }

  /** Reserves the current value for one record: {@link write}, then {@link advance}. */
  take(out: Uint8Array, offset: number): void {
    this.write(out, offset);
    this.advance();
  }
}

/**
 * The per-record nonce of RFC 8446 section 5.3 (also RFC 7905 for TLS 1.2 ChaCha20-Poly1305):
 * the 64-bit sequence number, left-padded to the IV length, XORed with the static IV. Does not
 * advance the sequence number.
 */
export function nonceFor(iv: Uint8Array, sequence: SequenceNumber): Uint8Array {
  const nonce = new Uint8Array(iv.length);
  sequence.write(nonce, iv.length - 8);
  for (let i = 0; i < iv.length; i++) nonce[i] = (nonce[i] ?? 0) ^ (iv[i] ?? 0);
  return nonce;
}
