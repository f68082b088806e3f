/** Byte helpers shared by the codec, its tests and tools (hex dumps, fixtures). */

const HEX = '0123456789abcdef';

/** Lowercase hex of `bytes`, no separators. */
export function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/**
 * Bytes from hex text. Whitespace is ignored so that fixtures can be wrapped; anything else that
 * is not a hex digit, or an odd digit count, throws (this parses caller input, not peer input).
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    throw new Error('fromHex: expected an even number of hex digits (whitespace is ignored)');
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Byte-wise equality. Not constant time: use it on public values only. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
