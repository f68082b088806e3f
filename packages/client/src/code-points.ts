/** Options name groups and suites as IANA names (as openssl and node do) or as code points. */
import { CipherSuite, NamedGroup } from '@tlskit/wire';

function lookup(
  table: Readonly<Record<string, number>>,
  what: string,
  value: string | number,
): number {
  if (typeof value === 'number') return value;
  const code =
    table[value] ??
    table[Object.keys(table).find((k) => k.toLowerCase() === value.toLowerCase()) ?? ''];
  if (code === undefined)
    throw new TypeError(
      `unknown ${what} "${value}"; use an IANA name such as ${Object.keys(table)[0]}`,
    );
  return code;
}

/** A NamedGroup code point from `x25519`, `secp256r1`, `X25519MLKEM768` or a number. */
export function groupCode(value: string | number): number {
  return lookup(NamedGroup, 'named group', value);
}

/** A CipherSuite code point from its IANA name or a number. */
export function cipherSuiteCode(value: string | number): number {
  return lookup(CipherSuite, 'cipher suite', value);
}
