import { malformed } from './errors.js';

/**
 * A DER node from this package's strict reader. X.509 signatures cover the exact DER bytes
 * (RFC 5280 section 4.1.1.3), so anything that is only valid BER is rejected rather than
 * silently re-interpreted: indefinite or non-minimal lengths, non-canonical BOOLEAN, INTEGER
 * and BIT STRING padding, constructed strings, trailing bytes.
 *
 * (A general BER decoder such as asn1js spends about 1.5 ms on a 3.6 KB certificate and
 * 400 ms on the 78 KB ones of x509-limbo's denial-of-service cases, and accepts BER; one walk
 * that checks and indexes at once costs a few microseconds per kilobyte.)
 */
export interface Node {
  /** X.690 class: 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly tag: number;
  readonly constructed: boolean;
  /** The full TLV as it appeared in the input. */
  readonly raw: Uint8Array;
  /** The content octets. */
  readonly content: Uint8Array;
  /** Decoded children of a constructed node (empty for primitives). */
  readonly children: readonly Node[];
}

/** X.690 tag classes. */
export const tagClass = { universal: 0, context: 2 } as const;

/** Universal tag numbers used by X.509. */
export const tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  enumerated: 10,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  teletexString: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  universalString: 28,
  bmpString: 30,
} as const;

/** Deepest nesting accepted; certificates need about ten levels. */
const maxDepth = 32;

/**
 * Decodes one DER value that must fill `bytes` exactly. Throws ERR_CERT_MALFORMED for BER-only
 * encodings, truncation and trailing bytes. `maxNodes` bounds the work on hostile input.
 */
export function decodeDer(bytes: Uint8Array, what: string, maxNodes = 100_000): Node {
  const budget = { nodes: maxNodes };
  const nodes = readNodes(bytes, 0, bytes.length, 0, what, budget);
  if (nodes.length !== 1) throw malformed(`${what}: expected exactly one DER value`);
  return nodes[0]!;
}

/** Reads the TLVs of bytes[start, end) and enforces the DER rules of X.690 sections 10 and 11. */
function readNodes(
  bytes: Uint8Array,
  start: number,
  end: number,
  depth: number,
  what: string,
  budget: { nodes: number },
): Node[] {
  if (depth > maxDepth) throw malformed(`${what}: nesting deeper than ${maxDepth}`);
  const out: Node[] = [];
  let offset = start;
  // Bound: each iteration consumes at least two bytes.
  while (offset < end) {
    if (--budget.nodes < 0) throw malformed(`${what}: too many DER elements`);
    if (end - offset < 2) throw malformed(`${what}: truncated TLV`);
    const tlvStart = offset;
    const identifier = bytes[offset]!;
    offset += 1;
    const constructed = (identifier & 0x20) !== 0;
    const cls = identifier >> 6;
    let number = identifier & 0x1f;
    if (number === 0x1f) {
      number = 0;
      for (let i = 0; ; i++) {
        if (offset >= end || i > 3) throw malformed(`${what}: bad high tag number`);
        const b = bytes[offset]!;
        offset += 1;
        if (i === 0 && b === 0x80) throw malformed(`${what}: non-minimal tag number`);
        number = (number << 7) | (b & 0x7f);
        if ((b & 0x80) === 0) break;
      }
      if (number < 0x1f) throw malformed(`${what}: non-minimal tag number`);
    }
    if (offset >= end) throw malformed(`${what}: truncated length`);
    const lengthByte = bytes[offset]!;
    offset += 1;
    let length = lengthByte;
    if (lengthByte === 0x80) throw malformed(`${what}: indefinite length is not DER`);
    if (lengthByte > 0x80) {
      const count = lengthByte & 0x7f;
      if (count > 4 || offset + count > end) throw malformed(`${what}: bad length`);
      if (bytes[offset] === 0) throw malformed(`${what}: non-minimal length`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + i]!;
      offset += count;
      if (length < 0x80) throw malformed(`${what}: non-minimal length`);
    }
    if (length > end - offset) throw malformed(`${what}: length exceeds its container`);
    const contentEnd = offset + length;
    let children: Node[] = [];
    if (constructed) {
      if (cls === 0 && number !== tag.sequence && number !== tag.set) {
        // X.690 10.2: strings and other primitives use the primitive form in DER.
        throw malformed(`${what}: constructed encoding of universal tag ${number}`);
      }
      children = readNodes(bytes, offset, contentEnd, depth + 1, what, budget);
    } else if (cls === 0) {
      checkPrimitive(bytes, offset, length, number, what);
    }
    out.push({
      cls,
      tag: number,
      constructed,
      raw: bytes.subarray(tlvStart, contentEnd),
      content: bytes.subarray(offset, contentEnd),
      children,
    });
    offset = contentEnd;
  }
  return out;
}

function checkPrimitive(
  bytes: Uint8Array,
  offset: number,
  length: number,
  number: number,
  what: string,
): void {
  switch (number) {
    case tag.boolean:
      // X.690 11.1: TRUE is 0xFF.
      if (length !== 1 || (bytes[offset] !== 0 && bytes[offset] !== 0xff)) {
        throw malformed(`${what}: BOOLEAN is not DER`);
      }
      break;
    case tag.integer:
    case tag.enumerated:
      if (length === 0) throw malformed(`${what}: empty INTEGER`);
      if (
        length > 1 &&
        ((bytes[offset] === 0 && (bytes[offset + 1]! & 0x80) === 0) ||
          (bytes[offset] === 0xff && (bytes[offset + 1]! & 0x80) !== 0))
      ) {
        throw malformed(`${what}: INTEGER is not minimally encoded`);
      }
      break;
    case tag.null:
      if (length !== 0) throw malformed(`${what}: NULL with contents`);
      break;
    case tag.bitString: {
      if (length === 0) throw malformed(`${what}: empty BIT STRING`);
      const unused = bytes[offset]!;
      if (unused > 7 || (length === 1 && unused !== 0)) throw malformed(`${what}: bad BIT STRING`);
      // X.690 11.2.1: unused bits are zero.
      if (unused > 0 && (bytes[offset + length - 1]! & ((1 << unused) - 1)) !== 0) {
        throw malformed(`${what}: BIT STRING padding bits are not zero`);
      }
      break;
    }
    default:
      break;
  }
}

/** True when `node` has the given class and tag number. */
export function is(
  node: Node | undefined,
  number: number,
  cls: number = tagClass.universal,
): boolean {
  return node !== undefined && node.cls === cls && node.tag === number;
}

/** The children of a constructed node (SEQUENCE, SET, explicit context tag). */
export function children(node: Node, what: string): readonly Node[] {
  if (!node.constructed) throw malformed(`${what}: expected a constructed value`);
  return node.children;
}

/** The children of a SEQUENCE. */
export function sequence(node: Node | undefined, what: string): readonly Node[] {
  if (node === undefined || !is(node, tag.sequence))
    throw malformed(`${what}: expected a SEQUENCE`);
  return children(node, what);
}

/** The full TLV bytes of a node, as they appeared in the input. */
export function raw(node: Node): Uint8Array {
  return node.raw;
}

/** The content octets of a primitive node (whatever its tag). */
export function content(node: Node): Uint8Array {
  return node.content;
}

/** The dotted form of an OBJECT IDENTIFIER. */
export function oid(node: Node | undefined, what: string): string {
  if (node === undefined || !is(node, tag.oid))
    throw malformed(`${what}: expected an OBJECT IDENTIFIER`);
  // X.690 8.19: base-128 arcs, minimal (no 0x80 lead byte), the first octet packs two arcs.
  const bytes = node.content;
  if (bytes.length === 0 || (bytes[bytes.length - 1]! & 0x80) !== 0)
    throw malformed(`${what}: bad OBJECT IDENTIFIER`);
  const arcs: string[] = [];
  let value = 0;
  let first = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (value === 0 && b === 0x80) throw malformed(`${what}: non-minimal OBJECT IDENTIFIER arc`);
    if (value > 2 ** 45) throw malformed(`${what}: OBJECT IDENTIFIER arc too large`);
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    if (first) {
      const top = value < 40 ? 0 : value < 80 ? 1 : 2;
      arcs.push(String(top), String(value - top * 40));
      first = false;
    } else {
      arcs.push(String(value));
    }
    value = 0;
  }
  return arcs.join('.');
}

/** The content octets of an INTEGER (two's complement, minimal). */
export function integer(node: Node | undefined, what: string): Uint8Array {
  if (node === undefined || !is(node, tag.integer)) throw malformed(`${what}: expected an INTEGER`);
  return content(node);
}

/** A small non-negative INTEGER as a number. */
export function smallInteger(node: Node | undefined, what: string): number {
  const bytes = integer(node, what);
  if (bytes.length > 4 || (bytes[0]! & 0x80) !== 0)
    throw malformed(`${what}: INTEGER out of range`);
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  return value;
}

/** A BOOLEAN's value. */
export function boolean(node: Node | undefined, what: string): boolean {
  if (node === undefined || !is(node, tag.boolean)) throw malformed(`${what}: expected a BOOLEAN`);
  return content(node)[0] === 0xff;
}

/** An OCTET STRING's content. */
export function octetString(node: Node | undefined, what: string): Uint8Array {
  if (node === undefined || !is(node, tag.octetString))
    throw malformed(`${what}: expected an OCTET STRING`);
  return content(node);
}

/** A BIT STRING as its bytes (after the unused-bits octet) and the unused bit count. */
export function bitString(
  node: Node | undefined,
  what: string,
): { bytes: Uint8Array; unusedBits: number } {
  if (node === undefined || !is(node, tag.bitString))
    throw malformed(`${what}: expected a BIT STRING`);
  const c = content(node);
  return { bytes: c.subarray(1), unusedBits: c[0]! };
}

/** Byte-wise equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Decodes ASCII-only bytes (IA5String, PrintableString); null when a byte is not ASCII. */
export function ascii(bytes: Uint8Array): string | null {
  let out = '';
  for (const b of bytes) {
    if (b > 0x7e || b < 0x20) return null;
    out += String.fromCharCode(b);
  }
  return out;
}
