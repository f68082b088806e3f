/**
 * `tlskit serve`: a TLS server in the manner of `openssl s_server`. It echoes what each client
 * sends, or with `--http` answers HTTP/1.1 requests with a page showing what was negotiated.
 */
import type { TLSSocket } from '@tlskit/client';
import { createServer, type TlsServer } from '@tlskit/server';
import {
  type Command,
  ExitCode,
  type Io,
  type OptionValue,
  type ParsedArgs,
  UsageError,
} from './command.js';
import { keylogWriter, readPem } from './connect.js';
import { escapeHtml } from './escape-html.js';
import {
  loadProvider,
  negotiated,
  parseList,
  parsePsk,
  parseVersion,
  pskHelp,
  pskOptions,
  sharedTlsHelp,
  sharedTlsOptions,
  stringOption,
} from './tls.js';

/** Every value of a `multiple` option, in command-line order. */
function all(value: OptionValue): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** A non-negative byte count option, or undefined when absent. */
function byteCount(flag: string, value: OptionValue): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) {
    throw new UsageError(`${flag} must be a number of bytes, not ${String(value)}`);
  }
  return n;
}

function portOption(value: OptionValue): number {
  if (value === undefined) return 4433;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be 0..65535, not ${String(value)}`);
  }
  return port;
}

/** The HTTP/1.1 response `--http` sends: a small page with the negotiated parameters. */
export function httpPage(socket: TLSSocket, requestLine: string): string {
  const { signatureScheme, verified, verifyError, peerCertificates, ...params } =
    negotiated(socket);
  // The peer is the client: its certificate fields mean something only if it sent one.
  const client =
    peerCertificates.length === 0
      ? { clientCertificate: '(none)' }
      : { clientCertificate: peerCertificates.join('; '), signatureScheme, verified, verifyError };
  // RFC 8470 in spirit: say whether the request (or part of it) came as replayable 0-RTT data.
  const early =
    socket.earlyDataLength > 0
      ? { requestAsEarlyData: `yes (${socket.earlyDataLength} bytes, may be a replay)` }
      : { requestAsEarlyData: 'no' };
  const rows = Object.entries({ ...params, ...client, ...early })
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('\n');
  const body = `<!doctype html>
<html><head><meta charset="utf-8"><title>tlskit serve</title></head>
<body><h1>Hello from tlskit</h1>
<p>You asked: <code>${escapeHtml(requestLine)}</code></p>
<table>
${rows}
</table></body></html>
`;
  // RFC 9112: Content-Length frames the body; the connection closes after one answer.
  return `HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Whether `head` holds a whole request header block: it ends at the first empty line. RFC 9112
 * section 2.2 lets a recipient take a bare LF as a line terminator (and ignore a CR before it), as
 * `openssl s_server -www` and many clients' `GET / HTTP/1.0\n\n` expect.
 */
export function headComplete(head: string): boolean {
  return /\r?\n\r?\n/.test(head);
}

/**
 * Answers one HTTP/1.1 request with `respond(socket, requestLine)` once its header block has
 * arrived (bounded at 64 KiB), then closes.
 */
export function serveHttp(
  socket: TLSSocket,
  respond: (socket: TLSSocket, requestLine: string) => string = httpPage,
): void {
  let head = '';
  socket.on('data', (chunk: Buffer) => {
    head += chunk.toString('latin1');
    if (headComplete(head) || head.length > 65_536) {
      socket.removeAllListeners('data');
      socket.end(respond(socket, head.split(/\r?\n/)[0] ?? ''));
    }
  });
  socket.on('end', () => socket.end());
}

/** Echoes every byte back; the client's close_notify closes our side too. */
function serveEcho(socket: TLSSocket): void {
  socket.on('data', (chunk: Buffer) => socket.write(chunk));
  socket.on('end', () => socket.end());
}

export const serve: Command = {
  name: 'serve',
  summary: 'run a TLS server that echoes, or answers HTTP (like openssl s_server)',
  usage:
    'serve --cert FILE --key FILE [--cert FILE --key FILE ...] [--psk HEX --psk-identity ID] [--max-early-data N] [--host HOST] [--port PORT] [--alpn LIST] [--ca FILE --request-cert] [--ocsp-file FILE ...] [--min-version V] [--max-version V] [--keylog FILE] [--http] [--provider NAME]',
  help: [
    'Listens on HOST:PORT and prints one line `listening on HOST:PORT` when ready, then one',
    'line on stderr per connection. Each client gets its data echoed back, or with --http a',
    'small HTML page showing the negotiated parameters. Stops on SIGINT or SIGTERM.',
    '',
    '  --host HOST        address to bind (default 127.0.0.1)',
    '  --port PORT        port (default 4433; 0 picks a free one)',
    '  --cert FILE        certificate chain, PEM; repeat with --key for several (ECDSA + RSA,',
    '                     chosen per client by SNI and signature algorithms)',
    '  --key FILE         the private key of the --cert at the same position, PEM',
    '  --alpn LIST        ALPN protocols, comma-separated, in server preference',
    '  --ca FILE          trust anchors for client certificates, PEM',
    '  --request-cert     ask for a client certificate and refuse clients without a valid one',
    '  --ocsp-file FILE   a DER OCSP response (`openssl ocsp -respout`) to staple for the --cert',
    '                     at the same position when a client asks (status_request)',
    '  --http             answer HTTP/1.1 requests instead of echoing',
    '  --max-early-data N accept up to N bytes of 0-RTT early data per ticket (default 0: none);',
    '                     each ticket once; echo answers it like other data, --http marks it',
    ...pskHelp,
    '                     (with --psk, --cert and --key are optional)',
    ...sharedTlsHelp,
  ].join('\n'),
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    cert: { type: 'string', multiple: true },
    key: { type: 'string', multiple: true },
    ...sharedTlsOptions,
    ...pskOptions,
    'request-cert': { type: 'boolean' },
    'max-early-data': { type: 'string' },
    'ocsp-file': { type: 'string', multiple: true },
    http: { type: 'boolean' },
  },
  run: runServe,
};

async function runServe(args: ParsedArgs, io: Io): Promise<ExitCode> {
  const v = args.values;
  if (args.positionals.length > 0)
    throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const certFiles = all(v.cert);
  const keyFiles = all(v.key);
  const psk = parsePsk(v);
  if (certFiles.length === 0 && psk === undefined) {
    throw new UsageError('--cert FILE --key FILE is required (or --psk HEX --psk-identity ID)');
  }
  if (certFiles.length !== keyFiles.length) {
    throw new UsageError('give one --key for each --cert');
  }
  const ca = await readPem(io, stringOption(v.ca));
  if (v['request-cert'] === true && ca === undefined) {
    throw new UsageError('--request-cert needs --ca FILE');
  }
  const ocspFiles = all(v['ocsp-file']);
  if (ocspFiles.length > certFiles.length) {
    throw new UsageError('give at most one --ocsp-file for each --cert');
  }
  const ocspResponse = await Promise.all(ocspFiles.map((f) => io.readFile(f)));
  const host = stringOption(v.host) ?? '127.0.0.1';
  const port = portOption(v.port);
  const alpn = parseList(v.alpn);
  const minVersion = parseVersion('--min-version', v['min-version']);
  const maxVersion = parseVersion('--max-version', v['max-version']);
  const keylog = keylogWriter(stringOption(v.keylog));
  const http = v.http === true;
  const maxEarlyData = byteCount('--max-early-data', v['max-early-data']);
  const server = createServer(
    {
      cert: await Promise.all(certFiles.map(async (f) => (await readPem(io, f)) ?? '')),
      key: await Promise.all(
        keyFiles.map(async (f) => (await readPem(io, f, 'PRIVATE KEY')) ?? ''),
      ),
      provider: await loadProvider(v.provider),
      ...(alpn === undefined ? {} : { ALPNProtocols: alpn }),
      ...(ca === undefined ? {} : { ca }),
      ...(ocspResponse.length === 0 ? {} : { ocspResponse }),
      ...(v['request-cert'] === true ? { requestCert: true, rejectUnauthorized: true } : {}),
      ...(minVersion === undefined ? {} : { minVersion }),
      ...(maxVersion === undefined ? {} : { maxVersion }),
      ...(maxEarlyData === undefined ? {} : { maxEarlyData }),
      ...(psk === undefined
        ? {}
        : {
            pskCallback: (_socket: TLSSocket, identity: string) =>
              identity === psk.identity ? psk.key : null,
            ...(psk.modes === undefined ? {} : { pskKeyExchangeModes: psk.modes }),
          }),
    },
    (socket) => {
      const p = negotiated(socket);
      io.stderr(
        `connection from ${socket.remoteAddress}:${socket.remotePort}: ${p.version} ${p.cipher} ${p.group ?? 'psk'}${p.alpn ? ` ALPN ${p.alpn}` : ''}${p.resumed ? ' resumed' : ''}${socket.earlyDataLength > 0 ? ` early data ${socket.earlyDataLength} bytes` : ''}\n`,
      );
      socket.on('error', (error: Error & { code?: string }) =>
        io.stderr(`connection error: ${error.code ?? error.name}: ${error.message}\n`),
      );
      if (http) serveHttp(socket);
      else serveEcho(socket);
    },
  );
  if (keylog) server.on('keylog', (line: Buffer) => keylog(line.toString('utf8')));
  server.on('tlsClientError', (error: Error & { code?: string }) =>
    io.stderr(`handshake failed: ${error.code ?? error.name}: ${error.message}\n`),
  );
  await listen(server, port, host);
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  io.stdout(`listening on ${host.includes(':') ? `[${host}]` : host}:${bound}\n`);
  await stopSignal();
  // close() waits for open connections; give them a second, then exit anyway.
  await new Promise<void>((resolve) => {
    setTimeout(resolve, 1000).unref();
    server.close(() => resolve());
  });
  return ExitCode.ok;
}

function listen(server: TlsServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Resolves on the first SIGINT or SIGTERM: serve runs until told to stop. */
function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
