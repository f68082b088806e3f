import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Key algorithms the test PKI can issue with. */
export type KeyKind = 'ec' | 'rsa' | 'ed25519';

/** One certificate made by openssl, with the paths of its PEM files. */
export interface Issued {
  readonly pem: string;
  readonly der: Uint8Array;
  readonly certPath: string;
  readonly keyPath: string;
}

/** Runs openssl; throws with its stderr when it fails. */
export function openssl(args: readonly string[], input?: string): string {
  const run = spawnSync('openssl', args, { encoding: 'utf8', input, timeout: 30_000 });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** True when `openssl verify` accepts the chain (the independent oracle). */
export function opensslVerifies(
  pki: Pki,
  root: Issued,
  intermediates: readonly Issued[],
  leaf: Issued,
  extra: readonly string[] = [],
): boolean {
  const untrusted = pki.file('untrusted.pem', intermediates.map((c) => c.pem).join(''));
  const args = ['verify', '-CAfile', root.certPath, ...extra];
  if (intermediates.length > 0) args.push('-untrusted', untrusted);
  args.push(leaf.certPath);
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (process.env.DEBUG_OPENSSL) console.log(result.stdout, result.stderr);
  return result.status === 0;
}

/** A scratch directory in which openssl makes keys and certificates. */
export class Pki {
  readonly dir = mkdtempSync(join(tmpdir(), 'x509-test-'));
  #serial = 1000;

  file(name: string, contents: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, contents);
    return path;
  }

  key(name: string, kind: KeyKind): string {
    const path = join(this.dir, `${name}.key`);
    const algorithm =
      kind === 'ec'
        ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
        : kind === 'rsa'
          ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
          : ['-algorithm', 'ED25519'];
    openssl(['genpkey', ...algorithm, '-out', path]);
    return path;
  }

  /**
   * Issues a certificate for `subject` with the given v3 extension lines (openssl config
   * syntax), signed by `issuer` or self-signed.
   */
  issue(
    name: string,
    options: {
      subject: string;
      extensions: readonly string[];
      issuer?: Issued;
      kind?: KeyKind;
      days?: number;
    },
  ): Issued {
    const keyPath = this.key(name, options.kind ?? 'ec');
    const certPath = join(this.dir, `${name}.pem`);
    const ext = this.file(`${name}.ext`, `[v3]\n${options.extensions.join('\n')}\n`);
    const csr = join(this.dir, `${name}.csr`);
    openssl(['req', '-new', '-key', keyPath, '-subj', options.subject, '-out', csr]);
    const signer = options.issuer
      ? ['-CA', options.issuer.certPath, '-CAkey', options.issuer.keyPath]
      : ['-key', keyPath];
    const validity = ['-days', String(options.days ?? 30)];
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      ...signer,
      '-out',
      certPath,
      '-sha256',
      '-set_serial',
      String(this.#serial++),
      '-extfile',
      ext,
      '-extensions',
      'v3',
      ...validity,
    ]);
    const pem = readFileSync(certPath, 'utf8');
    const der = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    return { pem, der, certPath, keyPath };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Extension lines of a root CA. */
export const rootExtensions = [
  'basicConstraints=critical,CA:TRUE',
  'keyUsage=critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier=hash',
];

/** Extension lines of an intermediate CA. */
export const intermediateExtensions = [...rootExtensions, 'authorityKeyIdentifier=keyid:always'];

/** Extension lines of a TLS server certificate for the given SAN list (`DNS:a,IP:1.2.3.4`). */
export function serverExtensions(san: string): string[] {
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'authorityKeyIdentifier=keyid:always',
    `subjectAltName=${san}`,
  ];
}
