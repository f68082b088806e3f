/**
 * Drop-in for node:tls users: the same node:tls server, one connection from node:tls's client and
 * one from tlskit's, and what code written for node:tls reads from each must be the same
 * (certificate objects, fingerprints, key exchange info, counters, events, argument forms).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  checkServerIdentity as nodeCheckServerIdentity,
  connect as nodeConnect,
  createServer as createNodeServer,
  rootCertificates as nodeRootCertificates,
  type PeerCertificate as NodePeerCertificate,
  type TlsOptions,
  type TLSSocket as NodeTLSSocket,
} from 'node:tls';
import { SignatureScheme } from '@tlskit/wire';
import { type Credential, interopCerts, sigalgsOrders, tls12Sigalgs } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CheckServerIdentity,
  checkServerIdentity,
  connect,
  type DetailedPeerCertificate,
  rootCertificates,
  type TLSSocket,
} from '../src/index.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];

afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

/** Server-side sockets of each node:tls server (by port), in the order they were accepted. */
const acceptedBy = new Map<number, NodeTLSSocket[]>();

/** A node:tls server on 127.0.0.1 that echoes; resolves with its port. */
async function nodeServer(options: TlsOptions): Promise<number> {
  const server = createNodeServer(options, (socket) => {
    acceptedBy.get(socket.localPort ?? 0)?.push(socket);
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  const { port } = server.address() as AddressInfo;
  acceptedBy.set(port, []);
  return port;
}

type AnySocket = TLSSocket | NodeTLSSocket;

/** Waits (bounded) for secureConnect, or rejects with the socket's error. */
async function secure<S extends AnySocket>(socket: S): Promise<S> {
  cleanup.push(() => socket.destroy());
  const signal = AbortSignal.timeout(10_000);
  await Promise.race([
    once(socket, 'secureConnect', { signal }),
    once(socket, 'error', { signal }).then(([e]) => Promise.reject(e)),
  ]);
  return socket;
}

/** A failure's error (bounded). */
async function failure(socket: AnySocket): Promise<Error & { code?: string; cause?: unknown }> {
  cleanup.push(() => socket.destroy());
  const [error] = await once(socket, 'error', { signal: AbortSignal.timeout(10_000) });
  return error;
}

/** Both clients to one server with the same options. */
async function both(credential: Credential, extra: Record<string, unknown> = {}) {
  const port = await nodeServer({ key: credential.key.pem, cert: credential.chain.pem, ...extra });
  const options = { host: '127.0.0.1', port, servername: 'localhost', ca: credential.ca.pem };
  const node = await secure(nodeConnect(options));
  const ours = await secure(connect(options));
  return { node, ours, port };
}

/** The chain of a detailed certificate as a list, each without its link (the root links to itself). */
function chainOf(certificate: NodePeerCertificate | DetailedPeerCertificate) {
  const list: Record<string, unknown>[] = [];
  let current = certificate as DetailedPeerCertificate;
  for (;;) {
    const { issuerCertificate, ...fields } = current;
    list.push(fields);
    if (issuerCertificate === current || issuerCertificate === undefined) break;
    current = issuerCertificate;
    if (list.length > 10) throw new Error('issuerCertificate chain does not end');
  }
  return { list, endsInSelf: current.issuerCertificate === current };
}

describe('getPeerCertificate: the same objects as node:tls', () => {
  for (const [name, credential] of [
    ['ECDSA P-256 (leaf -> root)', certs.server.ecdsaP256],
    ['ECDSA P-384', certs.server.ecdsaP384],
    ['RSA-2048 with extendedKeyUsage', certs.server.rsa2048],
    ['a chain through an intermediate', certs.server.chained],
  ] as const) {
    it(`${name}: every field, and the detailed chain up to the root`, async () => {
      const { node, ours } = await both(credential);
      expect(ours.getPeerCertificate()).toEqual(node.getPeerCertificate());
      const theirs = chainOf(node.getPeerCertificate(true));
      const mine = chainOf(ours.getPeerCertificate(true) as DetailedPeerCertificate);
      expect(mine.list).toEqual(theirs.list);
      expect(mine.endsInSelf).toBe(true);
      expect(theirs.endsInSelf).toBe(true);
      // The root is there even though the server sent only the leaf (and intermediate).
      expect(mine.list.at(-1)?.fingerprint256).toBe(
        node.getPeerCertificate(true).issuerCertificate.issuerCertificate.fingerprint256,
      );
      expect(ours.getPeerX509Certificate()?.fingerprint512).toBe(
        node.getPeerX509Certificate()?.fingerprint512,
      );
    });
  }

  it('spot checks against node: fingerprints, key fields, curve names', async () => {
    const { node, ours } = await both(certs.server.ecdsaP256);
    const n = node.getPeerCertificate();
    const o = ours.getPeerCertificate() as NodePeerCertificate;
    for (const field of ['fingerprint', 'fingerprint256', 'fingerprint512'] as const)
      expect(o[field]).toBe(n[field]);
    expect([o.bits, o.asn1Curve, o.nistCurve]).toEqual([256, 'prime256v1', 'P-256']);
    expect(o.pubkey?.equals(n.pubkey as Buffer)).toBe(true);
  });
});

describe('connection state as node:tls reports it', () => {
  for (const [curve, group] of [
    ['X25519', 'x25519'],
    ['prime256v1', 'secp256r1'],
    ['secp384r1', 'secp384r1'],
  ] as const) {
    it(`getEphemeralKeyInfo for ${group}`, async () => {
      const { node, ours } = await both(certs.server.ecdsaP256, { ecdhCurve: curve });
      expect(ours.getEphemeralKeyInfo()).toEqual(node.getEphemeralKeyInfo());
      expect(ours.getEphemeralKeyInfo()).toMatchObject({ name: curve });
    });
  }

  it('getEphemeralKeyInfo for secp224r1, a TLS 1.2 group used only when listed', async () => {
    const credential = certs.server.ecdsaP256;
    const port = await nodeServer({
      key: credential.key.pem,
      cert: credential.chain.pem,
      ecdhCurve: 'secp224r1',
      maxVersion: 'TLSv1.2',
    });
    const options = { host: '127.0.0.1', port, servername: 'localhost', ca: credential.ca.pem };
    const node = await secure(nodeConnect({ ...options, ecdhCurve: 'secp224r1:prime256v1' }));
    const ours = await secure(connect({ ...options, groups: ['secp224r1', 'secp256r1'] }));
    expect(ours.getEphemeralKeyInfo()).toEqual(node.getEphemeralKeyInfo());
    expect(ours.getEphemeralKeyInfo()).toMatchObject({ name: 'secp224r1', size: 224 });
  });

  it('authorized with authorizationError null, pending, bytesRead and bytesWritten', async () => {
    const { node, ours } = await both(certs.server.ecdsaP256);
    expect([ours.authorized, ours.authorizationError]).toEqual([true, null]);
    expect(node.authorizationError ?? null).toBe(null);
    expect(ours.pending).toBe(node.pending);
    for (const socket of [node, ours] as AnySocket[]) {
      socket.write('twelve bytes');
      await once(socket, 'data', { signal: AbortSignal.timeout(10_000) });
    }
    expect([ours.bytesRead, ours.bytesWritten]).toEqual([node.bytesRead, node.bytesWritten]);
    expect(ours.bytesWritten).toBe(12);
  });

  it('pending is true until TCP connects, as node:tls', async () => {
    const port = await nodeServer({
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.chain.pem,
    });
    const options = { host: '127.0.0.1', port, ca: certs.ca.cert.pem };
    const node = nodeConnect(options);
    const ours = connect(options);
    expect([ours.pending, node.pending]).toEqual([true, true]);
    await Promise.all([secure(node), secure(ours)]);
    expect([ours.pending, node.pending]).toEqual([false, false]);
  });

  it("'close' carries hadError: false after end, true after destroy(error)", async () => {
    const clean = await both(certs.server.ecdsaP256);
    // Not events.once: it rejects on 'error', which destroy(error) emits first.
    const closes = (socket: AnySocket) =>
      new Promise<unknown>((resolve) => socket.once('close', resolve));
    const cleanCloses = [closes(clean.node), closes(clean.ours)];
    clean.node.end();
    clean.ours.end();
    expect(await Promise.all(cleanCloses)).toEqual([false, false]);

    const failing = await both(certs.server.ecdsaP256);
    for (const socket of [failing.node, failing.ours] as AnySocket[]) socket.on('error', () => {});
    const errorCloses = [closes(failing.node), closes(failing.ours)];
    failing.node.destroy(new Error('app gave up'));
    failing.ours.destroy(new Error('app gave up'));
    expect(await Promise.all(errorCloses)).toEqual([true, true]);
  });
});

describe('getFinished / getPeerFinished', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${version}: our Finished is the one node's server received, and the other way round`, async () => {
      const credential = certs.server.ecdsaP256;
      const port = await nodeServer({
        key: credential.key.pem,
        cert: credential.chain.pem,
        maxVersion: version,
      });
      const ours = await secure(
        connect({ host: '127.0.0.1', port, servername: 'localhost', ca: credential.ca.pem }),
      );
      await echoOnce(ours);
      const server = acceptedBy.get(port)![0]!;
      expect(ours.getProtocol()).toBe(version);
      expect(ours.getFinished()?.toString('hex')).toBe(server.getPeerFinished()?.toString('hex'));
      expect(ours.getPeerFinished()?.toString('hex')).toBe(server.getFinished()?.toString('hex'));
      // 12 bytes in TLS 1.2 (RFC 5246 7.4.9), the hash length in TLS 1.3 (RFC 8446 4.4.4).
      const hashLength = ours.getCipher()?.standardName.endsWith('SHA384') ? 48 : 32;
      expect(ours.getFinished()?.length).toBe(version === 'TLSv1.2' ? 12 : hashLength);
    });
  }
});

/** One round trip, so the server has seen our Finished. */
async function echoOnce(socket: AnySocket): Promise<void> {
  socket.write('ping');
  await once(socket, 'data', { signal: AbortSignal.timeout(10_000) });
}

describe('checkServerIdentity', () => {
  it('receives the node-shaped detailed certificate, so tls.checkServerIdentity chains', async () => {
    const credential = certs.server.chained;
    const port = await nodeServer({ key: credential.key.pem, cert: credential.chain.pem });
    const seen: { host: string; chain: unknown[] }[] = [];
    const hook = (host: string, cert: DetailedPeerCertificate | NodePeerCertificate) => {
      seen.push({ host, chain: chainOf(cert).list });
      return nodeCheckServerIdentity(host, cert as NodePeerCertificate);
    };
    const options = { host: '127.0.0.1', port, servername: 'localhost', ca: credential.ca.pem };
    await secure(nodeConnect({ ...options, checkServerIdentity: hook }));
    await secure(connect({ ...options, checkServerIdentity: hook as CheckServerIdentity }));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);

    // node's check refusing the name fails the handshake; its error is the cause.
    const wrong = { ...options, servername: 'other.example' };
    const error = await failure(
      connect({ ...wrong, checkServerIdentity: hook as CheckServerIdentity }),
    );
    expect(error.code).toBe('ERR_CERT_HOSTNAME_MISMATCH');
    expect((error.cause as { code?: string }).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it("tlskit's default is exported and agrees with node's on which names match", async () => {
    const { node } = await both(certs.server.ecdsaP256);
    const cert = node.getPeerCertificate();
    for (const host of ['localhost', 'tlskit.test', '127.0.0.1', 'other.example', '127.0.0.2']) {
      const theirs = nodeCheckServerIdentity(host, cert);
      const mine = checkServerIdentity(host, cert);
      expect([host, mine === undefined]).toEqual([host, theirs === undefined]);
      if (mine !== undefined) {
        expect(mine).toMatchObject({ code: 'ERR_CERT_HOSTNAME_MISMATCH' });
        // The message names what the certificate is valid for.
        expect(mine.message).toContain('DNS:tlskit.test, DNS:localhost, IP Address:127.0.0.1');
      }
    }
  });

  it('checks the IP address when connecting to one without servername (as node:tls)', async () => {
    const credential = certs.server.wrongHost; // valid for other.example only
    const port = await nodeServer({ key: credential.key.pem, cert: credential.chain.pem });
    const options = { host: '127.0.0.1', port, ca: credential.ca.pem };
    const theirs = await failure(nodeConnect(options));
    expect(theirs.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const mine = await failure(connect(options));
    expect(mine.code).toBe('ERR_CERT_HOSTNAME_MISMATCH');
    expect(mine.message).toContain('not valid for "127.0.0.1": it is valid for DNS:other.example');
  });
});

describe('node:tls argument forms and exports', () => {
  it('connect(port, host, options, listener)', async () => {
    const credential = certs.server.ecdsaP256;
    const port = await nodeServer({ key: credential.key.pem, cert: credential.chain.pem });
    let called = false;
    const socket = connect(
      port,
      '127.0.0.1',
      { servername: 'localhost', ca: credential.ca.pem },
      () => {
        called = true;
      },
    );
    await secure(socket);
    expect(called).toBe(true);
    expect(socket.remotePort).toBe(port);
  });

  it('rootCertificates is node:tls rootCertificates', () => {
    expect(rootCertificates).toBe(nodeRootCertificates);
    expect(rootCertificates.length).toBeGreaterThan(100);
  });
});

const { server: serverSigalgs, client: clientSigalgs } = sigalgsOrders;

describe('getSharedSigalgs: what node:tls answers', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${version}: empty unless the server asks for a certificate, then in the server's order`, async () => {
      const ofVersion = version === 'TLSv1.2' ? tls12Sigalgs : (names: readonly string[]) => names;
      const credential = certs.server.ecdsaP256;
      const mine = certs.client.ecdsa;
      for (const requestCert of [false, true]) {
        const port = await nodeServer({
          key: credential.key.pem,
          cert: credential.chain.pem,
          sigalgs: ofVersion(serverSigalgs).join(':'),
          requestCert,
          rejectUnauthorized: false,
        });
        const options = {
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca: credential.ca.pem,
          key: mine.key.pem,
          cert: mine.chain.pem,
          maxVersion: version,
        };
        const node = await secure(
          nodeConnect({ ...options, sigalgs: ofVersion(clientSigalgs).join(':') }),
        );
        const ours = await secure(
          connect({
            ...options,
            engine: { signatureSchemes: clientSigalgs.map((name) => SignatureScheme[name]) },
          }),
        );
        expect(ours.getSharedSigalgs()).toEqual(node.getSharedSigalgs());
        expect(ours.getSharedSigalgs()).toEqual(
          !requestCert
            ? []
            : version === 'TLSv1.3'
              ? ['Ed25519+UNDEF', 'ECDSA+SHA256', 'RSA-PSS+SHA256', 'RSA-PSS+SHA256', 'RSA+SHA256']
              : ['Ed25519+UNDEF', 'ECDSA+SHA256', 'RSA-PSS+SHA256', 'RSA+SHA256'],
        );
      }
    });
  }
});
