/**
 * The server side of the node:tls drop-in: what a tlskit server socket reports about the
 * connection equals what node's client reports from the other end.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect as nodeConnect } from 'node:tls';
import type { TLSSocket } from '@tlskit/client';
import { interopCerts } from '@tlskit/interop';
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
