/**
 * connectStreams(): the client over WHATWG streams, against a node:tls server, and a check that
 * the streams entry point pulls in no Node.js module.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Duplex } from 'node:stream';
import { createServer } from 'node:tls';
import { interopCerts } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { connectStreams } from '../src/streams.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

describe('connectStreams()', () => {
  it('runs a TLS 1.3 handshake and echoes data over a pair of WHATWG streams', async () => {
    const credential = certs.server.ecdsaP256;
    const server = createServer(
      { key: credential.key.pem, cert: credential.cert.pem, ALPNProtocols: ['echo'] },
      (socket) => {
        socket.on('error', () => {});
        socket.pipe(socket);
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const tcp = netConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    cleanup.push(() => {
      tcp.destroy();
      server.close();
    });
    await once(tcp, 'connect');
    // Duplex.toWeb stands in for a WebSocket or Deno.connect: the client sees only web streams.
    // Its result is accepted as it is, without a cast.
    const transport = Duplex.toWeb(tcp);

    const tls = await connectStreams(transport, {
      servername: 'tlskit.test',
      ca: credential.ca.pem,
      ALPNProtocols: ['echo'],
    });
    expect(tls.info.version).toBe('TLSv1.3');
    expect(tls.info.alpn).toBe('echo');
    const writer = tls.writable.getWriter();
    await writer.write(new TextEncoder().encode('over web streams'));
    const reader = tls.readable.getReader();
    let text = '';
    for (let i = 0; i < 20 && text.length < 16; i++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toBe('over web streams');
    await writer.close();
  });

  it('rejects with the certificate error when the server is not trusted', async () => {
    const credential = certs.server.untrusted;
    const server = createServer({ key: credential.key.pem, cert: credential.cert.pem }, (socket) =>
      socket.on('error', () => {}),
    );
    server.on('tlsClientError', () => {});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const tcp = netConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    cleanup.push(() => {
      tcp.destroy();
      server.close();
    });
    await once(tcp, 'connect');
    const transport = Duplex.toWeb(tcp);
    await expect(
      connectStreams(transport, { servername: 'tlskit.test', ca: certs.ca.cert.pem }),
    ).rejects.toMatchObject({
      code: 'ERR_CERT_UNKNOWN_ISSUER',
    });
  });
});

/** A node:tls server on 127.0.0.1 (serving `serve`), and a TCP socket to it as web streams. */
async function serverAndTransport(
  credential: { key: { pem: string }; cert: { pem: string } },
  serve: (socket: import('node:tls').TLSSocket) => void = (socket) => socket.pipe(socket),
) {
  const server = createServer({ key: credential.key.pem, cert: credential.cert.pem }, (socket) => {
    socket.on('error', () => {});
    serve(socket);
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const tcp = netConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  cleanup.push(() => {
    tcp.destroy();
    server.close();
  });
  await once(tcp, 'connect');
  return { tcp, transport: Duplex.toWeb(tcp) };
}

describe('connectStreams() verification options', () => {
  it('rejectUnauthorized: false accepts an untrusted chain and reports why', async () => {
    const { transport } = await serverAndTransport(certs.server.untrusted);
    const tls = await connectStreams(transport, {
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
      rejectUnauthorized: false,
    });
    expect(tls.authorized).toBe(false);
    expect(tls.authorizationError).toMatchObject({ code: 'ERR_CERT_UNKNOWN_ISSUER' });
    await tls.writable.close();
  });

  it('a trusted chain is authorized with authorizationError null', async () => {
    const { transport } = await serverAndTransport(certs.server.ecdsaP256);
    const tls = await connectStreams(transport, {
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
    });
    expect([tls.authorized, tls.authorizationError]).toEqual([true, null]);
    await tls.writable.close();
  });

  it('checkServerIdentity replaces the host name check, and its Error refuses the server', async () => {
    const seen: string[] = [];
    const accept = await serverAndTransport(certs.server.ecdsaP256);
    // other.example is not in the certificate: only the hook decides.
    const tls = await connectStreams(accept.transport, {
      servername: 'other.example',
      ca: certs.ca.cert.pem,
      checkServerIdentity: (host, leaf, chain) => {
        seen.push(`${host} ${leaf.subjectAltNames?.length} names, chain of ${chain.length}`);
        return undefined;
      },
    });
    expect(tls.authorized).toBe(true);
    expect(seen).toEqual(['other.example 3 names, chain of 2']);
    await tls.writable.close();

    const refuse = await serverAndTransport(certs.server.ecdsaP256);
    await expect(
      connectStreams(refuse.transport, {
        servername: 'tlskit.test',
        ca: certs.ca.cert.pem,
        checkServerIdentity: () => new Error('pinned key does not match'),
      }),
    ).rejects.toMatchObject({
      code: 'ERR_CERT_HOSTNAME_MISMATCH',
      message: 'pinned key does not match',
    });
  });
});

describe('connectStreams() backpressure', () => {
  it('stops reading the transport while the application does not read', async () => {
    const total = 4 * 1024 * 1024;
    const { transport } = await serverAndTransport(certs.server.ecdsaP256, (socket) => {
      socket.end(Buffer.alloc(total, 0x61));
    });
    // Count what tlskit takes from the transport: pull-through, no buffering of its own.
    let taken = 0;
    const source = transport.readable.getReader();
    const counted = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { value, done } = await source.read();
          if (done) controller.close();
          else {
            taken += value.byteLength;
            controller.enqueue(value);
          }
        },
      },
      { highWaterMark: 0 },
    );
    const tls = await connectStreams(
      { readable: counted, writable: transport.writable },
      { servername: 'tlskit.test', ca: certs.ca.cert.pem, readableHighWaterMark: 64 * 1024 },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 64 KiB of plaintext queued plus at most a record or two in flight, not the 4 MiB sent.
    expect(taken).toBeLessThan(256 * 1024);
    let received = 0;
    const reader = tls.readable.getReader();
    for (let result = await reader.read(); !result.done; result = await reader.read())
      received += result.value.byteLength;
    expect(received).toBe(total);
  });
});

describe('the streams entry point', () => {
  it('imports no Node.js module, directly or through the modules it uses', () => {
    // Follow relative imports from src/streams.ts; workspace packages are checked the same way
    // through their source entry points. Any `node:` specifier (or a bare Node builtin) fails.
    const builtins = new Set([
      'fs',
      'net',
      'tls',
      'crypto',
      'stream',
      'events',
      'buffer',
      'os',
      'path',
      'child_process',
    ]);
    const root = resolve(import.meta.dirname, '../../..');
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:') || builtins.has(specifier))
          offenders.push(`${file}: ${specifier}`);
        else if (specifier.startsWith('.'))
          visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
        else if (specifier.startsWith('@tlskit/')) {
          const [name, ...sub] = specifier.slice('@tlskit/'.length).split('/');
          const manifest = JSON.parse(
            readFileSync(join(root, 'packages', name!, 'package.json'), 'utf8'),
          );
          const source = manifest.exports[sub.length ? `./${sub.join('/')}` : '.']['tlskit-source'];
          // A conditional entry (@tlskit/crypto/default): what a runtime without the `node`
          // condition (a browser bundle) resolves.
          const entry: string = typeof source === 'string' ? source : source.default;
          visit(join(root, 'packages', name!, entry));
        }
      }
    };
    visit(resolve(import.meta.dirname, '../src/streams.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
