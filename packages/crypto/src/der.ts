/**
 * A minimal, strict DER (X.690 section 10) reader and writer: just what key import and ECDSA
 * signatures need. Strict means definite lengths in their shortest form, no trailing bytes,
 * minimal INTEGERs and BIT STRINGs without unused bits: BER leniency in signature or key
 * parsing has a history of signature forgeries (e.g. CVE-2016-1000342 class bugs).
 */
import { DecodeError } from '@tlskit/wire';

export const Tag = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
} as const;

/** Context-specific constructed tag [n] (X.690 8.1.2). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

/** One TLV: its tag and a view of its contents. */
export interface Tlv {
  readonly tag: number;
  readonly contents: Uint8Array;
}

/** Reads consecutive DER elements from a buffer; every error is a DecodeError. */
export class DerReader {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get done(): boolean {
    return this.#offset >= this.#bytes.length;
  }

  /** The tag of the next element, or undefined at the end. */
  peekTag(): number | undefined {
    return this.#bytes[this.#offset];
  }

  /** Reads one element; with `tag`, fails unless the element has that tag. */
  read(tag?: number): Tlv {
    const b = this.#bytes;
    const start = this.#offset;
    const t = b[start];
    if (t === undefined) throw new DecodeError('DER: unexpected end of data');
    // Multi-byte (high) tag numbers never occur in the structures we read.
    if ((t & 0x1f) === 0x1f) throw new DecodeError('DER: high tag numbers are not supported');
    if (tag !== undefined && t !== tag) {
      throw new DecodeError(`DER: expected tag 0x${hex2(tag)}, got 0x${hex2(t)}`);
    }
    let pos = start + 1;
    const first = b[pos++];
    if (first === undefined) throw new DecodeError('DER: missing length');
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      const n = first & 0x7f;
      // 0x80 is BER's indefinite length; more than 4 length bytes is beyond any key we accept.
      if (n === 0) throw new DecodeError('DER: indefinite length is not allowed');
      if (n > 4) throw new DecodeError('DER: length too large');
      length = 0;
      for (let i = 0; i < n; i++) {
        const v = b[pos++];
        if (v === undefined) throw new DecodeError('DER: truncated length');
        if (i === 0 && v === 0) throw new DecodeError('DER: length has a leading zero byte');
        length = length * 256 + v;
      }
      // X.690 10.1: the definite form uses the fewest octets; short form below 128.
      if (length < 0x80) throw new DecodeError('DER: long-form length below 128');
    }
    if (length > b.length - pos) throw new DecodeError('DER: length exceeds the data');
    this.#offset = pos + length;
    return { tag: t, contents: b.subarray(pos, pos + length) };
  }

  /** Reads an element if the next tag matches, else returns undefined. */
  optional(tag: number): Tlv | undefined {
    return this.peekTag() === tag ? this.read(tag) : undefined;
  }

  /** Reads a SEQUENCE and returns a reader over its contents. */
  sequence(): DerReader {
    return new DerReader(this.read(Tag.sequence).contents);
  }

  /** A non-negative INTEGER as its minimal big-endian magnitude (no sign byte). */
  unsignedInteger(): Uint8Array {
    const c = this.read(Tag.integer).contents;
    return integerMagnitude(c);
  }

  /** A small non-negative INTEGER (e.g. a version field). */
  smallInteger(): number {
    const m = this.unsignedInteger();
    if (m.length > 4) throw new DecodeError('DER: INTEGER too large');
    let v = 0;
    for (const x of m) v = v * 256 + x;
    return v;
  }

  /** An OBJECT IDENTIFIER in dotted form. */
  oid(): string {
    return decodeOid(this.read(Tag.oid).contents);
  }

  /** A BIT STRING with no unused bits (keys are whole bytes), as its bytes. */
  bitString(): Uint8Array {
    const c = this.read(Tag.bitString).contents;
    if (c.length === 0) throw new DecodeError('DER: empty BIT STRING');
    if (c[0] !== 0) throw new DecodeError('DER: BIT STRING with unused bits');
    return c.subarray(1);
  }

  octetString(): Uint8Array {
    return this.read(Tag.octetString).contents;
  }

  /** Fails if anything is left: DER structures are read exactly. */
  end(what: string): void {
    if (!this.done) throw new DecodeError(`DER: trailing data after ${what}`);
  }
}

/** Checks INTEGER contents are minimal and non-negative and strips the sign byte. */
function integerMagnitude(c: Uint8Array): Uint8Array {
  const b0 = c[0];
  if (b0 === undefined) throw new DecodeError('DER: empty INTEGER');
  if (b0 & 0x80) throw new DecodeError('DER: negative INTEGER');
  if (c.length > 1 && b0 === 0 && ((c[1] ?? 0) & 0x80) === 0) {
    // X.690 8.3.2: the first nine bits must not be all zero.
    throw new DecodeError('DER: INTEGER is not minimally encoded');
  }
  return b0 === 0 && c.length > 1 ? c.subarray(1) : c;
}

function decodeOid(c: Uint8Array): string {
  if (c.length === 0) throw new DecodeError('DER: empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let v = 0;
  let started = false;
  for (const b of c) {
    // X.690 8.19.2: no leading 0x80 padding in a subidentifier.
    if (!started && b === 0x80) throw new DecodeError('DER: OID subidentifier is not minimal');
    started = true;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DecodeError('DER: OID arc too large');
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
      started = false;
    }
  }
  if (started) throw new DecodeError('DER: truncated OBJECT IDENTIFIER');
  const first = arcs[0] ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

// --- writer -------------------------------------------------------------------------------

/** Encodes one TLV with a minimal definite length. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const lenBytes: number[] = [];
  if (length < 0x80) {
    lenBytes.push(length);
  } else {
    for (let l = length; l > 0; l = Math.floor(l / 256)) lenBytes.unshift(l & 0xff);
    lenBytes.unshift(0x80 | lenBytes.length);
  }
  const out = new Uint8Array(1 + lenBytes.length + length);
  out[0] = tag;
  out.set(lenBytes, 1);
  let off = 1 + lenBytes.length;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A non-negative INTEGER from a big-endian magnitude (leading zeros allowed on input). */
export function unsignedIntegerTlv(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const needsSign = m.length === 0 || ((m[0] ?? 0) & 0x80) !== 0;
  return needsSign ? tlv(Tag.integer, new Uint8Array([0]), m) : tlv(Tag.integer, m);
}

/** An OBJECT IDENTIFIER from dotted form. */
export function oidTlv(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(Tag.oid, new Uint8Array(out));
}

export function bitStringTlv(bytes: Uint8Array): Uint8Array {
  return tlv(Tag.bitString, new Uint8Array([0]), bytes);
}

// --- ECDSA-Sig-Value (RFC 5480 / RFC 3279 2.2.3) -------------------------------------------

/**
 * Decodes `SEQUENCE { r INTEGER, s INTEGER }` strictly into fixed-width r || s of `size` bytes
 * each. Returns undefined for anything that is not exactly that (the caller answers "does not
 * verify"); range checks against the group order are the caller's.
 */
export function decodeEcdsaSignature(der: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const outer = new DerReader(der);
    const seq = outer.sequence();
    outer.end('ECDSA signature');
    const r = seq.unsignedInteger();
    const s = seq.unsignedInteger();
    seq.end('ECDSA signature integers');
    if (r.length > size || s.length > size) return undefined;
    const out = new Uint8Array(2 * size);
    out.set(r, size - r.length);
    out.set(s, 2 * size - s.length);
    return out;
  } catch {
    return undefined;
  }
}

/** Encodes fixed-width r || s as a DER ECDSA-Sig-Value. */
export function encodeEcdsaSignature(rs: Uint8Array): Uint8Array {
  const size = rs.length / 2;
  return tlv(
    Tag.sequence,
    unsignedIntegerTlv(rs.subarray(0, size)),
    unsignedIntegerTlv(rs.subarray(size)),
  );
}
