import { ascii, children, content, is, type Node, oid, raw, sequence, tag, toHex } from './der.js';
import { malformed } from './errors.js';
import { oids } from './oids.js';

/** One AttributeTypeAndValue of a distinguished name. */
export interface Attribute {
  /** Dotted OID of the attribute type, e.g. `2.5.4.3` for commonName. */
  readonly type: string;
  /** The value as text when it is a directory string type, otherwise null. */
  readonly text: string | null;
  /** The comparison form (RFC 5280 section 7.1): case-folded, whitespace-collapsed text, or hex. */
  readonly normalized: string;
}

/** A distinguished name (RDNSequence). */
export interface Name {
  /** The DER of the Name as it appeared in the certificate. */
  readonly der: Uint8Array;
  /** Relative distinguished names, most significant first. */
  readonly rdns: readonly (readonly Attribute[])[];
  /** A string that is equal for two names exactly when they match under RFC 5280 section 7.1. */
  readonly key: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(node: Node): string | null {
  const bytes = content(node);
  const number = node.cls === 0 ? node.tag : -1;
  try {
    switch (number) {
      case tag.utf8String:
        return utf8.decode(bytes);
      case tag.printableString:
      case tag.ia5String:
        return ascii(bytes);
      case tag.teletexString: {
        // Treated as Latin-1, as every other implementation does (RFC 5280 4.1.2.4 deprecates it).
        let out = '';
        for (const b of bytes) out += String.fromCharCode(b);
        return out;
      }
      case tag.bmpString: {
        if (bytes.length % 2 !== 0) return null;
        let out = '';
        for (let i = 0; i < bytes.length; i += 2)
          out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
        return out;
      }
      case tag.universalString: {
        if (bytes.length % 4 !== 0) return null;
        let out = '';
        for (let i = 0; i < bytes.length; i += 4) {
          const cp =
            ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>>
            0;
          if (cp > 0x10ffff) return null;
          out += String.fromCodePoint(cp);
        }
        return out;
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** Parses a Name (RFC 5280 section 4.1.2.4). */
export function parseName(node: Node | undefined, what: string): Name {
  const rdnNodes = sequence(node, what);
  const rdns: Attribute[][] = [];
  const keys: string[] = [];
  for (const rdnNode of rdnNodes) {
    if (!is(rdnNode, tag.set)) throw malformed(`${what}: RDN is not a SET`);
    const atvs = children(rdnNode, what);
    // RFC 5280 4.1.2.4: RelativeDistinguishedName ::= SET SIZE (1..MAX)
    if (atvs.length === 0) throw malformed(`${what}: empty RDN`);
    const rdn: Attribute[] = [];
    for (const atvNode of atvs) {
      const [typeNode, valueNode, ...rest] = sequence(atvNode, what);
      if (valueNode === undefined || rest.length > 0)
        throw malformed(`${what}: bad AttributeTypeAndValue`);
      const type = oid(typeNode, what);
      const text = decodeText(valueNode);
      const normalized =
        text === null
          ? `#${toHex(raw(valueNode))}`
          : text.trim().replace(/\s+/g, ' ').toLowerCase();
      rdn.push({ type, text, normalized });
    }
    rdns.push(rdn);
    keys.push(rdnKey(rdn));
  }
  return { der: raw(node!), rdns, key: JSON.stringify(keys) };
}

function rdnKey(rdn: readonly Attribute[]): string {
  // A multi-valued RDN is a SET: order does not matter for comparison.
  return rdn
    .map((a) => `${a.type}=${JSON.stringify(a.normalized)}`)
    .sort()
    .join('+');
}

/** True when `prefix` is the leading part of `name` (a directoryName subtree, RFC 5280 4.2.1.10). */
export function nameWithinSubtree(name: Name, prefix: Name): boolean {
  if (prefix.rdns.length > name.rdns.length) return false;
  for (let i = 0; i < prefix.rdns.length; i++) {
    if (rdnKey(prefix.rdns[i]!) !== rdnKey(name.rdns[i]!)) return false;
  }
  return true;
}

/** The text values of every attribute of the given type (commonName, emailAddress, ...). */
export function attributeValues(name: Name, type: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.type === type) out.push(a.text);
  return out;
}

/** A readable one-line form for error messages, e.g. `CN=example.com, O=Example`. */
export function formatName(name: Name): string {
  const short: Record<string, string> = {
    [oids.commonName]: 'CN',
    '2.5.4.10': 'O',
    '2.5.4.11': 'OU',
    '2.5.4.6': 'C',
    '2.5.4.7': 'L',
    '2.5.4.8': 'ST',
  };
  return name.rdns
    .map((rdn) => rdn.map((a) => `${short[a.type] ?? a.type}=${a.text ?? '#'}`).join('+'))
    .join(', ');
}
