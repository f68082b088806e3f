/**
 * Our server against node:tls clients (OpenSSL inside Node) and against our own client.
 */
import { constants } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ConnectionOptions,
  connect as nodeConnect,
  type TLSSocket as NodeTLSSocket,
} from 'node:tls';
import { connect } from '@tlskit/client';
import { interopCerts } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSecureContext,
  createServer,
  type TLSSocket,
  type TlsServer,
  type TlsServerOptions,
} from '../src/index.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];

afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

/** Our echo server on 127.0.0.1. */
async function ourServer(options: TlsServerOptions) {
  const accepted: TLSSocket[] = [];
  const clientErrors: Error[] = [];
  const server: TlsServer = createServer(options, (socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  server.on('tlsClientError', (error: Error) => clientErrors.push(error));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => {
    for (const socket of accepted) socket.destroy();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, accepted, clientErrors, server };
}

/** A node:tls client; resolves once connected, rejects on error, bounded in time. */
async function nodeClient(options: ConnectionOptions): Promise<NodeTLSSocket> {
  const socket = nodeConnect({ host: '127.0.0.1', servername: 'tlskit.test', ...options });
  cleanup.push(() => socket.destroy());
  const signal = AbortSignal.timeout(10_000);
  await Promise.race([
    once(socket, 'secureConnect', { signal }),
    once(socket, 'error', { signal }).then(([error]) => Promise.reject(error)),
  ]);
  return socket;
}

async function echo(socket: Duplex, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(
      () => reject(new Error(`echo timed out after ${JSON.stringify(received)}`)),
      10_000,
    );
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.length >= text.length) {
        clearTimeout(timer);
        resolve(received);
      }
    });
    socket.once('error', reject);
    socket.write(text);
  });
}

const ecdsa = certs.server.ecdsaP256;
const rsa = certs.server.rsa2048;

describe('createServer() with node:tls clients', () => {
  for (const [name, credential] of [
    ['ECDSA P-256', certs.server.ecdsaP256],
    ['ECDSA P-384', certs.server.ecdsaP384],
    ['RSA-2048', certs.server.rsa2048],
    ['Ed25519', certs.server.ed25519],
    ['an intermediate chain', certs.server.chained],
  ] as const) {
    it(`serves TLS 1.3 with a ${name} certificate`, async () => {
      const { port } = await ourServer({ key: credential.key.pem, cert: credential.chain.pem });
      const socket = await nodeClient({ port, ca: credential.ca.pem });
      expect(socket.getProtocol()).toBe('TLSv1.3');
      expect(socket.authorized).toBe(true);
      expect(await echo(socket, 'hello tlskit server')).toBe('hello tlskit server');
    });
  }

  for (const [group, ecdhCurve] of [
    ['secp521r1', 'P-521'],
    ['x448', 'X448'],
  ] as const) {
    it(`negotiates ${group}, named in its groups option, with a node:tls client (1.3 and 1.2)`, async () => {
      const { port, accepted } = await ourServer({
        key: rsa.key.pem,
        cert: rsa.chain.pem,
        groups: [group],
      });
      for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
        const socket = await nodeClient({ port, ca: rsa.ca.pem, ecdhCurve, maxVersion });
        expect(socket.getProtocol()).toBe(maxVersion);
        expect((socket.getEphemeralKeyInfo() as { name?: string }).name).toBe(
          ecdhCurve === 'P-521' ? 'secp521r1' : 'X448',
        );
        expect(await echo(socket, group)).toBe(group);
      }
      expect(accepted.map((s) => s.handshakeInfo?.group)).toEqual([group, group]);
    });
  }

  it('negotiates ffdhe2048 with a node:tls client offering it, and refuses unknown group names', async () => {
    const { port, accepted } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.chain.pem,
      groups: ['ffdhe2048'],
    });
    const socket = await nodeClient({ port, ca: ecdsa.ca.pem, ecdhCurve: 'X25519:ffdhe2048' });
    expect(socket.getEphemeralKeyInfo()).toMatchObject({ type: 'DH', size: 2048 });
    expect(await echo(socket, 'ffdhe')).toBe('ffdhe');
    expect(accepted[0]?.handshakeInfo).toMatchObject({
      group: 'ffdhe2048',
      helloRetryRequest: true,
    });
    expect(() =>
      createServer({ key: ecdsa.key.pem, cert: ecdsa.chain.pem, groups: ['ffdhe1024'] }),
    ).toThrow(/unknown named group "ffdhe1024"/);
  });

  it('picks the ECDSA or the RSA certificate by the client signature algorithms', async () => {
    const { port } = await ourServer({
      key: [ecdsa.key.pem, rsa.key.pem],
      cert: [ecdsa.cert.pem, rsa.cert.pem],
    });
    const viaRsa = await nodeClient({
      port,
      ca: certs.ca.cert.pem,
      sigalgs: 'rsa_pss_rsae_sha256',
    });
    expect(viaRsa.getPeerCertificate().pubkey?.length).toBeGreaterThan(200); // an RSA-2048 SPKI
    const viaEcdsa = await nodeClient({
      port,
      ca: certs.ca.cert.pem,
      sigalgs: 'ecdsa_secp256r1_sha256',
    });
    expect(viaEcdsa.getPeerCertificate().fingerprint256).toBe(
      new (await import('node:crypto')).X509Certificate(ecdsa.cert.pem).fingerprint256,
    );
  });

  it('lets SNICallback choose the credentials by server name', async () => {
    const rsaContext = createSecureContext({ key: rsa.key.pem, cert: rsa.cert.pem });
    const names: string[] = [];
    const { port } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.cert.pem,
      SNICallback: (servername, callback) => {
        names.push(servername);
        callback(null, servername === 'localhost' ? rsaContext : undefined);
      },
    });
    const socket = await nodeClient({ port, ca: certs.ca.cert.pem, servername: 'localhost' });
    const { X509Certificate } = await import('node:crypto');
    expect(socket.getPeerCertificate().fingerprint256).toBe(
      new X509Certificate(rsa.cert.pem).fingerprint256,
    );
    expect(names).toEqual(['localhost']);
  });

  it('fails the handshake with internal_error when SNICallback fails, and serves the next client', async () => {
    const failure = new Error('no such tenant');
    const { port, clientErrors } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.cert.pem,
      SNICallback: (servername, callback) =>
        servername === 'bad.test' ? callback(failure) : callback(null),
    });
    await expect(
      nodeClient({ port, ca: certs.ca.cert.pem, servername: 'bad.test' }),
    ).rejects.toThrow(/internal error/i);
    await expect.poll(() => clientErrors.length).toBe(1);
    expect(clientErrors[0]).toMatchObject({ code: 'ERR_INTERNAL', alert: 80 });
    expect(clientErrors[0]?.cause).toBe(failure);
    // The default context when SNICallback answers with none.
    const socket = await nodeClient({ port, ca: certs.ca.cert.pem, servername: 'localhost' });
    expect(socket.getPeerCertificate().fingerprint256).toBe(
      new (await import('node:crypto')).X509Certificate(ecdsa.cert.pem).fingerprint256,
    );
  });

  it('negotiates ALPN and answers no_application_protocol when nothing overlaps', async () => {
    const { port, clientErrors } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.cert.pem,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    const socket = await nodeClient({ port, ca: certs.ca.cert.pem, ALPNProtocols: ['http/1.1'] });
    expect(socket.alpnProtocol).toBe('http/1.1');
    await expect(
      nodeClient({ port, ca: certs.ca.cert.pem, ALPNProtocols: ['spdy/3'] }),
    ).rejects.toThrow(/no application protocol/i);
    await expect
      .poll(() => clientErrors.map((e) => (e as { code?: string }).code))
      .toContain('ERR_NO_APPLICATION_PROTOCOL');
  });

  it('exports the same keying material as the node:tls client', async () => {
    const { port, accepted } = await ourServer({ key: ecdsa.key.pem, cert: ecdsa.cert.pem });
    const socket = await nodeClient({ port, ca: certs.ca.cert.pem });
    await echo(socket, 'x');
    expect(accepted[0]!.exportKeyingMaterial(48, 'EXPORTER-tlskit', Buffer.from([1, 2]))).toEqual(
      socket.exportKeyingMaterial(48, 'EXPORTER-tlskit', Buffer.from([1, 2])),
    );
  });

  it('requires a client certificate when asked, and verifies it', async () => {
    const { port, accepted, clientErrors } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.cert.pem,
      ca: certs.clientCa.cert.pem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const socket = await nodeClient({
      port,
      ca: certs.ca.cert.pem,
      cert: certs.client.rsa.cert.pem,
      key: certs.client.rsa.key.pem,
    });
    await echo(socket, 'with a client certificate');
    expect(accepted[0]?.authorized).toBe(true);
    expect(accepted[0]?.getPeerCertificate().subject).toBeDefined();

    // Without a certificate: TLS 1.3 clients learn it after their Finished, as certificate_required.
    const anonymous = await nodeClient({ port, ca: certs.ca.cert.pem });
    const failure = await new Promise<Error>((resolve) => {
      anonymous.once('error', resolve);
      anonymous.write('hello?');
      setTimeout(() => resolve(new Error('no error within 10 s')), 10_000).unref();
    });
    expect(failure.message).toMatch(/certificate required/i);
    await expect
      .poll(() => clientErrors.map((e) => (e as { code?: string }).code))
      .toContain('ERR_CERTIFICATE_REQUIRED');
  });

  it('lets a refused TLS 1.3 client read certificate_required, not a TCP reset', async () => {
    // The client writes as soon as it considers itself connected, so its data is unread on the
    // server when the server refuses it. Closing a socket with unread input sends a reset, which
    // can overtake the alert: the server drains briefly after a fatal alert instead.
    const { port } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.cert.pem,
      ca: certs.clientCa.cert.pem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const failures: string[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      // Both clients: node:tls, and ours, which met the reset in CI.
      const options = { host: '127.0.0.1', port, servername: 'tlskit.test', ca: certs.ca.cert.pem };
      const socket: Duplex = attempt % 2 === 0 ? nodeConnect(options) : connect(options);
      cleanup.push(() => socket.destroy());
      socket.on('secureConnect', () => {
        for (let i = 0; i < 8; i++) socket.write(Buffer.alloc(4096, i));
      });
      const [error] = (await once(socket, 'error', { signal: AbortSignal.timeout(10_000) })) as [
        Error,
      ];
      failures.push(error.message);
    }
    expect(failures.filter((message) => !/certificate[ _]required/i.test(message))).toEqual([]);
  });

  it('survives a client that sends garbage, and keeps serving', async () => {
    const { port, clientErrors } = await ourServer({ key: ecdsa.key.pem, cert: ecdsa.cert.pem });
    const { connect: netConnect } = await import('node:net');
    const raw = netConnect({ host: '127.0.0.1', port });
    cleanup.push(() => raw.destroy());
    await once(raw, 'connect');
    raw.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const [reply] = await once(raw, 'data', { signal: AbortSignal.timeout(10_000) });
    // An alert record: content type 21, fatal (2).
    expect([...(reply as Buffer).subarray(0, 1)]).toEqual([21]);
    await expect.poll(() => clientErrors.length).toBe(1);
    const socket = await nodeClient({ port, ca: certs.ca.cert.pem });
    expect(await echo(socket, 'still serving')).toBe('still serving');
  });

  it('resumes a node:tls client with the ticket it issued', async () => {
    const { port } = await ourServer({ key: ecdsa.key.pem, cert: ecdsa.cert.pem });
    const first = nodeConnect({
      host: '127.0.0.1',
      port,
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
    });
    cleanup.push(() => first.destroy());
    const [session] = await once(first, 'session', { signal: AbortSignal.timeout(10_000) });
    // Node's client corrupts a record written from inside its 'session' callback (a node:tls
    // server rejects it the same way), so write on a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    await echo(first, 'one');
    first.end();
    const second = await nodeClient({ port, ca: certs.ca.cert.pem, session });
    expect(second.isSessionReused()).toBe(true);
    expect(await echo(second, 'two')).toBe('two');
  });
  it('resumes a TLS 1.2 node:tls client by session ID from its default cache', async () => {
    // The client refuses tickets (SSL_OP_NO_TICKET), so only the session-ID cache (on by
    // default, as in node:tls) can resume it.
    const { port } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.cert.pem,
      maxVersion: 'TLSv1.2',
    });
    const noTicket = { maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET } as const;
    const first = await nodeClient({ port, ca: certs.ca.cert.pem, ...noTicket });
    expect(first.getProtocol()).toBe('TLSv1.2');
    await echo(first, 'one');
    const session = first.getSession();
    first.end();
    const second = await nodeClient({
      port,
      ca: certs.ca.cert.pem,
      maxVersion: 'TLSv1.2',
      session,
    });
    expect(second.isSessionReused()).toBe(true);
    expect(await echo(second, 'two')).toBe('two');
  });
});

describe('our client with our server', () => {
  it('completes a handshake with ALPN, a client certificate and resumption', async () => {
    const { port, accepted } = await ourServer({
      key: ecdsa.key.pem,
      cert: ecdsa.cert.pem,
      ca: certs.clientCa.cert.pem,
      requestCert: true,
      ALPNProtocols: ['http/1.1'],
    });
    const options = {
      host: '127.0.0.1',
      port,
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
      cert: certs.client.ecdsa.cert.pem,
      key: certs.client.ecdsa.key.pem,
      ALPNProtocols: ['http/1.1'],
    };
    const first = connect(options);
    cleanup.push(() => first.destroy());
    const sessionEvent = once(first, 'session', { signal: AbortSignal.timeout(10_000) });
    await once(first, 'secureConnect', { signal: AbortSignal.timeout(10_000) });
    expect(first.alpnProtocol).toBe('http/1.1');
    expect(await echo(first, 'ours to ours')).toBe('ours to ours');
    expect(accepted[0]?.authorized).toBe(true);
    const [session] = await sessionEvent;
    first.end();
    const second = connect({ ...options, session });
    cleanup.push(() => second.destroy());
    await once(second, 'secureConnect', { signal: AbortSignal.timeout(10_000) });
    expect(second.isSessionReused()).toBe(true);
    expect(await echo(second, 'resumed')).toBe('resumed');
  });

  it("reports key log lines to listeners only, the client's also when added after connect()", async () => {
    const { port, server } = await ourServer({ key: ecdsa.key.pem, cert: ecdsa.cert.pem });
    const options = { host: '127.0.0.1', port, servername: 'tlskit.test', ca: certs.ca.cert.pem };
    const quiet = connect(options);
    cleanup.push(() => quiet.destroy());
    await once(quiet, 'secureConnect', { signal: AbortSignal.timeout(10_000) });
    const serverLines: string[] = [];
    server.on('keylog', (line: Buffer) => serverLines.push(String(line)));
    const client = connect(options);
    cleanup.push(() => client.destroy());
    const clientLines: string[] = [];
    await new Promise((resolve) => setImmediate(resolve));
    client.on('keylog', (line: Buffer) => clientLines.push(String(line)));
    await once(client, 'secureConnect', { signal: AbortSignal.timeout(10_000) });
    expect(await echo(client, 'logged')).toBe('logged');
    const labels = (lines: string[]) => lines.map((l) => l.split(' ')[0]).sort();
    const tls13 = [
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_TRAFFIC_SECRET_0',
    ];
    expect(labels(clientLines)).toEqual(tls13);
    expect(labels(serverLines)).toEqual(tls13);
  });
});
