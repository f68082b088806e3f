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
    const transport = Duplex.toWeb(tcp) as unknown as {
      readable: ReadableStream<Uint8Array>;
      writable: WritableStream<Uint8Array>;
    };

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
    const transport = Duplex.toWeb(tcp) as unknown as {
      readable: ReadableStream<Uint8Array>;
      writable: WritableStream<Uint8Array>;
    };
    await expect(
      connectStreams(transport, { servername: 'tlskit.test', ca: certs.ca.cert.pem }),
    ).rejects.toMatchObject({
      code: 'ERR_CERT_UNKNOWN_ISSUER',
    });
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
