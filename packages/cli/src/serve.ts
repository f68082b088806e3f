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
import {
  loadProvider,
  negotiated,
  parseList,
  parseVersion,
  sharedTlsHelp,
  sharedTlsOptions,
  stringOption,
} from './tls.js';

/** Every value of a `multiple` option, in command-line order. */
function all(value: OptionValue): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return typeof value === 'string' ? [value] : [...value];
}

function portOption(value: OptionValue): number {
  if (value === undefined) return 4433;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be 0..65535, not ${String(value)}`);
  }
  return port;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The HTTP/1.1 response `--http` sends: a small page with the negotiated parameters. */
export function httpPage(socket: TLSSocket, requestLine: string): string {
  const { signatureScheme, verified, verifyError, peerCertificates, ...params } =
    negotiated(socket);
  // The peer is the client: its certificate fields mean something only if it sent one.
  const client =
    peerCertificates.length === 0
      ? { clientCertificate: '(none)' }
      : { clientCertificate: peerCertificates.join('; '), signatureScheme, verified, verifyError };
  const rows = Object.entries({ ...params, ...client })
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
    if (head.includes('\r\n\r\n') || head.length > 65_536) {
      socket.removeAllListeners('data');
      socket.end(respond(socket, head.split('\r\n')[0] ?? ''));
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
    'serve --cert FILE --key FILE [--cert FILE --key FILE ...] [--host HOST] [--port PORT] [--alpn LIST] [--ca FILE --request-cert] [--min-version V] [--max-version V] [--keylog FILE] [--http] [--provider NAME]',
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
    '  --http             answer HTTP/1.1 requests instead of echoing',
    ...sharedTlsHelp,
  ].join('\n'),
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    cert: { type: 'string', multiple: true },
    key: { type: 'string', multiple: true },
    ...sharedTlsOptions,
    'request-cert': { type: 'boolean' },
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
  if (certFiles.length === 0) throw new UsageError('--cert FILE --key FILE is required');
  if (certFiles.length !== keyFiles.length) {
    throw new UsageError('give one --key for each --cert');
  }
  const ca = await readPem(io, stringOption(v.ca));
  if (v['request-cert'] === true && ca === undefined) {
    throw new UsageError('--request-cert needs --ca FILE');
  }
  const host = stringOption(v.host) ?? '127.0.0.1';
  const port = portOption(v.port);
  const alpn = parseList(v.alpn);
  const minVersion = parseVersion('--min-version', v['min-version']);
  const maxVersion = parseVersion('--max-version', v['max-version']);
  const keylog = keylogWriter(stringOption(v.keylog));
  const http = v.http === true;
  const server = createServer(
    {
      cert: await Promise.all(certFiles.map(async (f) => (await readPem(io, f)) ?? '')),
      key: await Promise.all(
        keyFiles.map(async (f) => (await readPem(io, f, 'PRIVATE KEY')) ?? ''),
      ),
      provider: await loadProvider(v.provider),
      ...(alpn === undefined ? {} : { ALPNProtocols: alpn }),
      ...(ca === undefined ? {} : { ca }),
      ...(v['request-cert'] === true ? { requestCert: true, rejectUnauthorized: true } : {}),
      ...(minVersion === undefined ? {} : { minVersion }),
      ...(maxVersion === undefined ? {} : { maxVersion }),
    },
    (socket) => {
      const p = negotiated(socket);
      io.stderr(
        `connection from ${socket.remoteAddress}:${socket.remotePort}: ${p.version} ${p.cipher} ${p.group ?? 'psk'}${p.alpn ? ` ALPN ${p.alpn}` : ''}${p.resumed ? ' resumed' : ''}\n`,
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
