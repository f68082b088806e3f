/** Small byte helpers for building HKDF and PRF inputs. */

const encoder = new TextEncoder();

/** ASCII/UTF-8 bytes of a label. TLS labels are ASCII (RFC 8446 section 7.1, RFC 5246 section 5). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Throws a caller error unless `value` is a Uint8Array; `what` names the argument. */
export function checkBytes(
  what: string,
  value: unknown,
  length?: number,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a Uint8Array`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${value.length}`);
  }
}

/** Throws a caller error unless `value` is an integer in [min, max]. */
export function checkLength(what: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
