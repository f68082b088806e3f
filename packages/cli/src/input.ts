/**
 * Reading TLS bytes from a file that holds either raw bytes (as a packet capture tool would
 * write them) or hex text (as in packages/wire/test/fixtures).
 */
import { fromHex } from '@tlskit/wire';

/** A file whose content is not usable as TLS bytes: reported with its `code`, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
  readonly code = 'ERR_INPUT';
}

/**
 * The TLS bytes in `content`. Hex text is recognised by its bytes: only hex digits and
 * whitespace. Raw TLS can never look like that, because a record starts with a content type
 * byte (20..24 for the defined types) that is neither a hex digit nor whitespace.
 */
export function tlsBytesFromFile(content: Uint8Array): Uint8Array {
  if (!isHexText(content)) {
    if (looksLikeText(content)) {
      const at = content.findIndex((byte) => !isHexDigit(byte) && !isWhitespace(byte));
      if (at === -1) throw new InputError('input holds only whitespace');
      throw new InputError(
        `input is text but not hex: ${JSON.stringify(String.fromCharCode(content[at]!))} at byte ${at}` +
          ' (only hex digits and whitespace are allowed)',
      );
    }
    return content;
  }
  try {
    return fromHex(new TextDecoder().decode(content));
  } catch {
    throw new InputError('hex input has an odd number of hex digits');
  }
}

function isHexText(content: Uint8Array): boolean {
  let digits = 0;
  for (const byte of content) {
    if (isHexDigit(byte)) digits++;
    else if (!isWhitespace(byte)) return false;
  }
  return digits > 0;
}

// Printable ASCII and whitespace only, and not starting with a record's content type byte
// (RFC 8446 section 5.1: 20..24), which is a control character: a typo'd hex file, not TLS.
function looksLikeText(content: Uint8Array): boolean {
  return (
    content.length > 0 &&
    content.every((byte) => (byte >= 0x20 && byte <= 0x7e) || isWhitespace(byte))
  );
}

function isHexDigit(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x46) ||
    (byte >= 0x61 && byte <= 0x66)
  );
}

// Space, tab, line feed, vertical tab, form feed, carriage return.
function isWhitespace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}
