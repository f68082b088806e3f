/**
 * Which code point tables are keyed by IANA spellings already. `nameOf` converts camelCase keys
 * (`clientHello` -> `client_hello`) but must print `brainpoolP256r1` as it is. The IANA tables
 * mark themselves here, so that a program that never imports them does not carry them.
 */
const ianaSpelled = new WeakSet<object>();

/** Marks `table` as keyed by IANA spellings. */
export function markIanaSpelled(table: Readonly<Record<string, number>>): void {
  ianaSpelled.add(table);
}

/** True when `table` was marked with {@link markIanaSpelled}. */
export function isIanaSpelled(table: Readonly<Record<string, number>>): boolean {
  return ianaSpelled.has(table);
}
