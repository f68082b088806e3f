/**
 * Certificates for interop tests, made at test time with the openssl CLI so that no key material
 * is checked in and every key is fresh. One set is made per process (cached) in a temp directory
 * that is removed when the process exits.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function writePem(file: string, pem: string): PemFile {
  writeFileSync(file, pem);
  return { pem, file };
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
class CertificateFactory {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'issued'), { recursive: true });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial.txt'), '1000\n');
    writeFileSync(join(dir, 'ca.cnf'), caConfig);
  }

  private key(name: string, type: KeyType): PemFile {
    const file = join(this.dir, `${name}.key`);
    openssl(this.dir, ['genpkey', ...genpkeyArgs[type], '-out', file]);
    return pemFile(file);
  }

  /** A self-signed root (ECDSA P-256, ten years). */
  root(name: string, commonName: string): Authority {
    const key = this.key(name, 'ecdsa-p256');
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, extensions({ isCa: true }));
    const file = join(this.dir, `${name}.crt`);
    openssl(this.dir, [
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
    openssl(this.dir, ['req', '-new', '-key', key.file, '-subj', subject(commonName), '-out', csr]);
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, extensions(profile));
    const file = join(this.dir, `${name}.crt`);
    const dates = [
      ...(profile.notBefore ? ['-startdate', profile.notBefore] : []),
      ...(profile.notAfter ? ['-enddate', profile.notAfter] : ['-days', '365']),
    ];
    openssl(this.dir, [
      ...words('ca -batch -config ca.cnf -notext -preserveDN -md sha256 -extensions v3'),
      ...['-cert', issuer.cert.file, '-keyfile', issuer.key.file, '-extfile', ext],
      ...dates,
      ...['-in', csr, '-out', file],
    ]);
    return { cert: pemFile(file), key };
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
    const chain = writePem(join(this.dir, `${name}.chain.pem`), cert.pem + middle);
    const intermediatesFile = writePem(join(this.dir, `${name}.intermediates.pem`), middle);
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
  const f = new CertificateFactory(dir);
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
    },
    client: {
      ecdsa: f.leaf('client-ecdsa', 'ecdsa-p256', clientCa, clientCa, client('client.tlskit.test')),
      rsa: f.leaf('client-rsa', 'rsa-2048', clientCa, clientCa, client('client-rsa.tlskit.test')),
    },
  };
}

let cached: InteropCerts | undefined;

/**
 * The interop certificates of this process, made on first use in a fresh temp directory and
 * removed when the process exits.
 */
export function interopCerts(): InteropCerts {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'tlskit-interop-certs-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cached = createInteropCerts(dir);
  return cached;
}
