import { spawnSync } from 'node:child_process';
import { createSecureContext } from 'node:tls';

/**
 * The same suites and groups under each peer's names, so one test table can drive every peer.
 * IANA names are the ones tlskit reports (RFC 8446 B.4, RFC 5289, RFC 7905, RFC 8422/8446 4.2.7).
 */

/** A cipher suite under each peer's name. */
export interface SuiteNames {
  /** IANA name: what tlskit and node's `getCipher().standardName` report. */
  readonly iana: string;
  readonly version: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL (s_server/s_client `-cipher` for 1.2, `-ciphersuites` for 1.3; curl `--ciphers`). */
  readonly openssl: string;
  /** GnuTLS priority items selecting it: key exchange (1.2 only) and cipher. */
  readonly gnutls: { readonly kx?: string; readonly cipher: string };
  /** Certificate key the suite needs (TLS 1.2), or any (TLS 1.3). */
  readonly certificate: 'ecdsa' | 'rsa' | 'any';
}

/** The TLS 1.3 suites (RFC 8446 B.4) tlskit implements. */
export const tls13Suites: readonly SuiteNames[] = [
  { iana: 'TLS_AES_128_GCM_SHA256', cipher: 'AES-128-GCM' },
  { iana: 'TLS_AES_256_GCM_SHA384', cipher: 'AES-256-GCM' },
  { iana: 'TLS_CHACHA20_POLY1305_SHA256', cipher: 'CHACHA20-POLY1305' },
].map(({ iana, cipher }) => ({
  iana,
  version: 'TLSv1.3',
  openssl: iana,
  gnutls: { cipher },
  certificate: 'any',
}));

/** The TLS 1.2 suites of issue 6: ECDHE with ECDSA or RSA, AEAD only. */
export const tls12Suites: readonly SuiteNames[] = (['ECDSA', 'RSA'] as const).flatMap((auth) =>
  [
    { bulk: 'AES_128_GCM_SHA256', openssl: 'AES128-GCM-SHA256', cipher: 'AES-128-GCM' },
    { bulk: 'AES_256_GCM_SHA384', openssl: 'AES256-GCM-SHA384', cipher: 'AES-256-GCM' },
    { bulk: 'CHACHA20_POLY1305_SHA256', openssl: 'CHACHA20-POLY1305', cipher: 'CHACHA20-POLY1305' },
  ].map(({ bulk, openssl, cipher }) => ({
    iana: `TLS_ECDHE_${auth}_WITH_${bulk}`,
    version: 'TLSv1.2' as const,
    openssl: `ECDHE-${auth}-${openssl}`,
    gnutls: { kx: `ECDHE-${auth}`, cipher },
    certificate: auth === 'ECDSA' ? ('ecdsa' as const) : ('rsa' as const),
  })),
);

/** A key exchange group under each peer's name. */
export interface GroupNames {
  /** IANA name (RFC 8446 4.2.7 / RFC 8422), as tlskit reports it. */
  readonly iana: string;
  /** OpenSSL `-groups` name. */
  readonly openssl: string;
  /** GnuTLS priority item. */
  readonly gnutls: string;
  /** What node's `getEphemeralKeyInfo().name` says. */
  readonly node: string;
}

/** The groups tlskit's peers here all support (X25519MLKEM768 has no peer: see docs/interop.md). */
export const groups: readonly GroupNames[] = [
  { iana: 'x25519', openssl: 'x25519', gnutls: 'GROUP-X25519', node: 'X25519' },
  { iana: 'secp256r1', openssl: 'P-256', gnutls: 'GROUP-SECP256R1', node: 'prime256v1' },
  { iana: 'secp384r1', openssl: 'P-384', gnutls: 'GROUP-SECP384R1', node: 'secp384r1' },
  { iana: 'secp521r1', openssl: 'P-521', gnutls: 'GROUP-SECP521R1', node: 'secp521r1' },
  { iana: 'x448', openssl: 'X448', gnutls: 'GROUP-X448', node: 'X448' },
];

/**
 * The RFC 7919 groups tlskit negotiates in TLS 1.3 only (it has no DHE suites for 1.2). Node
 * reports no name for a DH ephemeral key (`{ type: 'DH', size }`), hence no `node` field.
 */
export const ffdheGroups: readonly Omit<GroupNames, 'node'>[] = [
  { iana: 'ffdhe2048', openssl: 'ffdhe2048', gnutls: 'GROUP-FFDHE2048' },
  { iana: 'ffdhe3072', openssl: 'ffdhe3072', gnutls: 'GROUP-FFDHE3072' },
  { iana: 'ffdhe4096', openssl: 'ffdhe4096', gnutls: 'GROUP-FFDHE4096' },
];

/**
 * The post-quantum hybrid group (draft-ietf-tls-ecdhe-mlkem). No peer installed here has it
 * (OpenSSL 3.0, GnuTLS 3.7): tests ask {@link peerSupportsGroup} and skip with the reason.
 */
export const hybridGroups: readonly GroupNames[] = [
  {
    iana: 'X25519MLKEM768',
    openssl: 'X25519MLKEM768',
    gnutls: 'GROUP-X25519-MLKEM768',
    node: 'X25519MLKEM768',
  },
];

/**
 * How GnuTLS names the key exchange in its session description: `ECDHE-<curve>` (ECDHE-X448),
 * or `DHE-FFDHE<bits>` for an RFC 7919 group.
 */
export function gnutlsKeyExchange(group: Pick<GroupNames, 'iana' | 'gnutls'>): string {
  const kx = group.iana.startsWith('ffdhe') ? 'DHE' : 'ECDHE';
  return `${kx}-${group.gnutls.slice('GROUP-'.length)}`;
}

/** Options of {@link gnutlsPriority}. */
export interface GnutlsPriorityOptions {
  /** Only these versions; default GnuTLS's NORMAL set. */
  readonly versions?: readonly ('TLSv1.2' | 'TLSv1.3')[];
  /** Only these groups (IANA names), in order. */
  readonly groups?: readonly string[];
  /** Only these suites (IANA names). */
  readonly suites?: readonly string[];
}

/**
 * A GnuTLS priority string from IANA names, e.g. `{ versions: ['TLSv1.2'], groups: ['secp384r1'] }`
 * gives `NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-SECP384R1`.
 */
export function gnutlsPriority(o: GnutlsPriorityOptions): string {
  const parts = ['NORMAL'];
  if (o.versions) parts.push('-VERS-ALL', ...o.versions.map((v) => `+VERS-TLS${v.slice(4)}`));
  if (o.groups) {
    const all = [...groups, ...hybridGroups, ...ffdheGroups];
    parts.push('-GROUP-ALL', ...o.groups.map((g) => `+${lookup(all, g).gnutls}`));
  }
  if (o.suites) {
    const suites = o.suites.map((s) => lookup([...tls13Suites, ...tls12Suites], s));
    const ciphers = [...new Set(suites.map((s) => s.gnutls.cipher))];
    const kx = [...new Set(suites.flatMap((s) => (s.gnutls.kx ? [s.gnutls.kx] : [])))];
    parts.push('-CIPHER-ALL', ...ciphers.map((c) => `+${c}`));
    if (kx.length > 0) parts.push('-KX-ALL', ...kx.map((k) => `+${k}`));
  }
  return parts.join(':');
}

function lookup<T extends { readonly iana: string }>(table: readonly T[], iana: string): T {
  const found = table.find((entry) => entry.iana === iana);
  if (!found) throw new Error(`no peer names known for ${iana}`);
  return found;
}

/** A peer whose group support can be asked. */
export type GroupPeer = 'openssl' | 'gnutls' | 'node';

const groupSupport = new Map<string, boolean>();

/**
 * Whether the installed `peer` can use the group named `iana` (asked once per process):
 * openssl by setting it on s_client (an unknown group fails before connecting), gnutls from
 * `gnutls-cli --list`, node by making a secure context with it.
 */
export function peerSupportsGroup(peer: GroupPeer, iana: string): boolean {
  const key = `${peer}:${iana}`;
  const known = groupSupport.get(key);
  if (known !== undefined) return known;
  const names = lookup([...groups, ...hybridGroups], iana);
  let supported: boolean;
  if (peer === 'node') {
    try {
      createSecureContext({ ecdhCurve: names.openssl });
      supported = true;
    } catch {
      supported = false;
    }
  } else if (peer === 'gnutls') {
    const list = spawnSync('gnutls-cli', ['--list'], { encoding: 'utf8', timeout: 10_000 });
    supported = new RegExp(`\\b${names.gnutls}\\b`).test(list.stdout ?? '');
  } else {
    // Port 9 (discard) on loopback: with a valid group s_client gets as far as connecting.
    const probe = spawnSync(
      'openssl',
      ['s_client', '-groups', names.openssl, '-connect', '127.0.0.1:9'],
      { encoding: 'utf8', timeout: 5000, input: '' },
    );
    supported = !/cannot be set|SSL_CONF_cmd\(-groups/.test(`${probe.stdout}${probe.stderr}`);
  }
  groupSupport.set(key, supported);
  return supported;
}

/** A `minVersion`..`maxVersion` range. */
export interface VersionRange {
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly maxVersion: 'TLSv1.2' | 'TLSv1.3';
}

/** Every range over TLS 1.2 and 1.3: the rows and columns of issue 6's negotiation matrix. */
export const versionRanges: readonly VersionRange[] = [
  { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
  { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
  { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' },
];

/**
 * Two signature_algorithms lists by IANA name (which node's `sigalgs` and OpenSSL's `-sigalgs`
 * accept too), in deliberately different orders, so that a `getSharedSigalgs()` test shows whose
 * order wins. `rsa_pss_pss_sha256` and `rsa_pss_rsae_sha256` are both `RSA-PSS+SHA256` to OpenSSL.
 */
export const sigalgsOrders = {
  server: [
    'ed25519',
    'ecdsa_secp256r1_sha256',
    'rsa_pss_pss_sha256',
    'rsa_pss_rsae_sha256',
    'rsa_pkcs1_sha256',
  ],
  client: [
    'rsa_pss_rsae_sha256',
    'ecdsa_secp256r1_sha256',
    'ecdsa_secp384r1_sha384',
    'ed25519',
    'rsa_pss_pss_sha256',
    'rsa_pkcs1_sha256',
  ],
} as const;

/** The schemes of `names` tlskit uses in TLS 1.2: not rsa_pss_pss_* (RSASSA-PSS keys are 1.3 only). */
export function tls12Sigalgs(names: readonly string[]): string[] {
  return names.filter((name) => !name.startsWith('rsa_pss_pss'));
}
