import { DecodeError } from './errors.js';

/**
 * A strict cursor over received bytes (RFC 8446 section 3, the presentation language).
 *
 * Every read names the field it reads, so a failure says what was malformed. Vectors return
 * `subarray` views into the input: no payload is copied, and decoding stays linear in the input.
 * Every failure is a {@link DecodeError} (alert decode_error); reading can never throw a
 * RangeError, because each read checks the remaining length first.
 */
export class Reader {
  readonly #bytes: Uint8Array;
  #offset = 0;

  /** A reader positioned at the start of `bytes`; the reader never writes to them. */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** Bytes read so far (the offset into the input). */
  get offset(): number {
    return this.#offset;
  }

  #take(length: number, field: string): Uint8Array {
    const at = this.#at(length, field);
    return this.#bytes.subarray(at, at + length);
  }

  // Integers are read straight from the input after one bounds check, without a subarray
  // allocation per field: hellos are mostly small integers.
  #at(n: number, field: string, suffix = ''): number {
    if (!(n >= 0 && n <= this.remaining)) {
      throw new DecodeError(`${field}${suffix}: needs ${n} bytes, only ${this.remaining} remain`);
    }
    const at = this.#offset;
    this.#offset += n;
    return at;
  }

  /** A uint8; `field` names it in the error if the input ends first. */
  u8(field: string): number {
    return this.#bytes[this.#at(1, field)]!;
  }

  /** A big-endian uint16. */
  u16(field: string): number {
    const i = this.#at(2, field);
    const b = this.#bytes;
    return (b[i]! << 8) | b[i + 1]!;
  }

  /** A big-endian uint24 (handshake and certificate lengths). */
  u24(field: string): number {
    const i = this.#at(3, field);
    const b = this.#bytes;
    return (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
  }

  /** A big-endian uint32, as a non-negative number. */
  u32(field: string): number {
    const i = this.#at(4, field);
    const b = this.#bytes;
    return b[i]! * 0x1000000 + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
  }

  /** Exactly `length` bytes, as a view. */
  bytes(length: number, field: string): Uint8Array {
    if (!Number.isInteger(length))
      throw new DecodeError(`${field}: length ${length} is not an integer`);
    return this.#take(length, field);
  }

  /** Everything that is left, as a view (for bodies that run to the end, e.g. Finished). */
  rest(): Uint8Array {
    return this.#take(this.remaining, 'rest');
  }

  /** `opaque field<min..max>` with a 1-byte length. */
  vector8(field: string, min: number, max: number): Uint8Array {
    return this.#vector(this.#bytes[this.#at(1, field, ' length')]!, field, min, max);
  }

  /** `opaque field<min..max>` with a 2-byte length. */
  vector16(field: string, min: number, max: number): Uint8Array {
    const i = this.#at(2, field, ' length');
    return this.#vector((this.#bytes[i]! << 8) | this.#bytes[i + 1]!, field, min, max);
  }

  /** `opaque field<min..max>` with a 3-byte length. */
  vector24(field: string, min: number, max: number): Uint8Array {
    const i = this.#at(3, field, ' length');
    const b = this.#bytes;
    return this.#vector((b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!, field, min, max);
  }

  #vector(length: number, field: string, min: number, max: number): Uint8Array {
    if (length < min || length > max) {
      throw new DecodeError(`${field}: length ${length} outside <${min}..${max}>`);
    }
    return this.#take(length, field);
  }

  /** `uint16 field<min..max>` (a list of 16-bit code points) with a 2-byte byte-length prefix. */
  u16List(field: string, min: number, max: number): number[] {
    return uint16s(this.vector16(field, min, max), field);
  }

  /** `uint16 field<min..max>` with a 1-byte byte-length prefix (supported_versions). */
  u16List8(field: string, min: number, max: number): number[] {
    return uint16s(this.vector8(field, min, max), field);
  }

  /** A reader over the next `length` bytes; this reader moves past them. */
  sub(length: number, field: string): Reader {
    return new Reader(this.#take(length, field));
  }

  /** Throws unless every byte has been read: trailing data is a decode_error. */
  end(field: string): void {
    if (this.remaining !== 0) {
      throw new DecodeError(`${field}: ${this.remaining} unexpected trailing bytes`);
    }
  }

  /**
   * Runs `read` until the input is exhausted, collecting the items, then requires that nothing
   * is left. Each call must consume at least one byte, which bounds the loop by the input length.
   */
  all<T>(field: string, read: (reader: Reader) => T): T[] {
    const items: T[] = [];
    while (this.remaining > 0) {
      const before = this.#offset;
      items.push(read(this));
      if (this.#offset === before) throw new DecodeError(`${field}: item consumed no bytes`);
    }
    return items;
  }
}

/** Decodes `bytes` with `read` and rejects trailing bytes. */
export function decodeAll<T>(bytes: Uint8Array, field: string, read: (reader: Reader) => T): T {
  const reader = new Reader(bytes);
  const value = read(reader);
  reader.end(field);
  return value;
}

function uint16s(bytes: Uint8Array, field: string): number[] {
  if (bytes.length % 2 !== 0) throw new DecodeError(`${field}: odd length ${bytes.length}`);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) out.push((bytes[i]! << 8) | bytes[i + 1]!);
  return out;
}
