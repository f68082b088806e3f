/**
 * `curl` as an HTTPS client peer. It reaches a server on 127.0.0.1 under a real host name with
 * `--resolve NAME:PORT:127.0.0.1`, so SNI and host name verification work as they would on the
 * internet. curl here is built on the system OpenSSL, so TLS 1.2 suites carry OpenSSL names.
 */
import type { Credential, PemFile } from './certs.js';
import { runPeer } from './processes.js';

/** Options of {@link curlRequest}. */
export interface CurlOptions {
  readonly port: number;
  /** Host name in the URL, resolved to 127.0.0.1; default `tlskit.test`. */
  readonly host?: string;
  /** Default `/`. */
  readonly path?: string;
  /** Trust anchor (`--cacert`); without it curl runs `--insecure`. */
  readonly ca?: PemFile | string;
  /** Lowest version (`--tlsv1.2` / `--tlsv1.3`). */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Highest version (`--tls-max 1.2|1.3`). */
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** TLS 1.2 suites, OpenSSL names (`--ciphers`). */
  readonly ciphers?: readonly string[];
  /** TLS 1.3 suites (`--tls13-ciphers`). */
  readonly tls13Ciphers?: readonly string[];
  /** `http1.1` sends ALPN http/1.1 only; `h2` offers h2 and http/1.1 (curl's default). */
  readonly http?: 'http1.1' | 'h2';
  /** Client certificate. */
  readonly credential?: Credential;
  /** Key log (curl honours SSLKEYLOGFILE). */
  readonly keylogFile?: string;
  /** Default 10 s (`--max-time`, and a kill deadline beyond it). */
  readonly timeoutMs?: number;
  readonly extraArgs?: readonly string[];
}

/** What curl reported. */
export interface CurlResult {
  /** curl's exit code: 0 ok, 35 handshake failed, 60 certificate not trusted, 28 timeout. */
  readonly exitCode: number | null;
  /** HTTP status, 0 when there was no response. */
  readonly status: number;
  readonly body: string;
  /** `TLSv1.3` / `TLSv1.2`. */
  readonly protocol?: string;
  /** As curl (OpenSSL) names it. */
  readonly cipher?: string;
  readonly alpn?: string;
  /** True when curl reported "SSL certificate verify ok". */
  readonly verified: boolean;
  /** curl's verbose output. */
  readonly stderr: string;
}

const statusMarker = '\n__tlskit_curl_status__:';

/** Parses curl's `-v` output and the status marker this module appends to stdout. */
export function parseCurlOutput(
  stdout: string,
  stderr: string,
  exitCode: number | null,
): CurlResult {
  const at = stdout.lastIndexOf(statusMarker);
  const body = at >= 0 ? stdout.slice(0, at) : stdout;
  const status = at >= 0 ? Number(stdout.slice(at + statusMarker.length).trim()) : 0;
  const connection = stderr.match(/^\* SSL connection using (TLSv1\.[23]) \/ (\S+)/m);
  const alpn = stderr.match(/^\* ALPN[:,] server accepted (?:to use )?(\S+)/m);
  return {
    exitCode,
    status: Number.isFinite(status) ? status : 0,
    body,
    ...(connection ? { protocol: connection[1] as string, cipher: connection[2] as string } : {}),
    ...(alpn?.[1] ? { alpn: alpn[1] } : {}),
    verified: /SSL certificate verify ok/.test(stderr),
    stderr,
  };
}

/** One HTTPS GET with curl against 127.0.0.1:`port`. Never rejects on TLS failures. */
export async function curlRequest(o: CurlOptions): Promise<CurlResult> {
  const host = o.host ?? 'tlskit.test';
  const timeoutMs = o.timeoutMs ?? 10_000;
  const args = ['-sS', '-v', '--resolve', `${host}:${o.port}:127.0.0.1`];
  args.push('--max-time', String(Math.max(1, Math.floor(timeoutMs / 1000))));
  args.push('-w', `${statusMarker}%{http_code}`);
  if (o.ca) args.push('--cacert', typeof o.ca === 'string' ? o.ca : o.ca.file);
  else args.push('--insecure');
  if (o.minVersion) args.push(o.minVersion === 'TLSv1.3' ? '--tlsv1.3' : '--tlsv1.2');
  if (o.maxVersion) args.push('--tls-max', o.maxVersion === 'TLSv1.3' ? '1.3' : '1.2');
  if (o.ciphers) args.push('--ciphers', o.ciphers.join(':'));
  if (o.tls13Ciphers) args.push('--tls13-ciphers', o.tls13Ciphers.join(':'));
  if (o.http === 'http1.1') args.push('--http1.1');
  if (o.http === 'h2') args.push('--http2');
  if (o.credential) args.push('--cert', o.credential.chain.file, '--key', o.credential.key.file);
  args.push(...(o.extraArgs ?? []), `https://${host}:${o.port}${o.path ?? '/'}`);
  const run = await runPeer('curl', args, {
    name: `curl :${o.port}`,
    timeoutMs: timeoutMs + 2000,
    ...(o.keylogFile ? { env: { SSLKEYLOGFILE: o.keylogFile } } : {}),
  });
  return parseCurlOutput(run.stdout, run.stderr, run.code);
}
