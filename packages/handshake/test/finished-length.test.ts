/**
 * A Finished whose verify_data is not exactly Hash.length bytes (TLS 1.3, RFC 8446 4.4.4) or
 * verify_data_length = 12 bytes (TLS 1.2, RFC 5246 7.4.9) does not decode: decode_error (50), not
 * decrypt_error as for a wrong value of the right length (issue 11, defect 3). The sending engine
 * is made to send the malformed Finished in place of its own, so it arrives properly protected.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { type Connection, createClient, createServer, pump } from '@tlskit/handshake';
import { rewriteSentHandshake } from '../src/testing.js';
import { concatBytes, HandshakeType } from '@tlskit/wire';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer, connect as netConnect } from 'node:net';
import { connect as nodeConnect, createServer as nodeCreateServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { bridge, receivedAlert } from './engine-socket.js';
import { fixtures } from './fixtures.js';
import { type Watched, watch } from './watch.js';

type Mutation = (verifyData: Uint8Array) => Uint8Array;

const bytes = (n: number, fill = 0xa5) => new Uint8Array(n).fill(fill);
const join = (...parts: Uint8Array[]) => concatBytes(parts);

const mutations: [string, Mutation][] = [
  ['2 bytes before verify_data', (v) => join(bytes(2), v)],
  ['2 bytes after verify_data', (v) => join(v, bytes(2))],
  // Fills the record: 4 + 32 + 16,348 = 2^14 bytes (with a SHA-256 suite).
  ['16,348 bytes after verify_data', (v) => join(v, bytes(16_348))],
  ['verify_data cut short by 16 bytes', (v) => v.subarray(0, v.length - 16)],
  ['verify_data cut short by 1 byte', (v) => v.subarray(0, v.length - 1)],
  ['an empty verify_data', () => new Uint8Array(0)],
];

/** Makes `conn` send `mutate(verify_data)` in its Finished instead of the real one. */
function malformFinished(conn: Connection, mutate: Mutation): void {
  rewriteSentHandshake(conn, (decoded) =>
    decoded.type === HandshakeType.finished
      ? { ...decoded, verifyData: mutate(decoded.verifyData) }
      : decoded,
  );
}

/**
 * A handshake in which `sender` sends its Finished with `mutate(verify_data)`; returns what the
 * receiving side did.
 */
async function run(
  sender: 'server' | 'client',
  mutate: Mutation,
  options: { cipherSuites?: number[]; version?: 'TLSv1.2' } = {},
): Promise<Watched> {
  const f = await fixtures();
  const settings = {
    ...(options.version === undefined
      ? {}
      : { minVersion: options.version, maxVersion: options.version }),
    ...(options.cipherSuites === undefined ? {} : { cipherSuites: options.cipherSuites }),
  };
  const client = watch(
    createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...settings }),
  );
  const server = watch(createServer({ provider, certificates: [f.server.p256], ...settings }));
  malformFinished(sender === 'server' ? server.conn : client.conn, mutate);
  await client.conn.start();
  await pump(client.conn, server.conn);
  return sender === 'server' ? client : server;
}

const tls13Cases: [string, { cipherSuites?: number[] }][] = [
  ['TLS_AES_128_GCM_SHA256', { cipherSuites: [0x1301] }],
  ['TLS_AES_256_GCM_SHA384', { cipherSuites: [0x1302] }],
];

describe('malformed Finished (issue 11, defect 3)', () => {
  for (const sender of ['server', 'client'] as const) {
    const receiver = sender === 'server' ? 'client' : 'server';
    for (const [suiteName, suite] of tls13Cases) {
      for (const [title, mutate] of mutations) {
        it(`TLS 1.3 ${receiver} refuses a ${sender} Finished with ${title} (${suiteName}): decode_error`, async () => {
          const r = await run(sender, mutate, suite);
          expect(r.closed?.error).toMatchObject({ code: 'ERR_DECODE', alert: 50 });
          expect(r.sentAlerts).toEqual([50]);
        });
      }
    }
    for (const [title, mutate] of mutations.filter(([t]) => !t.includes('16 bytes'))) {
      it(`TLS 1.2 ${receiver} refuses a ${sender} Finished with ${title}: decode_error`, async () => {
        const r = await run(sender, mutate, { version: 'TLSv1.2' });
        expect(r.closed?.error).toMatchObject({ code: 'ERR_DECODE', alert: 50 });
        expect(r.sentAlerts).toEqual([50]);
      });
    }
    it(`TLS 1.3 ${receiver} still answers a wrong verify_data of the right length with decrypt_error`, async () => {
      const r = await run(sender, (v) => v.map((b) => b ^ 1));
      expect(r.closed?.error).toMatchObject({ code: 'ERR_BAD_FINISHED', alert: 51 });
    });
  }

  it('completes a handshake when the Finished is left as it is (the harness is sound)', async () => {
    const r = await run('server', (v) => v);
    expect(r.closed).toBeUndefined();
    expect(r.conn.state).toBe('connected');
  });
});

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

describe('node:tls (OpenSSL) refuses the same malformed Finished with decode_error', () => {
  const malformed = mutations.filter(([t]) => !t.includes('16,348') && !t.includes('1 byte'));

  for (const [title, mutate] of malformed) {
    it(`node:tls server, our client's Finished with ${title}`, async () => {
      const f = await fixtures();
      const pem = f.serverPem.p256;
      const server = nodeCreateServer({
        cert: readFileSync(pem.cert),
        key: readFileSync(pem.key),
      });
      server.on('tlsClientError', () => {});
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanup.push(() => server.close());
      const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
      malformFinished(client, mutate);
      const socket = netConnect((server.address() as AddressInfo).port, '127.0.0.1');
      cleanup.push(() => socket.destroy());
      const alert = receivedAlert(client);
      bridge(client, socket);
      await client.start();
      for (const chunk of client.takeOutput()) socket.write(chunk);
      expect(await alert).toBe(50);
    });

    it(`node:tls client, our server's Finished with ${title}`, async () => {
      const f = await fixtures();
      const alerts: Promise<number>[] = [];
      const net = createNetServer((socket) => {
        const server = createServer({ provider, certificates: [f.server.p256] });
        malformFinished(server, mutate);
        alerts.push(receivedAlert(server));
        bridge(server, socket);
      });
      net.listen(0, '127.0.0.1');
      await once(net, 'listening');
      cleanup.push(() => net.close());
      const client = nodeConnect({
        port: (net.address() as AddressInfo).port,
        host: '127.0.0.1',
        servername: 'localhost',
        rejectUnauthorized: false,
      });
      client.on('error', () => {});
      cleanup.push(() => client.destroy());
      await new Promise((resolve) => client.once('close', resolve));
      expect(alerts.length).toBe(1);
      expect(await alerts[0]).toBe(50);
    });
  }
});
