import { EncodeError } from './errors.js';

/**
 * Builds presentation-language bytes. Length prefixes are reserved before a body is written and
 * filled in afterwards (`vector16(min, max, () => { ... })`), so no body is encoded twice.
 * Values out of range throw an {@link EncodeError}: that is a bug in the caller's message, not
 * something a peer can cause.
 */
export class Writer {
  #buf = new Uint8Array(256);
  #length = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  #reserve(n: number): number {
    const at = this.#length;
    if (at + n > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < at + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buf.subarray(0, at));
      this.#buf = next;
    }
    this.#length += n;
    return at;
  }

  #check(value: number, bits: number, field: string): void {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
      throw new EncodeError(`${field}: ${value} is not a uint${bits}`);
    }
  }

  /** Appends a uint8; `field` names the value in the error if it is out of range. */
  u8(value: number, field = 'uint8'): this {
    this.#check(value, 8, field);
    const at = this.#reserve(1);
    this.#buf[at] = value;
    return this;
  }

  /** Appends a big-endian uint16. */
  u16(value: number, field = 'uint16'): this {
    this.#check(value, 16, field);
    const at = this.#reserve(2);
    this.#buf[at] = value >> 8;
    this.#buf[at + 1] = value;
    return this;
  }

  /** Appends a big-endian uint24. */
  u24(value: number, field = 'uint24'): this {
    this.#check(value, 24, field);
    const at = this.#reserve(3);
    this.#buf[at] = value >> 16;
    this.#buf[at + 1] = value >> 8;
    this.#buf[at + 2] = value;
    return this;
  }

  /** Appends a big-endian uint32. */
  u32(value: number, field = 'uint32'): this {
    this.#check(value, 32, field);
    const at = this.#reserve(4);
    this.#buf[at] = value >>> 24;
    this.#buf[at + 1] = value >>> 16;
    this.#buf[at + 2] = value >>> 8;
    this.#buf[at + 3] = value;
    return this;
  }

  /** Appends `data` as is (no length prefix). */
  bytes(data: Uint8Array): this {
    // Reserve first: #reserve may replace #buf, so it must not be read before the call.
    const at = this.#reserve(data.length);
    this.#buf.set(data, at);
    return this;
  }

  /** Writes a `<min..max>` vector whose body `body` writes, with a 1-byte length. */
  vector8(field: string, min: number, max: number, body: (w: this) => void): this {
    return this.#vector(1, field, min, max, body);
  }

  /** Writes a `<min..max>` vector whose body `body` writes, with a 2-byte length. */
  vector16(field: string, min: number, max: number, body: (w: this) => void): this {
    return this.#vector(2, field, min, max, body);
  }

  /** Writes a `<min..max>` vector whose body `body` writes, with a 3-byte length. */
  vector24(field: string, min: number, max: number, body: (w: this) => void): this {
    return this.#vector(3, field, min, max, body);
  }

  #vector(
    prefix: 1 | 2 | 3,
    field: string,
    min: number,
    max: number,
    body: (w: this) => void,
  ): this {
    const at = this.#reserve(prefix);
    body(this);
    const length = this.#length - at - prefix;
    if (length < min || length > max) {
      throw new EncodeError(`${field}: length ${length} outside <${min}..${max}>`);
    }
    for (let i = 0; i < prefix; i++) this.#buf[at + i] = length >> (8 * (prefix - 1 - i));
    return this;
  }

  /** The bytes written so far (a copy-free view of the internal buffer; do not keep writing after taking it). */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#length);
  }
}

/** Runs `write` on a fresh {@link Writer} and returns the bytes. */
export function encodeWith(write: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  write(w);
  return w.finish();
}
