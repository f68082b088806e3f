/**
 * Comparison of secret-dependent values (Finished verify_data, PSK binders) whose running time
 * does not depend on where the first differing byte is. An early-exit comparison would let a
 * peer learn a valid MAC byte by byte from timing (RFC 8446 section 4.4.4 and 4.2.11: the values
 * are MACs over the transcript).
 */

/**
 * True when `a` and `b` hold the same bytes. Time depends only on the lengths, never on the
 * contents; lengths are public (they follow from the cipher suite), so unequal lengths return
 * false at once.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
