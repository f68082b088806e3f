/**
 * `tlskit connect HOST:PORT`: a TLS client in the manner of `openssl s_client`. It prints what
 * was negotiated (or one JSON object), then sends an HTTP GET (`--http`) or pipes standard input
 * to the peer and the peer's data to standard output.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { decodeSession, type TLSSocket } from '@tlskit/client';
import {
  type Command,
  ExitCode,
  type Io,
  type OptionValue,
  type ParsedArgs,
  UsageError,
} from './command.js';
import {
  formatNegotiated,
  loadProvider,
  negotiated,
  openClient,
  parseCodePoints,
  parseList,
  parsePsk,
  parseVersion,
  pskHelp,
  pskOptions,
  sharedTlsHelp,
  sharedTlsOptions,
  readAll,
  secureConnected,
  stringOption,
} from './tls.js';
import { InputError } from './input.js';
import { Tracer } from './trace.js';

/** HOST:PORT, [IPv6]:PORT. */
export function parseHostPort(value: string | undefined): { host: string; port: number } {
  if (value === undefined) throw new UsageError('missing HOST:PORT');
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port > 0 && port < 65536)) {
    throw new UsageError(`expected HOST:PORT, not ${value}`);
  }
  return { host, port };
}

/** The `--timeout SECONDS` value in milliseconds (default 30 s). */
export function timeoutMs(value: OptionValue): number {
  if (value === undefined) return 30_000;
  const seconds = Number(value);
  if (!(seconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds`);
  return seconds * 1000;
}

/**
 * Reads a PEM file given by a flag, as text. A file without the expected block (`CERTIFICATE`,
 * or a `PRIVATE KEY` of any kind) is an input error now, not a failed handshake later.
 */
export async function readPem(
  io: Io,
  path: string | undefined,
  expect: 'CERTIFICATE' | 'PRIVATE KEY' = 'CERTIFICATE',
): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const text = new TextDecoder().decode(await io.readFile(path));
  if (!new RegExp(`-----BEGIN [A-Z ]*${expect}-----`).test(text)) {
    throw new InputError(`${path}: no PEM ${expect} block`);
  }
  return text;
}

/** Starts (truncates) an NSS key log file and returns the function that appends a line. */
export function keylogWriter(path: string | undefined): ((line: string) => void) | undefined {
  if (path === undefined) return undefined;
  writeFileSync(path, '', { mode: 0o600 });
  return (line) => appendFileSync(path, line.endsWith('\n') ? line : `${line}\n`);
}

/** The HTTP/1.1 request `--http PATH` sends (RFC 9112 section 3). */
export function httpGet(path: string, host: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: tlskit\r\nConnection: close\r\n\r\n`;
}

export const connect: Command = {
  name: 'connect',
  summary: 'connect to a TLS server and show what was negotiated (like openssl s_client)',
  usage:
    'connect [--servername NAME] [--ca FILE] [--cert FILE --key FILE] [--alpn LIST] [--min-version V] [--max-version V] [--groups LIST] [--ciphers LIST] [--insecure] [--ocsp] [--keylog FILE] [--trace] [--http PATH] [--json] [--session-in FILE [--early-data FILE]] [--session-out FILE] [--psk HEX --psk-identity ID] [--provider NAME] HOST:PORT',
  help: [
    'Connects to HOST:PORT, runs the handshake and prints the negotiated parameters. Then',
    'sends an HTTP GET (--http) and prints the response, or pipes standard input to the',
    'server and what it sends to standard output until either side closes.',
    '',
    '  --servername NAME  SNI and the name the certificate must match (default HOST unless an IP)',
    "  --ca FILE          trust anchors, PEM (default: Node's Mozilla set)",
    '  --cert FILE        client certificate chain, PEM (with --key), sent if the server asks',
    '  --key FILE         its private key, PEM',
    '  --alpn LIST        ALPN protocols, comma-separated, most preferred first',
    '  --groups LIST      key exchange groups, e.g. x25519,secp256r1,X25519MLKEM768',
    '  --ciphers LIST     cipher suites, IANA names, e.g. TLS_AES_128_GCM_SHA256',
    '  --insecure         finish the handshake even if the chain does not verify',
    '  --ocsp             ask for a stapled OCSP response and check it (revoked: refused);',
    '                     the status (good, unknown, none) is printed and in --json as `ocsp`',
    '  --trace            print every handshake message with its key fields',
    '  --http PATH        send GET PATH over HTTP/1.1 and print the response',
    '  --json             print one JSON object: version, cipher, group, alpn, resumed, ...',
    '  --session-in FILE  resume the session saved in FILE by --session-out',
    '  --early-data FILE  with --session-in: send FILE as 0-RTT early data (TLS 1.3, up to the',
    "                     ticket's limit); resent after the handshake if the server rejects it;",
    '                     --json then includes what the server sent back within a second',
    '  --session-out FILE save the session the server gives (TLS 1.3 ticket, TLS 1.2 ticket or',
    '                     session ID) to FILE; it holds the session secret: keep it private',
    ...pskHelp,
    ...sharedTlsHelp,
    '  --timeout SECONDS  give up on the handshake after this long (default 30)',
    '',
    'The trace and the parameters go to standard error when standard output carries the',
    "peer's data or the JSON. Failure exits 1 and prints the error code, e.g.",
    '`tlskit connect: ERR_CERT_UNKNOWN_ISSUER: ...`.',
  ].join('\n'),
  options: {
    ...sharedTlsOptions,
    ...pskOptions,
    servername: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    groups: { type: 'string' },
    ciphers: { type: 'string' },
    insecure: { type: 'boolean' },
    ocsp: { type: 'boolean' },
    trace: { type: 'boolean' },
    http: { type: 'string' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
    'session-in': { type: 'string' },
    'early-data': { type: 'string' },
    'session-out': { type: 'string' },
  },
  run: runConnect,
};

async function runConnect(args: ParsedArgs, io: Io): Promise<ExitCode> {
  const v = args.values;
  if (args.positionals.length > 1)
    throw new UsageError(`unexpected argument ${args.positionals[1]}`);
  const { host, port } = parseHostPort(args.positionals[0]);
  if ((v.cert === undefined) !== (v.key === undefined)) {
    throw new UsageError('--cert and --key go together');
  }
  const limit = timeoutMs(v.timeout);
  const httpPath = stringOption(v.http);
  const json = v.json === true;
  // Keep standard output for the peer's bytes or the JSON; everything else goes to stderr then.
  const info = json || httpPath === undefined ? io.stderr : io.stdout;
  const tracer = v.trace === true ? new Tracer('client') : undefined;
  const servername = stringOption(v.servername) ?? (/^[\d.]+$|:/.test(host) ? undefined : host);
  const session = await readSession(io, stringOption(v['session-in']));
  const sessionOut = stringOption(v['session-out']);
  const earlyFile = stringOption(v['early-data']);
  if (earlyFile !== undefined && session === undefined) {
    throw new UsageError('--early-data needs --session-in FILE (0-RTT resumes a session)');
  }
  const early = earlyFile === undefined ? undefined : await io.readFile(earlyFile);
  const socket = openClient({
    session,
    psk: parsePsk(v),
    earlyData: early !== undefined,
    host,
    port,
    servername,
    ca: await readPem(io, stringOption(v.ca)),
    cert: await readPem(io, stringOption(v.cert)),
    key: await readPem(io, stringOption(v.key), 'PRIVATE KEY'),
    alpn: parseList(v.alpn),
    minVersion: parseVersion('--min-version', v['min-version']),
    maxVersion: parseVersion('--max-version', v['max-version']),
    groups: parseCodePoints('--groups', v.groups),
    ciphers: parseCodePoints('--ciphers', v.ciphers),
    rejectUnauthorized: v.insecure !== true,
    requestOcsp: v.ocsp === true,
    provider: await loadProvider(v.provider),
    onMessage: tracer && ((trace) => info(tracer.format(trace))),
    onAlert: tracer && ((alert) => info(tracer.formatAlert(alert))),
    onKeylog: keylogWriter(stringOption(v.keylog)),
  });
  const saved = sessionOut === undefined ? undefined : saveSessions(socket, sessionOut);
  // Written before the handshake: it leaves as early data if it fits the ticket's limit.
  if (early !== undefined) socket.write(early);
  try {
    await secureConnected(socket, limit);
    const params = negotiated(socket);
    let response: string | undefined;
    if (httpPath !== undefined) {
      socket.write(httpGet(httpPath, servername ?? host));
      response = await readAll(socket, limit);
    } else if (early !== undefined && json) {
      // The answer to the early data, if the server sends one soon.
      response = await readAll(socket, 1000);
    }
    if (json) {
      io.stdout(
        `${JSON.stringify({ ...params, ...(response === undefined ? {} : { response }) })}\n`,
      );
    } else {
      info(`connected to ${host}:${port}\n${formatNegotiated(params)}`);
      if (response !== undefined) io.stdout(`\n${response}`);
    }
    if (httpPath === undefined && !json) await pipe(socket, io);
    // A TLS 1.3 ticket comes after the handshake: give it a moment before closing.
    if (saved !== undefined && !(await saved.arrived(2000))) {
      io.stderr(`tlskit connect: the server sent no session to save in ${sessionOut}\n`);
    }
    return ExitCode.ok;
  } finally {
    await closeGracefully(socket);
  }
}

/** The session saved by `--session-out`, read back for `--session-in`; unreadable is an input error. */
async function readSession(io: Io, path: string | undefined): Promise<Uint8Array | undefined> {
  if (path === undefined) return undefined;
  const bytes = await io.readFile(path);
  try {
    decodeSession(bytes);
  } catch (error) {
    throw new InputError(
      `${path}: not a saved session (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return bytes;
}

/**
 * Writes each session the socket reports to `path` (owner-only: it holds the session secret),
 * the latest replacing the earlier. `arrived(ms)` waits, bounded, until one was written.
 */
function saveSessions(socket: TLSSocket, path: string): { arrived(ms: number): Promise<boolean> } {
  let written = false;
  socket.on('session', (session: Buffer) => {
    writeFileSync(path, session, { mode: 0o600 });
    written = true;
  });
  return {
    arrived: (ms) =>
      written || socket.destroyed
        ? Promise.resolve(written)
        : new Promise<boolean>((resolve) => {
            const done = (): void => {
              clearTimeout(timer);
              socket.off('session', done);
              socket.off('close', done);
              resolve(written);
            };
            const timer = setTimeout(done, ms);
            socket.once('session', done);
            socket.once('close', done);
          }),
  };
}

/** Sends close_notify and waits (at most a second) for the peer's, then lets go of the socket. */
export async function closeGracefully(socket: TLSSocket): Promise<void> {
  if (!socket.destroyed) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }
  socket.destroy();
}

/** Standard input to the peer, the peer to standard output, until the peer is done. */
function pipe(socket: TLSSocket, io: Io): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stdin = io.stdin;
    const onInput = (chunk: Buffer | string): void => {
      socket.write(chunk);
    };
    // End of input is a half-close (close_notify); the peer may still answer.
    const onInputEnd = (): void => {
      socket.end();
    };
    const done = (error?: Error): void => {
      stdin?.off('data', onInput);
      stdin?.off('end', onInputEnd);
      stdin?.pause();
      if (error) reject(error);
      else resolve();
    };
    socket.on('data', (chunk: Buffer) => {
      if (io.stdoutBytes) io.stdoutBytes(chunk);
      else io.stdout(chunk.toString('utf8'));
    });
    socket.once('end', () => done());
    socket.once('close', () => done());
    socket.once('error', (error: Error) => done(error));
    if (stdin === undefined) {
      socket.end();
      return;
    }
    stdin.on('data', onInput);
    stdin.once('end', onInputEnd);
  });
}
