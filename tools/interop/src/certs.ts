/**
 * Certificates for interop tests, made at test time with the openssl CLI so that no key material
 * is checked in. One set per user and day is shared by the test processes (see interopCerts).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Key algorithms of the leaf certificates; each maps to TLS signature schemes noted beside it. */
export type KeyType =
  /** ecdsa_secp256r1_sha256 */
  | 'ecdsa-p256'
  /** ecdsa_secp384r1_sha384 */
  | 'ecdsa-p384'
  /** rsaEncryption key: rsa_pss_rsae_* in TLS 1.3, rsa_pkcs1_* or rsa_pss_rsae_* in TLS 1.2 */
  | 'rsa-2048'
  /** A deliberately weak RSA key (scan tests); peers need `@SECLEVEL=0` to load it. */
  | 'rsa-1024'
  /** id-RSASSA-PSS key: rsa_pss_pss_* only */
  | 'rsa-pss-2048'
  /** ed25519 */
  | 'ed25519';

/** A PEM text and the file that holds it (for CLI peers). */
export interface PemFile {
  readonly pem: string;
  readonly file: string;
}

/** A certificate authority: its self-signed or issued certificate and its key. */
export interface Authority {
  readonly name: string;
  readonly cert: PemFile;
  readonly key: PemFile;
}

/** A leaf certificate with its key, the chain a peer sends, and the trust anchor that validates it. */
export interface Credential {
  readonly name: string;
  readonly keyType: KeyType;
  /** The leaf certificate alone. */
  readonly cert: PemFile;
  /** The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  readonly key: PemFile;
  /** The leaf followed by its intermediates: what a server or client sends in Certificate. */
  readonly chain: PemFile;
  /** The intermediates alone (empty PEM when the leaf is issued by the root). */
  readonly intermediates: PemFile;
  /** The root that validates this credential (give it as `ca` to the other side). */
  readonly ca: PemFile;
}

/** Every certificate the interop tests use. */
export interface InteropCerts {
  /** The temp directory holding every file. */
  readonly dir: string;
  /** Root CA that issues the server leaves; trust it as `ca` on the client side. */
  readonly ca: Authority;
  /** Intermediate under `ca`, issuer of `server.chained`. */
  readonly intermediate: Authority;
  /** A root unrelated to `ca` (wrong-CA tests), issuer of `server.untrusted`. */
  readonly otherCa: Authority;
  /** Root that issues client certificates; trust it as `ca` on the server side. */
  readonly clientCa: Authority;
  /** Server leaves; unless noted, issued by `ca`, names in {@link serverNames}, valid now. */
  readonly server: {
    readonly ecdsaP256: Credential;
    readonly ecdsaP384: Credential;
    readonly rsa2048: Credential;
    /** An RSA-PSS (id-RSASSA-PSS) key: only the rsa_pss_pss_* schemes can use it. */
    readonly rsaPss: Credential;
    readonly ed25519: Credential;
    /** ECDSA P-256 leaf issued by `intermediate`; `chain` holds the leaf and the intermediate. */
    readonly chained: Credential;
    /** ECDSA P-256 leaf valid only in 2020: refused as expired (alert certificate_expired). */
    readonly expired: Credential;
    /** ECDSA P-256 leaf for `other.example` only: refused on a host name check. */
    readonly wrongHost: Credential;
    /** ECDSA P-256 leaf with the right names, issued by `otherCa`: refused as unknown_ca. */
    readonly untrusted: Credential;
    /** ECDSA P-256 leaf with the right names that issued itself (its own `ca`). */
    readonly selfSigned: Credential;
    /** ECDSA P-256 leaf issued by `ca` with a SHA-1 signature (ecdsa-with-SHA1). */
    readonly sha1: Credential;
    /** RSA-1024 leaf issued by `ca`. */
    readonly rsa1024: Credential;
    /** ECDSA P-256 leaf issued by `ca`, valid for 825 days (over the CA/B Forum's 398). */
    readonly longValidity: Credential;
  };
  /** Client leaves (extendedKeyUsage clientAuth), issued by `clientCa`. */
  readonly client: {
    readonly ecdsa: Credential;
    readonly rsa: Credential;
  };
}

/** The names every valid server leaf carries as subjectAltName (and the first as CN). */
export const serverNames = {
  dns: ['tlskit.test', 'localhost'],
  ip: ['127.0.0.1'],
} as const;

const genpkeyArgs: Record<KeyType, readonly string[]> = {
  'ecdsa-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ecdsa-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-1024': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  'rsa-pss-2048': ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
};

// `openssl ca` rather than `openssl x509 -req`: OpenSSL 3.0's x509 cannot set a notBefore in the
// past, which the expired leaf needs.
const caConfig = `[ ca ]
default_ca = issuer
[ issuer ]
database = index.txt
new_certs_dir = issued
serial = serial.txt
unique_subject = no
copy_extensions = none
policy = any_name
[ any_name ]
commonName = supplied
organizationName = optional
`;

/** Runs the openssl CLI in `cwd`; throws with its stderr when it fails. */
function openssl(cwd: string, args: readonly string[]): string {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`openssl ${args[0]}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`openssl ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

const words = (text: string): string[] => text.split(' ');
const subject = (commonName: string): string => `/O=tlskit interop/CN=${commonName}`;

function pemFile(file: string): PemFile {
  return { pem: readFileSync(file, 'utf8'), file };
}

interface Profile {
  readonly isCa?: boolean;
  readonly usage?: 'serverAuth' | 'clientAuth';
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  /** `YYYYMMDDHHMMSSZ`; default now. */
  readonly notBefore?: string;
  /** `YYYYMMDDHHMMSSZ`; default a year from now. */
  readonly notAfter?: string;
  /** Days of validity from now when `notAfter` is absent; default 365. */
  readonly days?: number;
  /** Signature hash; default sha256. */
  readonly digest?: 'sha256' | 'sha1';
}

function extensions(profile: Profile): string {
  const lines = ['[ v3 ]', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid'];
  if (profile.isCa) {
    lines.push('basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign');
  } else {
    lines.push('basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature');
  }
  if (profile.usage) lines.push(`extendedKeyUsage = ${profile.usage}`);
  const names = [
    ...(profile.dns ?? []).map((d) => `DNS:${d}`),
    ...(profile.ip ?? []).map((i) => `IP:${i}`),
  ];
  if (names.length > 0) lines.push(`subjectAltName = ${names.join(',')}`);
  return `${lines.join('\n')}\n`;
}

/** Writes certificates into one directory, each name used once. */
/**
 * Writes certificates into one directory, each name used once. With `generate` false it walks
 * the same recipe but only reads the files an earlier run wrote (the shared cache).
 */
class CertificateFactory {
  constructor(
    readonly dir: string,
    private readonly generate = true,
  ) {
    if (!generate) return;
    mkdirSync(join(dir, 'issued'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial.txt'), '1000\n');
    writeFileSync(join(dir, 'ca.cnf'), caConfig);
  }

  private openssl(args: readonly string[]): void {
    if (this.generate) openssl(this.dir, args);
  }

  private write(file: string, text: string): PemFile {
    if (this.generate) writeFileSync(file, text);
    return pemFile(file);
  }

  private key(name: string, type: KeyType): PemFile {
    const file = join(this.dir, `${name}.key`);
    this.openssl(['genpkey', ...genpkeyArgs[type], '-out', file]);
    return pemFile(file);
  }

  /** A self-signed root (ECDSA P-256, ten years). */
  root(name: string, commonName: string): Authority {
    const key = this.key(name, 'ecdsa-p256');
    const ext = this.write(join(this.dir, `${name}.ext`), extensions({ isCa: true })).file;
    const file = join(this.dir, `${name}.crt`);
    this.openssl([
      ...words('req -x509 -new -days 3650 -sha256 -extensions v3'),
      ...['-key', key.file, '-subj', subject(commonName), '-config', ext, '-out', file],
    ]);
    return { name, cert: pemFile(file), key };
  }

  /** A certificate for a fresh key of `type`, issued by `issuer`. */
  issue(
    name: string,
    type: KeyType,
    commonName: string,
    issuer: Authority,
    profile: Profile,
  ): { cert: PemFile; key: PemFile } {
    const key = this.key(name, type);
    const csr = join(this.dir, `${name}.csr`);
    this.openssl(['req', '-new', '-key', key.file, '-subj', subject(commonName), '-out', csr]);
    const ext = this.write(join(this.dir, `${name}.ext`), extensions(profile)).file;
    const file = join(this.dir, `${name}.crt`);
    const dates = [
      ...(profile.notBefore ? ['-startdate', profile.notBefore] : []),
      ...(profile.notAfter
        ? ['-enddate', profile.notAfter]
        : ['-days', String(profile.days ?? 365)]),
    ];
    this.openssl([
      ...words('ca -batch -config ca.cnf -notext -preserveDN -extensions v3'),
      ...['-md', profile.digest ?? 'sha256'],
      ...['-cert', issuer.cert.file, '-keyfile', issuer.key.file, '-extfile', ext],
      ...dates,
      ...['-in', csr, '-out', file],
    ]);
    return { cert: pemFile(file), key };
  }

  /** A leaf that issued itself: the certificate is its own trust anchor. */
  selfSignedLeaf(name: string, profile: Profile): Credential {
    const key = this.key(name, 'ecdsa-p256');
    const ext = this.write(join(this.dir, `${name}.ext`), extensions(profile)).file;
    const file = join(this.dir, `${name}.crt`);
    const commonName = profile.dns?.[0] ?? name;
    this.openssl([
      ...words('req -x509 -new -days 365 -sha256 -extensions v3'),
      ...['-key', key.file, '-subj', subject(commonName), '-config', ext, '-out', file],
    ]);
    const cert = pemFile(file);
    const intermediates = this.write(join(this.dir, `${name}.intermediates.pem`), '');
    return { name, keyType: 'ecdsa-p256', cert, key, chain: cert, intermediates, ca: cert };
  }

  intermediate(name: string, commonName: string, issuer: Authority): Authority {
    return { name, ...this.issue(name, 'ecdsa-p256', commonName, issuer, { isCa: true }) };
  }

  /** A leaf issued by `issuer`, with `intermediates` appended to its chain. */
  leaf(
    name: string,
    type: KeyType,
    issuer: Authority,
    root: Authority,
    profile: Profile,
    intermediates: readonly Authority[] = [],
  ): Credential {
    const commonName = profile.dns?.[0] ?? name;
    const { cert, key } = this.issue(name, type, commonName, issuer, profile);
    const middle = intermediates.map((i) => i.cert.pem).join('');
    const chain = this.write(join(this.dir, `${name}.chain.pem`), cert.pem + middle);
    const intermediatesFile = this.write(join(this.dir, `${name}.intermediates.pem`), middle);
    return {
      name,
      keyType: type,
      cert,
      key,
      chain,
      intermediates: intermediatesFile,
      ca: root.cert,
    };
  }
}

/**
 * Makes the full set of {@link InteropCerts} in `dir` (created if missing). Takes a few seconds
 * (three RSA keys); prefer the cached {@link interopCerts}.
 */
export function createInteropCerts(dir: string): InteropCerts {
  return interopCertsRecipe(new CertificateFactory(dir));
}

/** Reads a set {@link createInteropCerts} wrote into `dir` earlier. */
export function readInteropCerts(dir: string): InteropCerts {
  return interopCertsRecipe(new CertificateFactory(dir, false));
}

function interopCertsRecipe(f: CertificateFactory): InteropCerts {
  const dir = f.dir;
  const ca = f.root('ca', 'tlskit interop root CA');
  const intermediate = f.intermediate('intermediate', 'tlskit interop intermediate CA', ca);
  const otherCa = f.root('other-ca', 'unrelated root CA');
  const clientCa = f.root('client-ca', 'tlskit interop client CA');
  const server: Profile = { usage: 'serverAuth', dns: serverNames.dns, ip: serverNames.ip };
  const client = (name: string): Profile => ({ usage: 'clientAuth', dns: [name] });
  return {
    dir,
    ca,
    intermediate,
    otherCa,
    clientCa,
    server: {
      ecdsaP256: f.leaf('server-ecdsa-p256', 'ecdsa-p256', ca, ca, server),
      ecdsaP384: f.leaf('server-ecdsa-p384', 'ecdsa-p384', ca, ca, server),
      rsa2048: f.leaf('server-rsa-2048', 'rsa-2048', ca, ca, server),
      rsaPss: f.leaf('server-rsa-pss', 'rsa-pss-2048', ca, ca, server),
      ed25519: f.leaf('server-ed25519', 'ed25519', ca, ca, server),
      chained: f.leaf('server-chained', 'ecdsa-p256', intermediate, ca, server, [intermediate]),
      expired: f.leaf('server-expired', 'ecdsa-p256', ca, ca, {
        ...server,
        notBefore: '20200101000000Z',
        notAfter: '20201231000000Z',
      }),
      wrongHost: f.leaf('server-wrong-host', 'ecdsa-p256', ca, ca, {
        usage: 'serverAuth',
        dns: ['other.example'],
      }),
      untrusted: f.leaf('server-untrusted', 'ecdsa-p256', otherCa, otherCa, server),
      selfSigned: f.selfSignedLeaf('server-self-signed', server),
      sha1: f.leaf('server-sha1', 'ecdsa-p256', ca, ca, { ...server, digest: 'sha1' }),
      rsa1024: f.leaf('server-rsa-1024', 'rsa-1024', ca, ca, server),
      longValidity: f.leaf('server-long-validity', 'ecdsa-p256', ca, ca, { ...server, days: 825 }),
    },
    client: {
      ecdsa: f.leaf('client-ecdsa', 'ecdsa-p256', clientCa, clientCa, client('client.tlskit.test')),
      rsa: f.leaf('client-rsa', 'rsa-2048', clientCa, clientCa, client('client-rsa.tlskit.test')),
    },
  };
}

let cached: InteropCerts | undefined;

// Bump when the recipe changes, so no process reads a cache laid out by an older one.
const recipeVersion = 'v2';

/**
 * The interop certificates, made on first use and shared through a cache directory in the temp
 * directory by every test process of the same user on the same day (certificates are valid for a
 * year, so a day-old set is never near expiry). Making a set takes ~2 s of openssl; a test run
 * has many worker processes. Writers race safely: each makes its set in a private directory and
 * renames it into place; the loser discards its own.
 */
export function interopCerts(): InteropCerts {
  if (cached) return cached;
  const day = new Date().toISOString().slice(0, 10);
  const prefix = `tlskit-interop-certs-${recipeVersion}-${process.getuid?.() ?? 'user'}-`;
  const dir = join(tmpdir(), `${prefix}${day}`);
  if (!existsSync(join(dir, 'complete'))) {
    const fresh = mkdtempSync(`${dir}.tmp-`);
    try {
      createInteropCerts(fresh);
      writeFileSync(join(fresh, 'complete'), '');
      renameSync(fresh, dir);
    } catch (error) {
      rmSync(fresh, { recursive: true, force: true });
      if (!existsSync(join(dir, 'complete'))) throw error;
    }
    removeOldSets(prefix, dir);
  }
  cached = readInteropCerts(dir);
  return cached;
}

/**
 * Removes this user's sets (and abandoned partial ones) untouched for two days: old enough that
 * no test run still uses them, even one that started before midnight.
 */
function removeOldSets(prefix: string, keep: string): void {
  for (const entry of readdirSync(tmpdir())) {
    const path = join(tmpdir(), entry);
    if (!entry.startsWith(prefix) || path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs < 2 * 86_400_000) continue;
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
