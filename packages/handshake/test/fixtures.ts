/**
 * Test certificates made at test time with the openssl CLI (an independent implementation), so
 * no key material is checked in: a CA, server leaves for every key type, a client leaf.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nobleProvider } from '@tlskit/crypto';
import type { CertificateEntry } from '@tlskit/handshake';

export type LeafKind = 'p256' | 'p384' | 'rsa' | 'rsa-pss' | 'ed25519';

export interface Fixtures {
  readonly dir: string;
  readonly caDer: Uint8Array;
  readonly otherCaDer: Uint8Array;
  readonly server: Record<LeafKind, CertificateEntry>;
  readonly serverPem: Record<LeafKind, { cert: string; key: string }>;
  readonly client: CertificateEntry;
  readonly rsaCaDer: Uint8Array;
  /** A P-256 leaf issued by the RSA CA. */
  readonly p256ByRsaCa: CertificateEntry;
  /** P-256 and RSA leaves whose keyUsage forbids signing (keyAgreement, keyEncipherment). */
  readonly cannotSign: { readonly p256: CertificateEntry; readonly rsa: CertificateEntry };
}

function openssl(cwd: string, args: readonly string[]): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

function der(cwd: string, pemFile: string): Uint8Array {
  openssl(cwd, ['x509', '-in', pemFile, '-outform', 'DER', '-out', `${pemFile}.der`]);
  return new Uint8Array(readFileSync(join(cwd, `${pemFile}.der`)));
}

const keyArgs: Record<LeafKind, string[]> = {
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-pss': ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
};

let cached: Promise<Fixtures> | undefined;

/** Creates (once per process) the test PKI. */
export function fixtures(): Promise<Fixtures> {
  cached ??= make();
  return cached;
}

async function make(): Promise<Fixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'tlskit-hs-'));
  const ca = (name: string, kind: LeafKind = 'p256') => {
    openssl(dir, ['genpkey', ...keyArgs[kind], '-out', `${name}.key`]);
    openssl(dir, [
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '3650',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      `${name}.pem`,
    ]);
    return der(dir, `${name}.pem`);
  };
  const caDer = ca('test-ca');
  const otherCaDer = ca('other-ca');
  const rsaCaDer = ca('rsa-ca', 'rsa');
  const leaf = async (
    name: string,
    kind: LeafKind,
    eku: string,
    days: string[],
    issuer = 'test-ca',
    keyUsage = 'digitalSignature',
  ): Promise<CertificateEntry> => {
    openssl(dir, ['genpkey', ...keyArgs[kind], '-out', `${name}.key`]);
    openssl(dir, [
      'req',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      '/CN=localhost',
      '-out',
      `${name}.csr`,
    ]);
    writeFileSync(
      join(dir, `${name}.ext`),
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,${keyUsage}\nextendedKeyUsage=${eku}\nsubjectAltName=DNS:localhost,DNS:${name}.test\n`,
    );
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      ...days,
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
    const key = await nobleProvider.importPrivateKey(
      readFileSync(join(dir, `${name}.key`), 'utf8'),
    );
    return { chain: [der(dir, `${name}.pem`)], key };
  };
  const kinds: LeafKind[] = ['p256', 'p384', 'rsa', 'rsa-pss', 'ed25519'];
  const server = {} as Record<LeafKind, CertificateEntry>;
  const serverPem = {} as Record<LeafKind, { cert: string; key: string }>;
  for (const kind of kinds) {
    server[kind] = await leaf(`server-${kind}`, kind, 'serverAuth', ['-days', '365']);
    serverPem[kind] = {
      cert: join(dir, `server-${kind}.pem`),
      key: join(dir, `server-${kind}.key`),
    };
  }
  const client = await leaf('client', 'p256', 'clientAuth', ['-days', '365']);
  // The same kind of leaf, issued by an RSA CA (sha256WithRSAEncryption = rsa_pkcs1_sha256).
  const p256ByRsaCa = await leaf(
    'server-p256-rsaca',
    'p256',
    'serverAuth',
    ['-days', '365'],
    'rsa-ca',
  );
  const cannotSign = {
    p256: await leaf(
      'ku-p256',
      'p256',
      'serverAuth,clientAuth',
      ['-days', '365'],
      'test-ca',
      'keyAgreement',
    ),
    rsa: await leaf(
      'ku-rsa',
      'rsa',
      'serverAuth,clientAuth',
      ['-days', '365'],
      'test-ca',
      'keyEncipherment',
    ),
  };
  return { dir, caDer, otherCaDer, rsaCaDer, server, serverPem, client, p256ByRsaCa, cannotSign };
}
