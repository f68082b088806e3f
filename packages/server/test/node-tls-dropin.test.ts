/**
 * The server side of the node:tls drop-in: what a tlskit server socket reports about the
 * connection equals what node's client reports from the other end.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer as createNodeServer, connect as nodeConnect } from 'node:tls';
import type { TLSSocket } from '@tlskit/client';
import { interopCerts, sigalgsOrders, tls12Sigalgs } from '@tlskit/interop';
import { SignatureScheme } from '@tlskit/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../src/index.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

describe('a tlskit server socket, seen from a node:tls client', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${version}: getCertificate/getX509Certificate are what the client got, Finished match`, async () => {
      const credential = certs.server.chained;
      const accepted: TLSSocket[] = [];
      const server = createServer(
        { key: credential.key.pem, cert: credential.chain.pem, maxVersion: version },
        (socket) => {
          accepted.push(socket);
          socket.on('error', () => {});
          socket.pipe(socket);
        },
      );
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanup.push(() => server.close());
      const { port } = server.address() as AddressInfo;
      const client = nodeConnect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: credential.ca.pem,
      });
      cleanup.push(() => client.destroy());
      await once(client, 'secureConnect', { signal: AbortSignal.timeout(10_000) });
      const peer = client.getPeerCertificate();
      client.write('ping');
      await once(client, 'data', { signal: AbortSignal.timeout(10_000) });
      const ours = accepted[0]!;
      expect(ours.getX509Certificate()?.fingerprint256).toBe(
        client.getPeerX509Certificate()?.fingerprint256,
      );
      expect(ours.getCertificate()).toEqual(peer);
      expect(ours.getFinished()?.toString('hex')).toBe(client.getPeerFinished()?.toString('hex'));
      expect(ours.getPeerFinished()?.toString('hex')).toBe(client.getFinished()?.toString('hex'));
      expect(ours.getPeerX509Certificate()).toBeUndefined();
    });
  }
});

const { server: serverSigalgs, client: clientSigalgs } = sigalgsOrders;

/** What the server socket of a node:tls or tlskit server answers to one node:tls client. */
async function serverSharedSigalgs(
  make: typeof createServer | typeof createNodeServer,
  options: Record<string, unknown>,
  client: Record<string, unknown>,
): Promise<string[]> {
  const credential = certs.server.ecdsaP256;
  const accepted: { getSharedSigalgs(): string[] }[] = [];
  const server = make({ key: credential.key.pem, cert: credential.chain.pem, ...options }, (s) => {
    accepted.push(s);
    s.on('error', () => {});
    s.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  const { port } = server.address() as AddressInfo;
  const socket = nodeConnect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: credential.ca.pem,
    ...client,
  });
  cleanup.push(() => socket.destroy());
  socket.on('error', () => {});
  socket.resume();
  // The server socket exists once the client's Finished arrived; 'end' follows its end().
  await once(socket, 'end', { signal: AbortSignal.timeout(10_000) });
  return accepted[0]?.getSharedSigalgs() ?? [];
}

describe('getSharedSigalgs on the server: what node:tls answers', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${version}: the schemes the client offered that the server has, in the server's order`, async () => {
      const ofVersion = version === 'TLSv1.2' ? tls12Sigalgs : (names: readonly string[]) => names;
      const client = { maxVersion: version, sigalgs: ofVersion(clientSigalgs).join(':') };
      const node = await serverSharedSigalgs(
        createNodeServer,
        { sigalgs: ofVersion(serverSigalgs).join(':') },
        client,
      );
      const ours = await serverSharedSigalgs(
        createServer,
        { engine: { signatureSchemes: serverSigalgs.map((name) => schemeCode(name)) } },
        client,
      );
      expect(ours).toEqual(node);
      expect(ours).toEqual(
        version === 'TLSv1.3'
          ? ['Ed25519+UNDEF', 'ECDSA+SHA256', 'RSA-PSS+SHA256', 'RSA-PSS+SHA256', 'RSA+SHA256']
          : ['Ed25519+UNDEF', 'ECDSA+SHA256', 'RSA-PSS+SHA256', 'RSA+SHA256'],
      );
    });
  }
});

function schemeCode(name: string): number {
  const code = (SignatureScheme as Record<string, number>)[name];
  if (code === undefined) throw new Error(`unknown scheme ${name}`);
  return code;
}
