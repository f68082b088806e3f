/**
 * Issue 13: createServer() behaves as node:tls.createServer where the concept is the same. Each
 * scenario runs against a node:tls server too and the two must agree: closing after the client's
 * close_notify and FIN, the handshake timeout, a non-TLS client, and configuration mistakes
 * thrown at creation.
 */
import { once } from 'node:events';
import { createPrivateKey } from 'node:crypto';
import { type AddressInfo, connect as netConnect, type Socket } from 'node:net';
import {
  connect as nodeConnect,
  createServer as createNodeServer,
  createSecureContext as nodeSecureContext,
} from 'node:tls';
import { interopCerts } from '@tlskit/interop';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSecureContext,
  createServer,
  defaultHandshakeTimeout,
  TlsOptionError,
} from '../src/index.js';

const certs = interopCerts();
const credential = certs.server.ecdsaP256;
const cleanup: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const step of cleanup.splice(0)) step();
});

type AnyServer = {
  listen(port: number, host: string): unknown;
  close(): unknown;
  address(): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
};

const makers = {
  'node:tls': (options: object, listener?: (socket: Socket) => void) =>
    createNodeServer(options, listener as never) as unknown as AnyServer,
  tlskit: (options: object, listener?: (socket: Socket) => void) =>
    createServer(options, listener as never) as unknown as AnyServer,
};

async function listen(server: AnyServer): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server as never, 'listening');
  cleanup.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

const serverOptions = { key: credential.key.pem, cert: credential.cert.pem };

/** A node:tls client of the server on `port`, destroyed after the test. */
function nodeClient(port: number) {
  const client = nodeConnect({
    host: '127.0.0.1',
    port,
    servername: 'tlskit.test',
    ca: certs.ca.cert.pem,
  });
  cleanup.push(() => client.destroy());
  return client;
}

describe('closing after the client ends, as node:tls (allowHalfOpen false by default)', () => {
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: the server socket gets 'end' then 'close' after the client's close_notify and FIN`, async () => {
      const serverEvents: string[] = [];
      let closed!: () => void;
      const serverClosed = new Promise<void>((resolve) => {
        closed = resolve;
      });
      // The application reads and never calls end(): the library must close for it.
      const server = make(serverOptions, (socket: Socket) => {
        socket.on('error', () => {});
        socket.on('data', () => serverEvents.push('data'));
        socket.on('end', () => serverEvents.push('end'));
        socket.on('close', () => {
          serverEvents.push('close');
          closed();
        });
      });
      const port = await listen(server);
      const client = nodeClient(port);
      client.on('error', () => {});
      await once(client, 'secureConnect');
      client.end('ping\n');
      const timeout = new Promise((r) => setTimeout(r, 3_000));
      await Promise.race([serverClosed, timeout]);
      expect(serverEvents).toEqual(['data', 'end', 'close']);
      // The client sees the connection close too.
      await Promise.race([once(client, 'close'), timeout]);
      expect(client.destroyed).toBe(true);
    });
  }
});

describe('handshakeTimeout, as node:tls', () => {
  /** Sends `bytes` and waits (bounded) for the server to close. */
  async function stall(port: number, bytes: Uint8Array): Promise<'close' | 'open'> {
    const socket = netConnect({ host: '127.0.0.1', port });
    cleanup.push(() => socket.destroy());
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(bytes);
    return Promise.race([
      once(socket, 'close').then(() => 'close' as const),
      new Promise<'open'>((r) => setTimeout(() => r('open'), 3_000)),
    ]);
  }

  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: three bytes of a record header, then silence: tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT`, async () => {
      const errors: (Error & { code?: string })[] = [];
      const reported: number[] = [];
      const started = Date.now();
      const server = make({ ...serverOptions, handshakeTimeout: 300 });
      server.on('tlsClientError', (error: never) => {
        errors.push(error);
        reported.push(Date.now() - started);
      });
      const port = await listen(server);
      const closed = await stall(port, Uint8Array.of(22, 3, 1));
      expect(errors.map((e) => [e.code, e.message])).toEqual([
        ['ERR_TLS_HANDSHAKE_TIMEOUT', 'TLS handshake timeout'],
      ]);
      expect(reported[0]).toBeGreaterThanOrEqual(250);
      // A documented difference: node:tls leaves the socket to the tlsClientError listener (it
      // stays open here); tlskit destroys it, so a slow client cannot hold it past the timeout.
      expect(closed).toBe(name === 'tlskit' ? 'close' : 'open');
    });
  }

  it('defaults to 120 s, as node:tls', async () => {
    expect(defaultHandshakeTimeout).toBe(120_000);
    const errors: (Error & { code?: string })[] = [];
    const server = createServer(serverOptions);
    server.on('tlsClientError', (error: Error) => errors.push(error));
    const port = await listen(server as unknown as AnyServer);
    // Only the server's timers are faked; sockets still run on real I/O.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const socket = netConnect({ host: '127.0.0.1', port });
    cleanup.push(() => socket.destroy());
    socket.on('error', () => {});
    const accepted = once(server as never, 'connection');
    socket.write(Uint8Array.of(22, 3, 1));
    await accepted;
    // The error is emitted on the next tick after the timer fires.
    const ticks = () => new Promise((r) => setImmediate(r));
    vi.advanceTimersByTime(119_000);
    await ticks();
    expect(errors).toEqual([]);
    vi.advanceTimersByTime(1_000);
    await ticks();
    expect(errors.map((e) => e.code)).toEqual(['ERR_TLS_HANDSHAKE_TIMEOUT']);
  });
});

describe('a client that does not speak TLS', () => {
  it('is reported as ERR_NOT_TLS, where node:tls reports ERR_SSL_HTTP_REQUEST', async () => {
    const codes: Record<string, string | undefined> = {};
    for (const [name, make] of Object.entries(makers)) {
      const server = make(serverOptions);
      const reported = new Promise<Error & { code?: string }>((resolve) =>
        server.on('tlsClientError', (error: never) => resolve(error)),
      );
      const port = await listen(server);
      const socket = netConnect({ host: '127.0.0.1', port });
      cleanup.push(() => socket.destroy());
      socket.on('error', () => {});
      socket.write('GET / HTTP/1.1\r\nHost: tlskit.test\r\n\r\n');
      const error = await Promise.race([
        reported,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no report')), 3_000)),
      ]);
      codes[name] = error.code;
      if (name === 'tlskit') {
        expect(error.message).toMatch(/does not speak TLS.*"GET .*an HTTP request/);
        // What node:tls's code says, as a field of tlskit's coarser ERR_NOT_TLS.
        expect(error).toMatchObject({ looksLike: 'http-request' });
      }
    }
    expect(codes).toEqual({ 'node:tls': 'ERR_SSL_HTTP_REQUEST', tlskit: 'ERR_NOT_TLS' });
  });
});

describe('configuration mistakes throw at creation, as node:tls', () => {
  // Another ECDSA P-256 key: OpenSSL files a key of another type beside the certificate instead
  // of comparing them, so node:tls notices only a mismatch within one key type.
  const other = certs.server.expired;
  const encrypted = createPrivateKey(credential.key.pem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
    .toString();
  const truncated = (pem: string) => pem.slice(0, Math.floor(pem.length / 2));

  // [what, options, our code, node's code]
  const cases: [string, Record<string, unknown>, string, string][] = [
    [
      'a key that does not match the certificate',
      { key: other.key.pem, cert: credential.cert.pem },
      'ERR_OSSL_X509_KEY_VALUES_MISMATCH',
      'ERR_OSSL_X509_KEY_VALUES_MISMATCH',
    ],
    [
      'a truncated certificate',
      { key: credential.key.pem, cert: truncated(credential.cert.pem) },
      'ERR_CERT_MALFORMED',
      'ERR_OSSL_PEM_BAD_END_LINE',
    ],
    [
      'a truncated key',
      { key: truncated(credential.key.pem), cert: credential.cert.pem },
      'ERR_DECODE',
      'ERR_OSSL_UNSUPPORTED',
    ],
    [
      'cert and key swapped',
      { key: credential.cert.pem, cert: credential.key.pem },
      'ERR_PEM_NO_CERTIFICATE',
      'ERR_OSSL_PEM_NO_START_LINE',
    ],
    [
      'file paths instead of PEM',
      { key: credential.key.file, cert: credential.cert.file },
      'ERR_PEM_NO_CERTIFICATE',
      'ERR_OSSL_PEM_NO_START_LINE',
    ],
    [
      'an encrypted key without passphrase',
      { key: encrypted, cert: credential.cert.pem },
      'ERR_MISSING_PASSPHRASE',
      'ERR_OSSL_BAD_DECRYPT',
    ],
    [
      'an encrypted key with a wrong passphrase',
      { key: encrypted, cert: credential.cert.pem, passphrase: 'wrong' },
      'ERR_OSSL_BAD_DECRYPT',
      'ERR_OSSL_BAD_DECRYPT',
    ],
    [
      'maxVersion TLSv9',
      { ...serverOptions, maxVersion: 'TLSv9' },
      'ERR_TLS_INVALID_PROTOCOL_VERSION',
      'ERR_TLS_INVALID_PROTOCOL_VERSION',
    ],
  ];

  const thrown = (run: () => unknown): (Error & { code?: string }) | undefined => {
    try {
      run();
    } catch (error) {
      return error as Error & { code?: string };
    }
    return undefined;
  };

  for (const [what, options, ours, theirs] of cases) {
    it(`refuses ${what}: ${ours} (node:tls: ${theirs})`, () => {
      expect(thrown(() => createNodeServer(options))?.code).toBe(theirs);
      for (const create of [() => createServer(options), () => createSecureContext(options)]) {
        const error = thrown(create);
        expect(error).toBeInstanceOf(TlsOptionError);
        expect(error?.code).toBe(ours);
      }
      if (ours === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
        expect(thrown(() => nodeSecureContext(options))?.code).toBe(ours);
      }
    });
  }

  it('names the mistake: swapped PEM, a file path, a missing passphrase', () => {
    expect(thrown(() => createServer(cases[3]![1]))?.message).toMatch(/swapped/);
    expect(thrown(() => createServer(cases[4]![1]))?.message).toMatch(/file name/);
    expect(thrown(() => createServer(cases[5]![1]))?.message).toMatch(/passphrase/);
  });

  for (const option of ['ciphers', 'secureProtocol', 'ecdhCurve', 'honorCipherOrder', 'dhparam']) {
    it(`refuses the node:tls option ${option}, which tlskit does not implement`, () => {
      const value = option === 'honorCipherOrder' ? true : 'x';
      const error = thrown(() => createServer({ ...serverOptions, [option]: value }));
      expect(error).toBeInstanceOf(TlsOptionError);
      expect(error).toMatchObject({ code: 'ERR_TLS_UNSUPPORTED_OPTION', option });
    });
  }

  it("takes node:tls's key: [{ pem, passphrase }] form, and checks each passphrase", () => {
    const good = { key: [{ pem: encrypted, passphrase: 'secret' }], cert: credential.cert.pem };
    const bad = { key: [{ pem: encrypted, passphrase: 'wrong' }], cert: credential.cert.pem };
    expect(thrown(() => nodeSecureContext(good))).toBeUndefined();
    expect(thrown(() => createSecureContext(good))).toBeUndefined();
    expect(thrown(() => nodeSecureContext(bad))?.code).toBe('ERR_OSSL_BAD_DECRYPT');
    expect(thrown(() => createSecureContext(bad))?.code).toBe('ERR_OSSL_BAD_DECRYPT');
  });

  it('serves with an encrypted key and its passphrase, like node:tls', async () => {
    const options = { key: encrypted, cert: credential.cert.pem, passphrase: 'secret' };
    for (const make of Object.values(makers)) {
      const server = make(options, (socket: Socket) => socket.end('hello\n'));
      const port = await listen(server);
      const client = nodeClient(port);
      let text = '';
      client.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      await once(client, 'end', { signal: AbortSignal.timeout(5_000) });
      expect(text).toBe('hello\n');
    }
  });
});
