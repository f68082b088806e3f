import type { Certificate, NameConstraints } from './certificate.js';
import { CertificateError } from './errors.js';
import { type GeneralName, isValidDnsName, isValidMailbox } from './general-name.js';
import { attributeValues, nameWithinSubtree } from './name.js';
import { oids } from './oids.js';

/** A shared countdown of name comparisons so that hostile constraint sets stay cheap. */
export interface Budget {
  remaining: number;
}

function violation(message: string): CertificateError {
  return new CertificateError('ERR_CERT_NAME_CONSTRAINTS', message);
}

/**
 * Checks that every subtree base is well formed for its kind (RFC 5280 4.2.1.10): DNS names
 * without wildcards or a leading dot, IP address/mask pairs with a contiguous mask, mail
 * constraints that are a mailbox, a host or a `.domain`.
 */
export function checkConstraintSyntax(constraints: NameConstraints): void {
  for (const base of [...constraints.permitted, ...constraints.excluded]) {
    switch (base.kind) {
      case 'dns':
        if (base.value !== '' && !isValidDnsName(base.value.toLowerCase(), false)) {
          throw violation(`malformed dNSName constraint ${JSON.stringify(base.value)}`);
        }
        break;
      case 'ip': {
        const half = base.bytes.length / 2;
        if (half !== 4 && half !== 16)
          throw violation('iPAddress constraint is not an address and mask');
        let seenZero = false;
        for (let i = 0; i < half * 8; i++) {
          const set = (base.bytes[half + (i >> 3)]! & (0x80 >> (i & 7))) !== 0;
          if (set && seenZero) throw violation('iPAddress constraint mask is not contiguous');
          if (!set) seenZero = true;
        }
        break;
      }
      case 'email': {
        const value = base.value;
        const ok = value.includes('@')
          ? isValidMailbox(value)
          : isValidDnsName((value.startsWith('.') ? value.slice(1) : value).toLowerCase(), false);
        if (!ok) throw violation(`malformed rfc822Name constraint ${JSON.stringify(value)}`);
        break;
      }
      default:
        break;
    }
  }
}

function dnsWithin(name: string, constraint: string): boolean {
  if (constraint === '') return true;
  return name === constraint || name.endsWith(`.${constraint}`);
}

/** A wildcard SAN `*.base` is permitted only if every name it can match is. */
function dnsPermitted(name: string, constraint: string): boolean {
  if (name.startsWith('*.')) return dnsWithin(name.slice(2), constraint);
  return dnsWithin(name, constraint);
}

/** A wildcard SAN `*.base` is excluded if any name it can match is (the CVE-2025-61727 rule). */
function dnsExcluded(name: string, constraint: string): boolean {
  if (!name.startsWith('*.')) return dnsWithin(name, constraint);
  const base = name.slice(2);
  if (dnsWithin(base, constraint)) return true;
  if (!constraint.endsWith(`.${base}`)) return false;
  return !constraint.slice(0, -(base.length + 1)).includes('.');
}

function ipWithin(address: Uint8Array, constraint: Uint8Array): boolean {
  if (constraint.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = constraint[address.length + i]!;
    if ((address[i]! & mask) !== (constraint[i]! & mask)) return false;
  }
  return true;
}

function emailWithin(mailbox: string, constraint: string): boolean {
  const at = mailbox.lastIndexOf('@');
  const host = mailbox.slice(at + 1).toLowerCase();
  if (constraint.includes('@')) {
    // A particular mailbox: the local part compares exactly, the host without case.
    const cAt = constraint.lastIndexOf('@');
    return (
      mailbox.slice(0, at) === constraint.slice(0, cAt) &&
      host === constraint.slice(cAt + 1).toLowerCase()
    );
  }
  const c = constraint.toLowerCase();
  // `.example.com` means any host below example.com; `example.com` means that host only.
  return c.startsWith('.') ? host.endsWith(c) : host === c;
}

function uriHost(uri: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#]*)/i.exec(uri);
  return match?.[1] ? match[1].toLowerCase() : null;
}

function uriWithin(uri: string, constraint: string): boolean {
  const host = uriHost(uri);
  if (host === null) return false;
  const c = constraint.toLowerCase();
  return c.startsWith('.') ? host.endsWith(c) : host === c;
}

function sameKind(name: GeneralName, base: GeneralName): boolean {
  if (name.kind !== base.kind) return false;
  return name.kind !== 'other' || (base.kind === 'other' && name.tag === base.tag);
}

function matches(name: GeneralName, base: GeneralName, excluded: boolean): boolean {
  switch (name.kind) {
    case 'dns': {
      const value = name.value.toLowerCase();
      const constraint = (base as { value: string }).value.toLowerCase();
      return excluded ? dnsExcluded(value, constraint) : dnsPermitted(value, constraint);
    }
    case 'ip':
      return ipWithin(name.bytes, (base as { bytes: Uint8Array }).bytes);
    case 'email':
      return emailWithin(name.value, (base as { value: string }).value);
    case 'uri':
      return uriWithin(name.value, (base as { value: string }).value);
    case 'dn':
      return nameWithinSubtree(name.name, (base as { name: typeof name.name }).name);
    case 'other':
      // RFC 5280 4.2.1.10: a name form that cannot be processed against a constraint of the
      // same form must make the check fail, whichever list the constraint is in.
      return excluded;
  }
}

/** The names of a certificate that name constraints apply to (RFC 5280 6.1.3 (b), (c)). */
function constrainedNames(certificate: Certificate): GeneralName[] {
  const names: GeneralName[] = [...(certificate.subjectAltNames ?? [])];
  if (certificate.subject.rdns.length > 0) names.push({ kind: 'dn', name: certificate.subject });
  // RFC 5280 4.2.1.10: rfc822Name constraints also apply to emailAddress in the subject.
  for (const email of attributeValues(certificate.subject, oids.emailAddress)) {
    if (email !== null) names.push({ kind: 'email', value: email });
  }
  return names;
}

/**
 * Throws ERR_CERT_NAME_CONSTRAINTS unless every name of `certificate` is inside the permitted
 * subtrees (per kind) and outside the excluded subtrees of `constraints`. Each comparison
 * costs one unit of `budget`; running out is ERR_CERT_WORK_LIMIT.
 */
export function checkNameConstraints(
  certificate: Certificate,
  constraints: NameConstraints,
  budget: Budget,
): void {
  const names = constrainedNames(certificate);
  budget.remaining -= names.length * (constraints.permitted.length + constraints.excluded.length);
  if (budget.remaining < 0) {
    throw new CertificateError(
      'ERR_CERT_WORK_LIMIT',
      'name constraint checking exceeded its work bound',
    );
  }
  for (const name of names) {
    let hasPermittedOfKind = false;
    let permitted = false;
    for (const base of constraints.permitted) {
      if (!sameKind(name, base)) continue;
      hasPermittedOfKind = true;
      if (matches(name, base, false) && name.kind !== 'other') {
        permitted = true;
        break;
      }
    }
    if (hasPermittedOfKind && !permitted)
      throw violation(`${describe(name)} is outside the permitted subtrees`);
    for (const base of constraints.excluded) {
      if (sameKind(name, base) && matches(name, base, true)) {
        throw violation(`${describe(name)} is in an excluded subtree`);
      }
    }
  }
}

function describe(name: GeneralName): string {
  switch (name.kind) {
    case 'dns':
    case 'email':
    case 'uri':
      return `${name.kind} name ${JSON.stringify(name.value)}`;
    case 'ip':
      return 'IP address';
    case 'dn':
      return 'directory name';
    case 'other':
      return `GeneralName [${name.tag}]`;
  }
}
