/**
 * Captures the ClientHello fixtures in packages/wire/test/fixtures from real TLS clients, and the
 * first server flight of `openssl s_server`. Run from the repository root:
 *
 *   node --import tsx packages/cli/scripts/capture-fixtures.ts [name...]
 *
 * Every socket is on 127.0.0.1. A capture listener accepts one connection, keeps the first
 * complete TLS record the client sends (RFC 8446 5.1: 5-byte header, then `length` bytes) and
 * closes, so no handshake ever completes and nothing but the ClientHello is recorded.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

const loopback = '127.0.0.1';
/** The SNI every client is told to send, so tests can assert it. */
const serverName = 'tlskit.test';
const fixtures = new URL('../../../packages/wire/test/fixtures/', import.meta.url);
const captureTimeoutMs = 30_000;

/** Wraps hex at 64 digits (32 bytes) a line; whitespace is ignored by every reader of fixtures. */
function toHexLines(bytes: Uint8Array): string {
  const digits = Buffer.from(bytes).toString('hex');
  const lines: string[] = [];
  for (let i = 0; i < digits.length; i += 64) lines.push(digits.slice(i, i + 64));
  return `${lines.join('\n')}\n`;
}

function save(name: string, bytes: Uint8Array): void {
  writeFileSync(new URL(name, fixtures), toHexLines(bytes));
  console.log(`${name}: ${bytes.length} bytes`);
}

/**
 * Listens on a free loopback port; `record` resolves with the first complete record the first
 * client sends. The listener closes after that connection.
 */
async function captureListener(): Promise<{ port: number; record: Promise<Uint8Array> }> {
  let resolveRecord!: (bytes: Uint8Array) => void;
  let rejectRecord!: (error: Error) => void;
  const record = new Promise<Uint8Array>((resolve, reject) => {
    resolveRecord = resolve;
    rejectRecord = reject;
  });
  const server = createServer((socket: Socket) => {
    server.close();
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 5) return;
      const total = 5 + buffered.readUInt16BE(3);
      if (buffered.length < total) return;
      resolveRecord(new Uint8Array(buffered.subarray(0, total)));
      socket.destroy();
    });
    socket.on('error', () => {});
  });
  const timer = setTimeout(() => {
    server.close();
    rejectRecord(new Error('no ClientHello within the timeout'));
  }, captureTimeoutMs);
  void record.finally(() => clearTimeout(timer)).catch(() => {});
  await new Promise<void>((resolve) => server.listen(0, loopback, resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port assigned');
  return { port: address.port, record };
}

/** Starts `command` pointed at the listener, waits for the record, then stops the client. */
async function captureFrom(
  name: string,
  start: (port: number) => ChildProcess | { kill(): void },
): Promise<void> {
  const { port, record } = await captureListener();
  const client = start(port);
  try {
    save(name, await record);
  } finally {
    client.kill();
  }
}

function run(command: string, args: string[]): ChildProcess {
  return spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'] });
}

const clients: Record<string, () => Promise<void>> = {
  'openssl-s_client.hex': () =>
    captureFrom('openssl-s_client.hex', (port) =>
      run('openssl', ['s_client', '-connect', `${loopback}:${port}`, '-servername', serverName]),
    ),
  'openssl-s_client-tls12.hex': () =>
    captureFrom('openssl-s_client-tls12.hex', (port) =>
      run('openssl', [
        's_client',
        '-tls1_2',
        '-connect',
        `${loopback}:${port}`,
        '-servername',
        serverName,
      ]),
    ),
  'gnutls-cli.hex': () =>
    captureFrom('gnutls-cli.hex', (port) =>
      run('gnutls-cli', [
        '--insecure',
        '--port',
        String(port),
        '--sni-hostname',
        serverName,
        '--alpn',
        'http/1.1',
        loopback,
      ]),
    ),
  'node-tls.hex': () =>
    captureFrom('node-tls.hex', (port) => {
      const socket = tlsConnect({
        host: loopback,
        port,
        servername: serverName,
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      socket.on('error', () => {});
      return { kill: () => socket.destroy() };
    }),
  'chromium.hex': () =>
    captureFrom('chromium.hex', (port) =>
      run('chromium', [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${mkdtempSync(join(tmpdir(), 'tlskit-chromium-'))}`,
        // Chromium sends no SNI for an IP literal (RFC 6066 3), so map a name to loopback.
        `--host-resolver-rules=MAP ${serverName} ${loopback}`,
        '--dump-dom',
        `https://${serverName}:${port}/`,
      ]),
    ),
};

/**
 * Sends a recorded ClientHello to `openssl s_server` and keeps the server's plaintext records:
 * everything before the first application_data record (in TLS 1.3 that is ServerHello and the
 * compatibility ChangeCipherSpec; in TLS 1.2 the whole first flight up to ServerHelloDone).
 */
async function captureServerFlight(
  name: string,
  clientHelloFixture: string,
  serverArgs: readonly string[] = [],
): Promise<void> {
  const { port, server } = await startServer(serverArgs);
  try {
    const hello = Buffer.from(
      readFileSync(new URL(clientHelloFixture, fixtures), 'utf8').replace(/\s+/g, ''),
      'hex',
    );
    const received = await exchange(port, hello);
    save(name, plaintextPrefix(received));
  } finally {
    server.kill();
  }
}

/**
 * Starts `openssl s_server` on a free loopback port for one connection, with a throw-away
 * ECDSA P-256 certificate for {@link serverName}, and waits until it accepts.
 */
async function startServer(
  serverArgs: readonly string[],
): Promise<{ port: number; server: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'tlskit-s_server-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '3650',
    '-subj',
    `/CN=${serverName}`,
    '-addext',
    `subjectAltName=DNS:${serverName}`,
  ]);
  const port = await freePort();
  const server = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      `${loopback}:${port}`,
      '-naccept',
      '1',
      '-cert',
      cert,
      '-key',
      key,
      ...serverArgs,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  await waitForAccept(server);
  return { port, server };
}

/**
 * A whole TLS 1.2 session between `openssl s_client -tls1_2` and `openssl s_server`, recorded
 * by a loopback proxy in both directions: the client's stream (ClientHello, ClientKeyExchange,
 * ChangeCipherSpec, then protected records) and the server's (its first flight, the RFC 5077
 * NewSessionTicket, ChangeCipherSpec, then protected records). s_client's standard input is
 * closed at once, so it sends close_notify right after the handshake.
 */
async function captureTls12Session(clientName: string, serverStreamName: string): Promise<void> {
  const { port: serverPort, server } = await startServer([]);
  const fromClient: Buffer[] = [];
  const fromServer: Buffer[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const proxy = createServer((downstream) => {
    proxy.close();
    const upstream = createConnection({ host: loopback, port: serverPort });
    downstream.on('data', (chunk: Buffer) => {
      fromClient.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      fromServer.push(chunk);
      downstream.write(chunk);
    });
    let open = 2;
    const closed = (): void => {
      open -= 1;
      if (open === 0) done();
    };
    downstream.on('close', () => {
      upstream.end();
      closed();
    });
    upstream.on('close', () => {
      downstream.end();
      closed();
    });
    downstream.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => proxy.listen(0, loopback, resolve));
  const address = proxy.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port assigned');
  const client = spawn(
    'openssl',
    ['s_client', '-tls1_2', '-connect', `${loopback}:${address.port}`, '-servername', serverName],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const timer = setTimeout(done, 15_000);
  try {
    await finished;
  } finally {
    clearTimeout(timer);
    client.kill();
    server.kill();
  }
  save(clientName, Buffer.concat(fromClient));
  save(serverStreamName, Buffer.concat(fromServer));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, loopback, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** `openssl s_server` prints ACCEPT once it listens. */
function waitForAccept(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('s_server did not start')), 10_000);
    server.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ACCEPT')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', () => reject(new Error('s_server exited')));
  });
}

/** Sends `hello` and collects what comes back until the server has been quiet for a second. */
function exchange(port: number, hello: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: loopback, port });
    const chunks: Buffer[] = [];
    let idle: NodeJS.Timeout | undefined;
    const finish = (): void => {
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    const hardStop = setTimeout(finish, 10_000);
    socket.on('connect', () => socket.write(hello));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(idle);
      idle = setTimeout(() => {
        clearTimeout(hardStop);
        finish();
      }, 1000);
    });
    socket.on('error', reject);
  });
}

function plaintextPrefix(bytes: Buffer): Uint8Array {
  let offset = 0;
  // Bounded by the input: each step advances by at least the 5-byte header.
  while (offset + 5 <= bytes.length && bytes[offset] !== 23) {
    const end = offset + 5 + bytes.readUInt16BE(offset + 3);
    if (end > bytes.length) break;
    offset = end;
  }
  return new Uint8Array(bytes.subarray(0, offset));
}

const servers: Record<string, () => Promise<void>> = {
  'openssl-s_server-tls13-flight.hex': () =>
    captureServerFlight('openssl-s_server-tls13-flight.hex', 'openssl-s_client.hex'),
  'openssl-s_server-tls12-flight.hex': () =>
    captureServerFlight('openssl-s_server-tls12-flight.hex', 'openssl-s_client-tls12.hex'),
  // The client's only key share is x25519; a server that accepts only P-384 asks for another
  // with a HelloRetryRequest (RFC 8446 section 4.1.4).
  'openssl-s_server-hrr.hex': () =>
    captureServerFlight('openssl-s_server-hrr.hex', 'openssl-s_client.hex', [
      '-groups',
      'secp384r1',
    ]),
  'openssl-tls12-session-client.hex': () =>
    captureTls12Session('openssl-tls12-session-client.hex', 'openssl-tls12-session-server.hex'),
  // A TLS 1.3-only server refuses a TLS 1.2-only ClientHello: a real protocol_version alert.
  'openssl-s_server-alert.hex': () =>
    captureServerFlight('openssl-s_server-alert.hex', 'openssl-s_client-tls12.hex', ['-tls1_3']),
};

const all = { ...clients, ...servers };
const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(all)) {
  const capture = all[name];
  if (!capture) throw new Error(`unknown fixture ${name}; known: ${Object.keys(all).join(', ')}`);
  await capture();
}
