/**
 * Issue 13: connect() behaves as node:tls.connect where the concept is the same. Each scenario
 * runs against node:tls's own client too, and the two must agree: half-close and process exit,
 * a server that leaves mid-handshake (also for connectStreams), and options checked before any
 * socket is opened.
 */
import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';
import { Duplex } from 'node:stream';
import {
  connect as nodeConnect,
  createServer as createNodeServer,
  type TLSSocket as NodeTLSSocket,
} from 'node:tls';
import { fileURLToPath } from 'node:url';
import { interopCerts, nodeScriptArgv } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, PeerDisconnectedError, TlsOptionError } from '../src/index.js';
import { connectStreams } from '../src/streams.js';

const certs = interopCerts();
const server = certs.server.ecdsaP256;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

/** A node:tls server on 127.0.0.1 running `serve` on each connection. */
async function nodeServer(serve: (socket: NodeTLSSocket) => void): Promise<number> {
  const tls = createNodeServer({ key: server.key.pem, cert: server.cert.pem }, (socket) => {
    socket.on('error', () => {});
    serve(socket);
  });
  tls.listen(0, '127.0.0.1');
  await once(tls, 'listening');
  cleanup.push(() => tls.close());
  return (tls.address() as AddressInfo).port;
}

/** A plain TCP server on 127.0.0.1 that counts connections and runs `serve` on each. */
async function tcpServer(serve: (socket: import('node:net').Socket) => void = () => {}) {
  let connections = 0;
  const tcp: Server = createNetServer({ allowHalfOpen: true }, (socket) => {
    connections++;
    socket.on('error', () => {});
    cleanup.push(() => socket.destroy());
    serve(socket);
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  cleanup.push(() => tcp.close());
  return { port: (tcp.address() as AddressInfo).port, connections: () => connections };
}

const clientOptions = (port: number) => ({
  host: '127.0.0.1',
  port,
  servername: 'tlskit.test',
  ca: certs.ca.cert.pem,
});

type Events = string[];
/** Records 'data', 'end', 'close' (bounded by `ms`) of a socket that writes one line. */
async function writeOnlyEvents(socket: Duplex & { on: Duplex['on'] }, ms = 3_000): Promise<Events> {
  cleanup.push(() => socket.destroy());
  const events: Events = [];
  socket.on('error', (error: Error & { code?: string }) => events.push(`error ${error.code}`));
  socket.on('data', () => {
    if (!events.includes('data')) events.push('data');
  });
  socket.on('end', () => events.push('end'));
  socket.once('secureConnect', () => socket.write('ping\n'));
  await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, ms))]);
  if (socket.destroyed) events.push('close');
  return events;
}

describe('half-close, as node:tls (allowHalfOpen false by default)', () => {
  // The server answers once and ends its side (close_notify, FIN); the client never calls end().
  const answerAndEnd = (socket: NodeTLSSocket) => socket.once('data', () => socket.end('pong\n'));

  it("a client that only writes gets 'end' then 'close', as node:tls's client does", async () => {
    const port = await nodeServer(answerAndEnd);
    const theirs = await writeOnlyEvents(nodeConnect(clientOptions(port)));
    const ours = await writeOnlyEvents(connect(clientOptions(port)));
    expect(theirs).toEqual(['data', 'end', 'close']);
    expect(ours).toEqual(theirs);
  });

  it('with allowHalfOpen: true the client stays writable after the server ends, as node:tls', async () => {
    const port = await nodeServer(answerAndEnd);
    const makers: (() => Duplex)[] = [
      () => nodeConnect({ ...clientOptions(port), allowHalfOpen: true } as never),
      () => connect({ ...clientOptions(port), allowHalfOpen: true }),
    ];
    for (const make of makers) {
      const socket = make();
      const events = await writeOnlyEvents(socket, 700);
      expect(events).toEqual(['data', 'end']);
      expect(socket.writable).toBe(true);
    }
  });

  it('the process of a client that only writes exits by itself once the server ends', async () => {
    const port = await nodeServer(answerAndEnd);
    const script = fileURLToPath(new URL('./peers/writes-only.ts', import.meta.url));
    const run = async (which: 'node' | 'tlskit') => {
      const [command, ...args] = nodeScriptArgv(script, [String(port), certs.ca.cert.file, which]);
      const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      cleanup.push(() => child.kill());
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const timer = setTimeout(() => child.kill(), 15_000);
      const [code, signal] = await once(child, 'exit');
      clearTimeout(timer);
      return { code, signal, events: out.trim().split('\n') };
    };
    const theirs = await run('node');
    expect(theirs).toEqual({ code: 0, signal: null, events: ['data', 'end', 'close'] });
    expect(await run('tlskit')).toEqual(theirs);
  }, 40_000);
});

describe('a server that leaves during the handshake', () => {
  /** Reads the ClientHello, then closes TCP (FIN) without a word, as a crashed server would. */
  const leaveAfterClientHello = (socket: import('node:net').Socket) =>
    socket.once('data', () => socket.end());

  async function settle(start: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
    const begin = Date.now();
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('never settled')), 5_000),
    );
    try {
      await Promise.race([start(), timeout]);
    } catch (error) {
      return { error, ms: Date.now() - begin };
    }
    throw new Error('the handshake succeeded');
  }

  const failure = (socket: Duplex) =>
    new Promise((_, reject) => {
      cleanup.push(() => socket.destroy());
      socket.once('error', reject);
    });

  it('fails connect(), connectStreams() and node:tls alike: ECONNRESET, at once', async () => {
    const { port } = await tcpServer(leaveAfterClientHello);
    const theirs = await settle(() => failure(nodeConnect(clientOptions(port))));
    const ours = await settle(() => failure(connect(clientOptions(port))));
    const streams = await settle(async () => {
      const { connect: netConnect } = await import('node:net');
      const tcp = netConnect({ host: '127.0.0.1', port });
      cleanup.push(() => tcp.destroy());
      await once(tcp, 'connect');
      return connectStreams(Duplex.toWeb(tcp) as never, {
        servername: 'tlskit.test',
        ca: certs.ca.cert.pem,
      });
    });
    const shape = (error: unknown) => ({
      code: (error as { code?: string }).code,
      message: (error as Error).message,
    });
    expect(shape(theirs.error)).toEqual({
      code: 'ECONNRESET',
      message: 'Client network socket disconnected before secure TLS connection was established',
    });
    expect(shape(ours.error)).toEqual(shape(theirs.error));
    expect(shape(streams.error)).toEqual(shape(theirs.error));
    expect(ours.error).toBeInstanceOf(PeerDisconnectedError);
    expect(streams.error).toBeInstanceOf(PeerDisconnectedError);
    // Same timing: as soon as the FIN arrives, not at some timeout.
    expect(ours.ms).toBeLessThan(1_000);
    expect(streams.ms).toBeLessThan(1_000);
  });
});

describe('a server that does not speak TLS', () => {
  it('is reported as ERR_NOT_TLS, where node:tls reports ERR_SSL_WRONG_VERSION_NUMBER', async () => {
    // What a plain HTTP server answers to bytes it cannot parse.
    const { port } = await tcpServer((socket) =>
      socket.once('data', () =>
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'),
      ),
    );
    const errorOf = (socket: Duplex) =>
      new Promise<Error & { code?: string }>((resolve) => {
        cleanup.push(() => socket.destroy());
        socket.once('error', resolve);
      });
    const theirs = await errorOf(nodeConnect(clientOptions(port)));
    const ours = await errorOf(connect(clientOptions(port)));
    expect(theirs.code).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(ours.code).toBe('ERR_NOT_TLS');
    expect(ours.message).toMatch(/the peer does not speak TLS.*"HT/);
  });
});

describe('connect() checks its options before any I/O', () => {
  const truncatedCa = certs.ca.cert.pem.slice(0, certs.ca.cert.pem.length / 2);
  // node:crypto encrypts (PBES2, AES-256-CBC): an independent writer of the format we read.
  const encryptedKeyNoPassphrase = createPrivateKey(certs.client.ecdsa.key.pem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
    .toString();

  const cases: [string, Record<string, unknown>, string][] = [
    ['a truncated ca', { ca: truncatedCa }, 'ERR_CERT_MALFORMED'],
    ['a ca without a certificate', { ca: certs.client.ecdsa.key.pem }, 'ERR_PEM_NO_CERTIFICATE'],
    ['a ca given as a file path', { ca: certs.ca.cert.file }, 'ERR_PEM_NO_CERTIFICATE'],
    ['an empty ca', { ca: '' }, 'ERR_PEM_NO_CERTIFICATE'],
    ['minVersion TLSv1.1', { minVersion: 'TLSv1.1' }, 'ERR_TLS_INVALID_PROTOCOL_VERSION'],
    ['maxVersion TLSv9', { maxVersion: 'TLSv9' }, 'ERR_TLS_INVALID_PROTOCOL_VERSION'],
    [
      'minVersion above maxVersion',
      { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' },
      'ERR_TLS_INVALID_PROTOCOL_VERSION',
    ],
    ['an unknown group', { groups: ['x25519', 'nope'] }, 'ERR_INVALID_ARG_VALUE'],
    ['an unknown cipher suite', { cipherSuites: ['TLS_NOPE'] }, 'ERR_INVALID_ARG_VALUE'],
    [
      'only TLS 1.2 suites with minVersion TLSv1.3',
      { minVersion: 'TLSv1.3', cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] },
      'ERR_INVALID_ARG_VALUE',
    ],
    ['groups the provider lacks', { groups: [0x1234] }, 'ERR_INVALID_ARG_VALUE'],
    ['an empty ALPN name', { ALPNProtocols: [''] }, 'ERR_INVALID_ARG_VALUE'],
    ['node:tls ciphers', { ciphers: 'HIGH' }, 'ERR_TLS_UNSUPPORTED_OPTION'],
    ['node:tls secureProtocol', { secureProtocol: 'TLSv1_2_method' }, 'ERR_TLS_UNSUPPORTED_OPTION'],
    ['node:tls ecdhCurve', { ecdhCurve: 'P-256' }, 'ERR_TLS_UNSUPPORTED_OPTION'],
    ['node:tls pfx', { pfx: new Uint8Array(4) }, 'ERR_TLS_UNSUPPORTED_OPTION'],
    ['node:tls sigalgs', { sigalgs: 'ECDSA+SHA256' }, 'ERR_TLS_UNSUPPORTED_OPTION'],
    ['a cert without its key', { cert: certs.client.ecdsa.cert.pem }, 'ERR_INVALID_ARG_VALUE'],
    [
      'a client key that does not match its certificate',
      { cert: certs.client.ecdsa.cert.pem, key: certs.client.rsa.key.pem },
      'ERR_OSSL_X509_KEY_VALUES_MISMATCH',
    ],
    [
      'cert and key swapped',
      { cert: certs.client.ecdsa.key.pem, key: certs.client.ecdsa.cert.pem },
      'ERR_PEM_NO_CERTIFICATE',
    ],
    [
      'an encrypted client key without passphrase',
      { cert: certs.client.ecdsa.cert.pem, key: encryptedKeyNoPassphrase },
      'ERR_MISSING_PASSPHRASE',
    ],
    [
      'an encrypted client key with a wrong passphrase',
      { cert: certs.client.ecdsa.cert.pem, key: encryptedKeyNoPassphrase, passphrase: 'wrong' },
      'ERR_OSSL_BAD_DECRYPT',
    ],
    ['a port that is not a number', { port: 'x' }, 'ERR_SOCKET_BAD_PORT'],
  ];

  for (const [what, options, code] of cases) {
    it(`throws ${code} synchronously for ${what}, and opens no socket`, async () => {
      const { port, connections } = await tcpServer();
      let thrown: unknown;
      try {
        connect({ ...clientOptions(port), ...options } as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TlsOptionError);
      expect(thrown).toMatchObject({ code });
      // Give a socket that was opened anyway the time to reach the server.
      await new Promise((r) => setTimeout(r, 150));
      expect(connections()).toBe(0);
    });
  }

  it('throws the code node:tls throws for the same version mistake', () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    const options = { host: '127.0.0.1', port: 1, maxVersion: 'TLSv9' } as never;
    expect(code(() => connect(options))).toBe(code(() => nodeConnect(options)));
  });

  it('accepts an encrypted client key with its passphrase and presents it', async () => {
    const client = certs.client.ecdsa;
    const tls = createNodeServer(
      {
        key: server.key.pem,
        cert: server.cert.pem,
        ca: certs.clientCa.cert.pem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (socket) => socket.end(socket.authorized ? 'authorized\n' : 'not authorized\n'),
    );
    tls.listen(0, '127.0.0.1');
    await once(tls, 'listening');
    cleanup.push(() => tls.close());
    const socket = connect({
      ...clientOptions((tls.address() as AddressInfo).port),
      cert: client.cert.pem,
      key: encryptedKeyNoPassphrase,
      passphrase: 'secret',
    });
    cleanup.push(() => socket.destroy());
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    await once(socket, 'end', { signal: AbortSignal.timeout(5_000) });
    expect(text).toBe('authorized\n');
  });
});
