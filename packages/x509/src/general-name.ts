import { ascii, children, content, is, type Node, oid, sequence, tagClass } from './der.js';
import { malformed } from './errors.js';
import { type Name, parseName } from './name.js';

/**
 * A GeneralName (RFC 5280 section 4.2.1.6). The kinds this package evaluates are decoded;
 * otherName, x400Address, ediPartyName and registeredID keep only their tag so name
 * constraints of those kinds can still be recognised and refused.
 */
export type GeneralName =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array }
  | { readonly kind: 'dn'; readonly name: Name }
  | { readonly kind: 'other'; readonly tag: number };

/** Context tags of the GeneralName CHOICE. */
const generalNameTag = {
  otherName: 0,
  rfc822Name: 1,
  dNSName: 2,
  directoryName: 4,
  uri: 6,
  iPAddress: 7,
} as const;

function ia5(node: Node, what: string): string {
  if (node.constructed) throw malformed(`${what}: IA5String in constructed form`);
  // RFC 5280 7.2: IA5String is ASCII; internationalised names go in as A-labels.
  const text = ascii(content(node));
  if (text === null) throw malformed(`${what}: non-ASCII byte in an IA5String name`);
  return text;
}

/** Parses one GeneralName. */
export function parseGeneralName(node: Node, what: string): GeneralName {
  if (node.cls !== tagClass.context) throw malformed(`${what}: GeneralName is not context-tagged`);
  const number = node.tag;
  switch (number) {
    case generalNameTag.rfc822Name:
      return { kind: 'email', value: ia5(node, what) };
    case generalNameTag.dNSName:
      return { kind: 'dns', value: ia5(node, what) };
    case generalNameTag.uri:
      return { kind: 'uri', value: ia5(node, what) };
    case generalNameTag.iPAddress:
      if (node.constructed) throw malformed(`${what}: iPAddress in constructed form`);
      return { kind: 'ip', bytes: content(node) };
    case generalNameTag.directoryName: {
      // [4] is EXPLICIT because Name is a CHOICE (X.680 31.2.7).
      const inner = children(node, what);
      if (inner.length !== 1) throw malformed(`${what}: bad directoryName`);
      return { kind: 'dn', name: parseName(inner[0], what) };
    }
    case generalNameTag.otherName: {
      const parts = children(node, what);
      oid(parts[0], `${what} otherName type-id`);
      if (parts.length !== 2 || !is(parts[1], 0, tagClass.context))
        throw malformed(`${what}: bad otherName`);
      return { kind: 'other', tag: number };
    }
    case 3:
    case 5:
    case 8:
      return { kind: 'other', tag: number };
    default:
      throw malformed(`${what}: unknown GeneralName tag [${number}]`);
  }
}

/** Parses GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
export function parseGeneralNames(node: Node | undefined, what: string): GeneralName[] {
  const items = sequence(node, what);
  if (items.length === 0) throw malformed(`${what}: GeneralNames must not be empty`);
  return items.map((item) => parseGeneralName(item, what));
}

const labelPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * True for a DNS name in the preferred name syntax (RFC 5280 4.2.1.6, RFC 1034 3.5): LDH
 * labels of 1..63 characters, 253 characters at most, no empty label. With `wildcard`, the
 * left-most label may be exactly `*` (the only form CA/B Forum BR 3.2.2.6 allows).
 */
export function isValidDnsName(name: string, wildcard: boolean): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (i === 0 && wildcard && label === '*' && labels.length > 1) continue;
    if (!labelPattern.test(label)) return false;
  }
  return true;
}

/** True for `local@domain` with exactly one `@`, a non-empty local part and a valid domain. */
export function isValidMailbox(value: string): boolean {
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return false;
  return isValidDnsName(value.slice(at + 1), false);
}

/** The text form of an IP address: dotted quad, or RFC 5952 compressed lower-case IPv6. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 4.2.3: compress the longest run of two or more zero groups, the first on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Parses a textual IPv4 (strict dotted decimal) or IPv6 address; null when it is not one. */
export function parseIp(text: string): Uint8Array | null {
  if (text.includes(':'))
    return parseIpv6(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text);
  return parseIpv4(text);
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    // No leading zeros, no hex, no octal: one canonical spelling per address.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    out[i] = value;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | null {
  if (text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === null) return null;
        groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(item)) return null;
        groups.push(Number.parseInt(item, 16));
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [
    ...head,
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...tail,
  ];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}
