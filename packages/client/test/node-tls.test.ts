/**
 * Our client against node:tls servers (OpenSSL inside Node): the peer is the oracle for what was
 * negotiated, for exported keying material and for resumption.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpsServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  createServer as createNodeServer,
  type TlsOptions,
  type TLSSocket as NodeTLSSocket,
} from 'node:tls';
import { interopCerts } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type TLSSocket } from '../src/index.js';

const certs = interopCerts();
const servers: { close(callback: () => void): unknown; closeAllConnections?: () => void }[] = [];
const sockets: { destroy(): void }[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/**
 * A node:tls server on 127.0.0.1; resolves with its port and the sockets it accepted. Each socket
 * echoes, unless `serve` says otherwise.
 */
async function nodeServer(
  options: TlsOptions,
  serve: (socket: NodeTLSSocket) => void = (socket) => socket.pipe(socket),
) {
  const accepted: NodeTLSSocket[] = [];
  const server = createNodeServer({ minVersion: 'TLSv1.3', ...options }, (socket) => {
    accepted.push(socket);
    sockets.push(socket);
    socket.on('error', () => {});
    serve(socket);
  });
  server.on('tlsClientError', () => {});
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, accepted, server };
}

/** Connects, waits for secureConnect or error (bounded), and returns the socket. */
async function open(socket: TLSSocket): Promise<TLSSocket> {
  sockets.push(socket);
  const timeout = AbortSignal.timeout(10_000);
  await Promise.race([
    once(socket, 'secureConnect', { signal: timeout }),
    once(socket, 'error', { signal: timeout }).then(([e]) => Promise.reject(e)),
  ]);
  return socket;
}

/** Writes `text` and collects the echo (bounded by a timeout); leaves the socket open. */
async function echo(socket: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(
      () => done(new Error(`echo timed out after ${JSON.stringify(received)}`)),
      10_000,
    );
    const onData = (chunk: Buffer): void => {
      received += chunk.toString();
      if (received.length >= text.length) done();
    };
    const done = (error?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', done);
      if (error) reject(error);
      else resolve(received);
    };
    socket.on('data', onData);
    socket.once('error', done);
    socket.write(text);
  });
}

describe('connect() to a node:tls server', () => {
  for (const [name, credential] of [
    ['ECDSA P-256', certs.server.ecdsaP256],
    ['ECDSA P-384', certs.server.ecdsaP384],
    ['RSA-2048 (rsa_pss_rsae)', certs.server.rsa2048],
    ['Ed25519', certs.server.ed25519],
    ['a chain through an intermediate', certs.server.chained],
  ] as const) {
    it(`completes TLS 1.3 with a ${name} certificate and echoes data`, async () => {
      const { port, accepted } = await nodeServer({
        key: credential.key.pem,
        cert: credential.chain.pem,
      });
      const socket = await open(
        connect({ host: '127.0.0.1', port, servername: 'tlskit.test', ca: credential.ca.pem }),
      );
      expect(socket.getProtocol()).toBe('TLSv1.3');
      expect(socket.authorized).toBe(true);
      expect(await echo(socket, 'hello over tlskit')).toBe('hello over tlskit');
      // The server's view is the independent truth for the negotiated suite.
      expect(socket.getCipher()?.standardName).toBe(accepted[0]?.getCipher().standardName);
      expect(socket.getPeerCertificate().subject).toMatchObject({ CN: 'tlskit.test' });
      socket.end();
    });
  }

  it('negotiates ALPN and derives the same exported keying material as the server', async () => {
    const { port, accepted } = await nodeServer({
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.cert.pem,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    const socket = await open(
      connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: certs.ca.cert.pem,
        ALPNProtocols: ['http/1.1'],
      }),
    );
    expect(socket.alpnProtocol).toBe('http/1.1');
    await echo(socket, 'x');
    const server = accepted[0]!;
    const context = Buffer.from('ctx');
    expect(socket.exportKeyingMaterial(32, 'EXPERIMENTAL tlskit', context)).toEqual(
      server.exportKeyingMaterial(32, 'EXPERIMENTAL tlskit', context),
    );
    socket.end();
  });

  for (const [why, credential, code] of [
    ['whose certificate is from an unknown CA', certs.server.untrusted, 'ERR_CERT_UNKNOWN_ISSUER'],
    ['whose certificate has expired', certs.server.expired, 'ERR_CERT_EXPIRED'],
    [
      'whose certificate is for another host name',
      certs.server.wrongHost,
      'ERR_CERT_HOSTNAME_MISMATCH',
    ],
  ] as const) {
    it(`refuses a server ${why} with ${code}`, async () => {
      const { port } = await nodeServer({ key: credential.key.pem, cert: credential.cert.pem });
      await expect(
        open(
          connect({ host: '127.0.0.1', port, servername: 'tlskit.test', ca: certs.ca.cert.pem }),
        ),
      ).rejects.toMatchObject({ code });
    });
  }

  it('refuses a leaf whose keyUsage does not allow digitalSignature', async () => {
    // Made here with openssl: an ECDSA leaf for tlskit.test, issued by the test CA, whose keyUsage
    // says keyAgreement only. RFC 8446 4.4.2.2 forbids it for signing CertificateVerify.
    const dir = mkdtempSync(join(tmpdir(), 'tlskit-ku-'));
    const run = (args: string[]): void => {
      const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
    };
    writeFileSync(
      join(dir, 'ext.cnf'),
      'subjectAltName=DNS:tlskit.test\nkeyUsage=critical,keyAgreement\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    );
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'leaf.key']);
    run(['req', '-new', '-key', 'leaf.key', '-subj', '/CN=tlskit.test', '-out', 'leaf.csr']);
    run([
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      certs.ca.cert.file,
      '-CAkey',
      certs.ca.key.file,
      '-CAcreateserial',
      '-days',
      '30',
      '-sha256',
      '-extfile',
      'ext.cnf',
      '-out',
      'leaf.pem',
    ]);
    const { port } = await nodeServer({
      key: readFileSync(join(dir, 'leaf.key'), 'utf8'),
      cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'),
    });
    await expect(
      open(connect({ host: '127.0.0.1', port, servername: 'tlskit.test', ca: certs.ca.cert.pem })),
    ).rejects.toMatchObject({
      code: 'ERR_CERT_KEY_USAGE',
    });
  });

  it('with rejectUnauthorized: false, connects and reports why the chain is not trusted', async () => {
    const { port } = await nodeServer({
      key: certs.server.untrusted.key.pem,
      cert: certs.server.untrusted.cert.pem,
    });
    const socket = await open(
      connect({
        host: '127.0.0.1',
        port,
        servername: 'tlskit.test',
        ca: certs.ca.cert.pem,
        rejectUnauthorized: false,
      }),
    );
    expect(socket.authorized).toBe(false);
    expect(socket.authorizationError).toMatchObject({ code: 'ERR_CERT_UNKNOWN_ISSUER' });
    expect(await echo(socket, 'still works')).toBe('still works');
    socket.end();
  });

  it('presents a client certificate when the server requires one', async () => {
    const { port, accepted } = await nodeServer({
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.cert.pem,
      ca: certs.clientCa.cert.pem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const socket = await open(
      connect({
        host: '127.0.0.1',
        port,
        servername: 'tlskit.test',
        ca: certs.ca.cert.pem,
        cert: certs.client.ecdsa.cert.pem,
        key: certs.client.ecdsa.key.pem,
      }),
    );
    await echo(socket, 'authenticated');
    expect(accepted[0]?.authorized).toBe(true);
    expect(accepted[0]?.getPeerCertificate().subject?.CN).toBeDefined();
    socket.end();
  });

  it('resumes a session from a ticket the server issued', async () => {
    const { port, accepted } = await nodeServer({
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.cert.pem,
    });
    const first = connect({
      host: '127.0.0.1',
      port,
      servername: 'tlskit.test',
      ca: certs.ca.cert.pem,
    });
    const sessionEvent = once(first, 'session', { signal: AbortSignal.timeout(10_000) });
    await open(first);
    await echo(first, 'one');
    const [session] = await sessionEvent;
    first.end();
    const second = await open(
      connect({
        host: '127.0.0.1',
        port,
        servername: 'tlskit.test',
        ca: certs.ca.cert.pem,
        session,
      }),
    );
    await echo(second, 'two');
    expect(second.isSessionReused()).toBe(true);
    expect(accepted[1]?.isSessionReused()).toBe(true);
    second.end();
  });

  it('keeps exchanging data after a KeyUpdate that asks the server to update too', async () => {
    const { port } = await nodeServer({
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.cert.pem,
    });
    const socket = await open(
      connect({ host: '127.0.0.1', port, servername: 'tlskit.test', ca: certs.ca.cert.pem }),
    );
    expect(await echo(socket, 'before')).toBe('before');
    await socket.keyUpdate(true);
    expect(await echo(socket, 'after the key update')).toBe('after the key update');
    socket.end();
  });

  it('feels backpressure: a peer that stops reading holds writes back, and nothing is lost', async () => {
    const total = 64 * 2 ** 20;
    const received = createHash('sha256');
    let receivedBytes = 0;
    // The server accepts and then never reads.
    const { port, accepted } = await nodeServer(
      { key: certs.server.ecdsaP256.key.pem, cert: certs.server.ecdsaP256.cert.pem },
      (socket) => socket.pause(),
    );
    const socket = await open(
      connect({ host: '127.0.0.1', port, servername: 'tlskit.test', ca: certs.ca.cert.pem }),
    );
    const chunk = randomBytes(2 ** 20);
    const sent = createHash('sha256');
    let taken = true;
    for (let n = 0; n < total / chunk.length; n++) {
      sent.update(chunk);
      taken = socket.write(chunk) && taken;
    }
    expect(taken).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Kernel and peer buffers hold a few MiB; the rest must still wait in our Writable rather
    // than sit sealed in the TCP socket's buffer.
    expect(socket.writableLength).toBeGreaterThan(total / 2);
    const peer = accepted[0];
    if (peer === undefined) throw new Error('the server accepted no connection');
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stalled at ${receivedBytes}`)), 30_000);
      peer.on('data', (data: Buffer) => {
        received.update(data);
        receivedBytes += data.length;
        if (receivedBytes >= total) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    peer.resume();
    await done;
    expect(receivedBytes).toBe(total);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    socket.end();
  }, 40_000);

  it('works as createConnection for node:https', async () => {
    const server = createHttpsServer(
      { key: certs.server.ecdsaP256.key.pem, cert: certs.server.ecdsaP256.cert.pem },
      (req, res) => {
        res.end(`hello ${req.url} over ${(req.socket as NodeTLSSocket).getProtocol()}`);
      },
    );
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/tlskit',
          createConnection: () =>
            connect({ host: '127.0.0.1', port, servername: 'tlskit.test', ca: certs.ca.cert.pem }),
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.end();
    });
    expect(body).toBe('200 hello /tlskit over TLSv1.3');
  });
});
