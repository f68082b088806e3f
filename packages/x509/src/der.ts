import * as asn1js from 'asn1js';
import { malformed } from './errors.js';

/**
 * A DER node: asn1js does the decoding, this module adds what asn1js (a BER decoder) does not
 * check. X.509 signatures cover the exact DER bytes (RFC 5280 section 4.1.1.3), so a
 * certificate that is only valid BER is rejected rather than silently re-interpreted.
 */
export type Node = asn1js.AsnType;

/** asn1js tag classes. */
export const tagClass = { universal: 1, context: 3 } as const;

/** Universal tag numbers used by X.509. */
export const tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
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
 * encodings (indefinite or non-minimal lengths, non-canonical BOOLEAN/INTEGER, constructed
 * strings), trailing bytes, and anything asn1js cannot decode.
 */
export function decodeDer(bytes: Uint8Array, what: string): Node {
  checkDer(bytes, 0, bytes.length, 0, what);
  const decoded = asn1js.fromBER(bytes);
  if (decoded.offset !== bytes.length || decoded.result.error !== '') {
    throw malformed(`${what}: not valid DER (${decoded.result.error || 'trailing bytes'})`);
  }
  return decoded.result;
}

/** Walks the TLVs of bytes[start, end) and enforces the DER rules of X.690 section 10/11. */
function checkDer(
  bytes: Uint8Array,
  start: number,
  end: number,
  depth: number,
  what: string,
): void {
  if (depth > maxDepth) throw malformed(`${what}: nesting deeper than ${maxDepth}`);
  let offset = start;
  // Bound: each iteration consumes at least two bytes.
  while (offset < end) {
    if (end - offset < 2) throw malformed(`${what}: truncated TLV`);
    const identifier = bytes[offset]!;
    offset += 1;
    const constructed = (identifier & 0x20) !== 0;
    const cls = identifier >> 6;
    let number = identifier & 0x1f;
    if (number === 0x1f) {
      number = 0;
      let first = true;
      for (let i = 0; ; i++) {
        if (offset >= end || i > 3) throw malformed(`${what}: bad high tag number`);
        const b = bytes[offset]!;
        offset += 1;
        if (first && b === 0x80) throw malformed(`${what}: non-minimal tag number`);
        first = false;
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
    if (constructed) {
      if (cls === 0 && number !== tag.sequence && number !== tag.set) {
        // X.690 10.2: strings and other primitives use the primitive form in DER.
        throw malformed(`${what}: constructed encoding of universal tag ${number}`);
      }
      checkDer(bytes, offset, contentEnd, depth + 1, what);
    } else if (cls === 0) {
      checkPrimitive(bytes, offset, length, number, what);
    }
    offset = contentEnd;
  }
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
  return node !== undefined && node.idBlock.tagClass === cls && node.idBlock.tagNumber === number;
}

/** The children of a constructed node (SEQUENCE, SET, explicit context tag). */
export function children(node: Node, what: string): Node[] {
  if (!node.idBlock.isConstructed) throw malformed(`${what}: expected a constructed value`);
  return (node as asn1js.Constructed).valueBlock.value;
}

/** The children of a SEQUENCE. */
export function sequence(node: Node | undefined, what: string): Node[] {
  if (node === undefined || !is(node, tag.sequence))
    throw malformed(`${what}: expected a SEQUENCE`);
  return children(node, what);
}

/** The full TLV bytes of a node, as they appeared in the input. */
export function raw(node: Node): Uint8Array {
  return node.valueBeforeDecodeView;
}

/** The content octets of a primitive node (whatever its tag). */
export function content(node: Node): Uint8Array {
  const tlv = node.valueBeforeDecodeView;
  return tlv.subarray(node.idBlock.blockLength + node.lenBlock.blockLength);
}

/** The dotted form of an OBJECT IDENTIFIER. */
export function oid(node: Node | undefined, what: string): string {
  if (node === undefined || !is(node, tag.oid))
    throw malformed(`${what}: expected an OBJECT IDENTIFIER`);
  const value = (node as asn1js.ObjectIdentifier).getValue();
  if (value === '') throw malformed(`${what}: bad OBJECT IDENTIFIER`);
  return value;
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
