/**
 * BoringSSL's cipher rule strings (-cipher, SSL_CTX_set_strict_cipher_list), evaluated over
 * BoringSSL's own TLS 1.2 suite table so that a rule selects and orders what it selects in
 * BoringSSL, then mapped onto tlskit's `cipherSuites` (what tlskit implements of it).
 *
 * The syntax (OpenSSL's, as BoringSSL narrows it): rules separated by ':' (strict mode); a rule
 * is a suite name (IANA or OpenSSL style) or aliases joined by '+' (all must match), after an
 * optional operator: none adds, '-' deletes (may be added again), '!' kills (never again), '+'
 * moves to the end, '@STRENGTH' sorts by key strength. `[A|B|C]` adds an equal-preference
 * group: a server picks among its members by the client's order. A rule starting with DEFAULT
 * starts from the default list ("ALL"). Adding by alias skips deprecated suites (3DES, the
 * CBC-SHA256 ones) unless an alias names them. TLS 1.3 suites are not configured by rules.
 */

import { CIPHER_SUITES } from '@tlskit/crypto';
import { Unsupported } from './unsupported.js';

// Attribute bits (one per value), so that an alias is a mask per attribute.
const kRSA = 1;
const kECDHE = 2;
const kPSK = 4;
const aRSAdecrypt = 1;
const aRSAsign = 2;
const aECDSA = 4;
const aPSK = 8;
const e3DES = 1;
const eAES128 = 2;
const eAES256 = 4;
const eAES128GCM = 8;
const eAES256GCM = 16;
const eCHACHA = 32;
const mSHA1 = 1;
const mSHA256 = 2;
const mAEAD = 4;
const all = 0xffff;

interface Suite {
  readonly code: number;
  readonly name: string;
  readonly openssl: string;
  readonly kx: number;
  readonly auth: number;
  readonly enc: number;
  readonly mac: number;
  /** The version that introduced it: 0x0301 for suites with the default PRF, else 0x0303. */
  readonly minVersion: number;
}

function suite(
  code: number,
  name: string,
  openssl: string,
  kx: number,
  auth: number,
  enc: number,
  mac: number,
  tls12Prf: boolean,
): Suite {
  return { code, name, openssl, kx, auth, enc, mac, minVersion: tls12Prf ? 0x0303 : 0x0301 };
}

/** BoringSSL's TLS 1.2 suites in its initial order (with AES hardware: AES-GCM first). */
// biome-ignore format: one suite per line reads as a table
const suites: readonly Suite[] = [
  suite(0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', kECDHE, aECDSA, eAES128GCM, mAEAD, true),
  suite(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', kECDHE, aRSAsign, eAES128GCM, mAEAD, true),
  suite(0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384', kECDHE, aECDSA, eAES256GCM, mAEAD, true),
  suite(0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', kECDHE, aRSAsign, eAES256GCM, mAEAD, true),
  suite(0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305', kECDHE, aECDSA, eCHACHA, mAEAD, true),
  suite(0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305', kECDHE, aRSAsign, eCHACHA, mAEAD, true),
  suite(0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-PSK-CHACHA20-POLY1305', kECDHE, aPSK, eCHACHA, mAEAD, true),
  suite(0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA', kECDHE, aECDSA, eAES128, mSHA1, false),
  suite(0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA', kECDHE, aRSAsign, eAES128, mSHA1, false),
  suite(0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA', 'ECDHE-PSK-AES128-CBC-SHA', kECDHE, aPSK, eAES128, mSHA1, false),
  suite(0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA', kECDHE, aECDSA, eAES256, mSHA1, false),
  suite(0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA', kECDHE, aRSAsign, eAES256, mSHA1, false),
  suite(0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA', 'ECDHE-PSK-AES256-CBC-SHA', kECDHE, aPSK, eAES256, mSHA1, false),
  suite(0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256', kECDHE, aECDSA, eAES128, mSHA256, true),
  suite(0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256', kECDHE, aRSAsign, eAES128, mSHA256, true),
  suite(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256', kRSA, aRSAdecrypt, eAES128GCM, mAEAD, true),
  suite(0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384', kRSA, aRSAdecrypt, eAES256GCM, mAEAD, true),
  suite(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA', kRSA, aRSAdecrypt, eAES128, mSHA1, false),
  suite(0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA', 'PSK-AES128-CBC-SHA', kPSK, aPSK, eAES128, mSHA1, false),
  suite(0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA', kRSA, aRSAdecrypt, eAES256, mSHA1, false),
  suite(0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA', 'PSK-AES256-CBC-SHA', kPSK, aPSK, eAES256, mSHA1, false),
  suite(0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA', kRSA, aRSAdecrypt, e3DES, mSHA1, false),
];

/** TLS 1.3 suites: known names that no rule configures. */
const tls13Names = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

function deprecated(s: Suite): boolean {
  return s.code === 0xc023 || s.code === 0xc027 || s.enc === e3DES;
}

function strength(s: Suite): number {
  if (s.enc === e3DES) return 112;
  return s.enc === eAES128 || s.enc === eAES128GCM ? 128 : 256;
}

interface Alias {
  readonly kx: number;
  readonly auth: number;
  readonly enc: number;
  readonly mac: number;
  readonly minVersion: number;
  readonly includeDeprecated: boolean;
}

function alias(
  kx: number,
  auth: number,
  enc: number,
  mac: number,
  extra: Partial<Alias> = {},
): Alias {
  return { kx, auth, enc, mac, minVersion: 0, includeDeprecated: false, ...extra };
}

const aliases: Readonly<Record<string, Alias>> = {
  ALL: alias(all, all, all, all),
  kRSA: alias(kRSA, all, all, all),
  kECDHE: alias(kECDHE, all, all, all),
  kEECDH: alias(kECDHE, all, all, all),
  ECDH: alias(kECDHE, all, all, all),
  kPSK: alias(kPSK, all, all, all),
  aRSA: alias(all, aRSAsign | aRSAdecrypt, all, all),
  aECDSA: alias(all, aECDSA, all, all),
  ECDSA: alias(all, aECDSA, all, all),
  aPSK: alias(all, aPSK, all, all),
  ECDHE: alias(kECDHE, all, all, all),
  EECDH: alias(kECDHE, all, all, all),
  RSA: alias(kRSA, aRSAsign | aRSAdecrypt, all, all),
  PSK: alias(kPSK, aPSK, all, all),
  '3DES': alias(all, all, e3DES, all, { includeDeprecated: true }),
  AES128: alias(all, all, eAES128 | eAES128GCM, all),
  AES256: alias(all, all, eAES256 | eAES256GCM, all),
  AES: alias(all, all, eAES128 | eAES256 | eAES128GCM | eAES256GCM, all),
  AESGCM: alias(all, all, eAES128GCM | eAES256GCM, all),
  CHACHA20: alias(all, all, eCHACHA, all),
  SHA1: alias(all, all, all, mSHA1),
  SHA: alias(all, all, all, mSHA1),
  SSLv3: alias(all, all, all, all, { minVersion: 0x0301 }),
  TLSv1: alias(all, all, all, all, { minVersion: 0x0301 }),
  'TLSv1.2': alias(all, all, all, all, { minVersion: 0x0303 }),
  HIGH: alias(all, all, all, all),
  FIPS: alias(all, all, all, all),
};

/** A cipher rule BoringSSL's strict parser refuses (SSL_CTX_set_strict_cipher_list fails). */
export class CipherRuleError extends Error {
  override name = 'CipherRuleError';
}

/** The outcome of a rule: the suites in order, equal-preference groups kept together. */
export interface Preference {
  /** Groups in preference order; a suite alone is a group of one. Never empty. */
  readonly groups: readonly (readonly number[])[];
  /** Whether any group has more than one suite. */
  readonly hasGroups: boolean;
}

interface Entry {
  readonly suite: Suite;
  active: boolean;
  inGroup: boolean;
}

type Operator = 'add' | 'delete' | 'kill' | 'order' | 'special';

/** What one rule selects: one suite, or the suites every alias of a '+' chain matches. */
type Selector = { readonly code: number } | { readonly alias: Alias } | undefined;

function matches(selector: NonNullable<Selector>, s: Suite): boolean {
  if ('code' in selector) return selector.code === s.code;
  const a = selector.alias;
  return (
    (a.kx & s.kx) !== 0 &&
    (a.auth & s.auth) !== 0 &&
    (a.enc & s.enc) !== 0 &&
    (a.mac & s.mac) !== 0 &&
    (a.minVersion === 0 || a.minVersion === s.minVersion) &&
    (a.includeDeprecated || !deprecated(s))
  );
}

function apply(
  list: Entry[],
  selector: NonNullable<Selector>,
  op: Operator,
  inGroup: boolean,
): Entry[] {
  if (op === 'kill') return list.filter((e) => !matches(selector, e.suite));
  if (op === 'delete') {
    // In reverse, each moved to the front: the deleted keep their order, ahead of the rest.
    let out = list;
    for (const e of [...list].reverse()) {
      if (!e.active || !matches(selector, e.suite)) continue;
      e.active = false;
      e.inGroup = false;
      out = [e, ...out.filter((x) => x !== e)];
    }
    return out;
  }
  let out = list;
  for (const e of list) {
    if (!matches(selector, e.suite)) continue;
    if (op === 'add' && !e.active) {
      e.active = true;
      e.inGroup = inGroup;
    } else if (op === 'order' && e.active) {
      e.inGroup = false;
    } else {
      continue;
    }
    out = [...out.filter((x) => x !== e), e];
  }
  return out;
}

function sortByStrength(list: Entry[]): Entry[] {
  let out = list;
  const bits = [...new Set(list.filter((e) => e.active).map((e) => strength(e.suite)))];
  for (const b of bits.sort((x, y) => y - x)) {
    for (const e of [...out]) {
      if (e.active && strength(e.suite) === b) {
        e.inGroup = false;
        out = [...out.filter((x) => x !== e), e];
      }
    }
  }
  return out;
}

const word = /^[A-Za-z0-9._-]+/;

/** One rule's selector from `text` at `at`; returns it and where the rule ended. */
function readSelector(text: string, at: number, op: Operator): { selector: Selector; end: number } {
  let kx = all;
  let auth = all;
  let enc = all;
  let mac = all;
  let minVersion = 0;
  let includeDeprecated = op !== 'add';
  let skip = false;
  let multi = false;
  for (let i = at; ; ) {
    const name = word.exec(text.slice(i))?.[0];
    if (name === undefined) throw new CipherRuleError(`invalid command at ${i} in "${text}"`);
    i += name.length;
    if (op === 'special') {
      if (name !== 'STRENGTH') throw new CipherRuleError(`unknown special command @${name}`);
      return { selector: undefined, end: i };
    }
    if (!multi && text[i] !== '+') {
      const exact = suites.find((s) => s.name === name || s.openssl === name);
      if (exact !== undefined) return { selector: { code: exact.code }, end: i };
      if (tls13Names.has(name)) return { selector: undefined, end: i };
    }
    const found = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
    if (found === undefined) throw new CipherRuleError(`unknown cipher or alias "${name}"`);
    kx &= found.kx;
    auth &= found.auth;
    enc &= found.enc;
    mac &= found.mac;
    includeDeprecated ||= found.includeDeprecated;
    if (minVersion !== 0 && minVersion !== found.minVersion) skip = true;
    else minVersion = found.minVersion;
    if (text[i] !== '+') {
      const nothing = minVersion === 0 && (kx === 0 || auth === 0 || enc === 0 || mac === 0);
      return {
        selector:
          skip || nothing
            ? undefined
            : { alias: { kx, auth, enc, mac, minVersion, includeDeprecated } },
        end: i,
      };
    }
    i++;
    multi = true;
  }
}

/**
 * Evaluates `rule` as BoringSSL's strict parser does.
 * @throws CipherRuleError where BoringSSL refuses the rule (unknown name, bad syntax, mixing
 * operators with groups, or a rule that selects nothing).
 */
export function parseCipherRule(rule: string): Preference {
  let list: Entry[] = suites.map((s) => ({ suite: s, active: false, inGroup: false }));
  let text = rule;
  if (text.startsWith('DEFAULT')) {
    list = apply(list, { alias: aliases.ALL! }, 'add', false);
    text = text.slice('DEFAULT'.length);
    if (text.startsWith(':')) text = text.slice(1);
  }
  let inGroup = false;
  let hasGroup = false;
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    let op: Operator = 'add';
    if (inGroup) {
      if (ch === ']') {
        const last = list.findLast((e) => e.active);
        if (last !== undefined) last.inGroup = false;
        inGroup = false;
        i++;
        continue;
      }
      if (ch === '|') {
        i++;
        continue;
      }
      if (!/[A-Za-z0-9]/.test(ch)) throw new CipherRuleError(`unexpected operator in group: ${ch}`);
    } else if (ch === '-' || ch === '+' || ch === '!' || ch === '@') {
      op = ch === '-' ? 'delete' : ch === '+' ? 'order' : ch === '!' ? 'kill' : 'special';
      i++;
    } else if (ch === '[') {
      inGroup = true;
      hasGroup = true;
      i++;
      continue;
    }
    if (hasGroup && op !== 'add') {
      throw new CipherRuleError('operators other than adding cannot be mixed with groups');
    }
    if (ch === ':') {
      i++;
      continue;
    }
    const { selector, end } = readSelector(text, i, op);
    i = end;
    if (op === 'special') list = sortByStrength(list);
    else if (selector !== undefined) list = apply(list, selector, op, inGroup);
  }
  if (inGroup) throw new CipherRuleError('unterminated group');
  const active = list.filter((e) => e.active);
  if (active.length === 0) throw new CipherRuleError(`"${rule}" selects no cipher suite`);
  const groups: number[][] = [];
  let open = false;
  for (const e of active) {
    if (open) groups[groups.length - 1]!.push(e.suite.code);
    else groups.push([e.suite.code]);
    open = e.inGroup;
  }
  return { groups, hasGroups: groups.some((g) => g.length > 1) };
}

/** The suites in preference order that `keep` accepts (groups flattened in their own order). */
export function flatten(preference: Preference, keep: (code: number) => boolean): number[] {
  return preference.groups.flat().filter(keep);
}

/**
 * The order a server with these groups chooses in for this client (SSLCipherPreferenceList::
 * ChooseCipher): group by group, and within a group the suites the client prefers first; what
 * the client did not offer keeps its place at the end of its group.
 */
export function orderForClient(
  preference: Preference,
  offered: readonly number[],
  keep: (code: number) => boolean,
): number[] {
  const rank = (code: number): number => {
    const index = offered.indexOf(code);
    return index < 0 ? offered.length : index;
  };
  return preference.groups.flatMap((group) => group.filter(keep).sort((a, b) => rank(a) - rank(b)));
}

/** The TLS 1.2 suites tlskit implements. */
const tlskit12 = new Set<number>(
  CIPHER_SUITES.filter((info) => info.version === 'TLS1.2').map((info) => info.code),
);
/** The TLS 1.3 suites, in tlskit's order: no rule configures them. */
const tlskit13: number[] = CIPHER_SUITES.filter((info) => info.version === 'TLS1.3').map(
  (info) => info.code,
);

/** Whether tlskit implements this TLS 1.2 suite. */
export function implemented12(code: number): boolean {
  return tlskit12.has(code);
}

/**
 * -cipher as tlskit options: the TLS 1.3 suites as they are, then the TLS 1.2 suites the rule
 * selects that tlskit implements, in its order. With groups, `preference` goes to the server's
 * ClientHello hook, which orders each group for the client (see orderForClient).
 * @throws Unsupported when the rule selects no TLS 1.2 suite tlskit implements.
 */
export function cipherOptions(rule: string | undefined): {
  cipherSuites?: number[];
  preference?: Preference;
} {
  if (rule === undefined) return {};
  const preference = parseCipherRule(rule);
  const tls12 = flatten(preference, implemented12);
  if (tls12.length === 0) {
    throw new Unsupported(`-cipher ${rule}: no TLS 1.2 suite tlskit implements`);
  }
  return { cipherSuites: [...tlskit13, ...tls12], preference };
}

/** A server's suites for one client: tlskit's TLS 1.3 suites, then the groups ordered for it. */
export function suitesForClient(preference: Preference, offered: readonly number[]): number[] {
  return [...tlskit13, ...orderForClient(preference, offered, implemented12)];
}
