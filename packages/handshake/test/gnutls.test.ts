/**
 * Engine-level interop with GnuTLS (a second independent implementation): our client over a
 * net.Socket against `gnutls-serv --echo` on 127.0.0.1, in TLS 1.3 and TLS 1.2.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer as createNetServer, connect as netConnect } from 'node:net';
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, type HandshakeInfo } from '@tlskit/handshake';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

const hasGnutls = spawnSync('gnutls-serv', ['--version']).status === 0;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function waitFor<T>(what: string, ms: number, run: (done: (v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    run((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

describe.skipIf(!hasGnutls)('interop with gnutls-serv', () => {
  it.each([
    ['NORMAL:-VERS-ALL:+VERS-TLS1.3', 'TLSv1.3', 'p256'],
    ['NORMAL:-VERS-ALL:+VERS-TLS1.3', 'TLSv1.3', 'rsa'],
    ['NORMAL:-VERS-ALL:+VERS-TLS1.2', 'TLSv1.2', 'p256'],
    ['NORMAL:-VERS-ALL:+VERS-TLS1.2', 'TLSv1.2', 'rsa'],
  ] as const)(
    'our client completes %s (%s, %s certificate) and gets its data echoed',
    async (priority, version, kind) => {
      const f = await fixtures();
      const pem = f.serverPem[kind];
      const port = await freePort();
      const child = spawn(
        'gnutls-serv',
        [
          '--echo',
          '-p',
          String(port),
          '--x509certfile',
          pem.cert,
          '--x509keyfile',
          pem.key,
          `--priority=${priority}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      // Wait until the port accepts connections (bounded).
      await waitFor<void>('gnutls-serv to listen', 10_000, (done) => {
        const attempt = () => {
          const probe = netConnect(port, '127.0.0.1');
          probe.once('connect', () => {
            probe.destroy();
            done();
          });
          probe.once('error', () => setTimeout(attempt, 50));
        };
        attempt();
      });
      const client = createClient({
        provider,
        serverName: 'localhost',
        ca: [f.caDer],
        minVersion: 'TLSv1.2',
      });
      const socket = netConnect(port, '127.0.0.1');
      const flush = () => {
        for (const chunk of client.takeOutput()) socket.write(chunk);
      };
      socket.on('data', (b) => {
        client.receive(b).then(flush, () => socket.destroy());
      });
      let echoed = '';
      client.on('data', (d) => {
        echoed += new TextDecoder().decode(d);
      });
      await client.start();
      flush();
      const info = await waitFor<HandshakeInfo>('handshake', 15_000, (done) =>
        client.on('handshake', done),
      );
      expect(info.version).toBe(version);
      expect(info.peerVerified).toBe(true);
      await client.write(new TextEncoder().encode('hello gnutls\n'));
      flush();
      await waitFor<void>('echo', 15_000, (done) => {
        const check = () => (echoed.includes('hello gnutls') ? done() : setTimeout(check, 20));
        check();
      });
      const a = client.exportKeyingMaterial('EXPORTER-test', undefined, 16);
      expect(a.length).toBe(16);
      await client.close();
      flush();
      socket.destroy();
    },
  );
});
