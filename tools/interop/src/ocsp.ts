/**
 * OCSP responses for interop tests, made by `openssl ocsp` acting as its own responder: a
 * private index file (RFC 6960 status per serial, in `openssl ca`'s format) in a temp directory,
 * so the shared certificate cache is never written.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Authority, PemFile } from './certs.js';
import { tempDir } from './processes.js';

/** Options of {@link makeOcspResponse}. */
export interface OcspResponseOptions {
  /** The certificate the response is about. */
  readonly cert: PemFile;
  /** Its issuer. */
  readonly issuer: Authority;
  /** `unknown` leaves the serial out of the index. */
  readonly status: 'good' | 'revoked' | 'unknown';
  /** Who signs (`-rsigner`/`-rkey`); default the issuer. */
  readonly signer?: { readonly cert: PemFile; readonly key: PemFile };
  /** nextUpdate this many days after thisUpdate (`-ndays`); default 1. */
  readonly days?: number;
}

/** A DER OCSPResponse and the file holding it (for `openssl s_server -status_file`). */
export interface OcspResponseFile {
  readonly der: Uint8Array;
  readonly file: string;
}

function run(args: readonly string[]): string {
  const result = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) {
    throw new Error(`openssl ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** Makes a DER OCSPResponse about `cert` with `openssl ocsp -index ... -respout`. */
export function makeOcspResponse(o: OcspResponseOptions): OcspResponseFile {
  const dir = tempDir('tlskit-ocsp-');
  const serial = run(['x509', '-in', o.cert.file, '-noout', '-serial']).trim().split('=')[1];
  // index.txt: status, expiry, revocation time, serial, file name, subject (tab separated).
  const line =
    o.status === 'good'
      ? `V\t301231000000Z\t\t${serial}\tunknown\t/CN=${serial}\n`
      : o.status === 'revoked'
        ? `R\t301231000000Z\t240101000000Z,keyCompromise\t${serial}\tunknown\t/CN=${serial}\n`
        : '';
  const index = join(dir, 'index.txt');
  writeFileSync(index, line);
  const signer = o.signer ?? o.issuer;
  const file = join(dir, 'response.der');
  run([
    ...['ocsp', '-index', index, '-CA', o.issuer.cert.file],
    ...['-rsigner', signer.cert.file, '-rkey', signer.key.file],
    ...['-issuer', o.issuer.cert.file, '-cert', o.cert.file],
    ...['-no_nonce', '-ndays', String(o.days ?? 1), '-respout', file],
  ]);
  return { der: new Uint8Array(readFileSync(file)), file };
}
