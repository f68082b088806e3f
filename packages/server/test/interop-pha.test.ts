/**
 * Post-handshake client authentication (RFC 8446 4.6.2) from our createServer():
 * `socket.requestCertificate()` against `openssl s_client -enable_pha -cert -key`, which answers
 * the CertificateRequest; the client's certificate (or its absence) is what we verify.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  type Credential,
  interopCerts,
  missingPeers,
  startOpensslClient,
  stopAllPeers,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type TLSSocket, type TlsServer } from '../src/index.js';

const certs = interopCerts();
const servers: TlsServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
  await stopAllPeers();
});

/** Our server trusting the client CA; each connection asks for a certificate once connected. */
async function phaServer() {
  const outcomes: Promise<unknown>[] = [];
  const server = createServer(
    {
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.chain.pem,
      ca: certs.clientCa.cert.pem,
    },
    (socket: TLSSocket) => {
      socket.on('error', () => {});
      socket.on('data', (data: Buffer) => socket.write(data));
      outcomes.push(
        socket.requestCertificate().then(
          (certificate) => ({ certificate, peer: socket.getPeerCertificate() }),
          (error: Error & { code?: string }) => error,
        ),
      );
    },
  );
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, outcomes };
}

function client(port: number, credential: Credential | undefined, pha = true) {
  return startOpensslClient({
    port,
    ca: certs.ca.cert,
    version: 'TLSv1.3',
    ...(credential === undefined ? {} : { credential }),
    extraArgs: pha ? ['-enable_pha'] : [],
  });
}

async function firstOutcome(outcomes: Promise<unknown>[]) {
  for (let i = 0; i < 100 && outcomes.length === 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  return outcomes[0];
}

describe.skipIf(missingPeers('openssl'))(
  'requestCertificate() answered by openssl s_client',
  () => {
    it('receives and verifies the client certificate after the handshake', async () => {
      const { port, outcomes } = await phaServer();
      const peer = await client(port, certs.client.ecdsa);
      expect(peer.summary().established).toBe(true);
      const outcome = (await firstOutcome(outcomes)) as {
        certificate: { subject: Record<string, string> };
        peer: { subject: Record<string, string> };
      };
      expect(outcome.certificate.subject.CN).toBe('client.tlskit.test');
      expect(outcome.peer.subject.CN).toBe('client.tlskit.test');
      // Data still flows both ways afterwards.
      peer.send('echo me\n');
      await peer.waitForOutput(/echo me/, { stream: 'stdout', timeoutMs: 5000 });
      await peer.close();
    });

    it('refuses a client certificate from another CA with unknown_ca', async () => {
      const { port, outcomes } = await phaServer();
      const peer = await client(port, certs.server.ecdsaP256);
      const error = (await firstOutcome(outcomes)) as Error & { code?: string };
      expect(error.code).toBe('ERR_CERT_UNKNOWN_ISSUER');
      await peer.waitForOutput(/alert number 48|unknown ca/i, {
        stream: 'stderr',
        timeoutMs: 5000,
      });
      await peer.close();
    });

    it('reports a client that offered PHA without a certificate as declining', async () => {
      const { port, outcomes } = await phaServer();
      const peer = await client(port, undefined);
      const outcome = (await firstOutcome(outcomes)) as { certificate: object };
      expect(outcome.certificate).toEqual({});
      await peer.close();
    });

    it('cannot ask a client that did not offer post_handshake_auth', async () => {
      const { port, outcomes } = await phaServer();
      const peer = await client(port, certs.client.ecdsa, false);
      const error = (await firstOutcome(outcomes)) as Error & { code?: string };
      expect(error.code).toBe('ERR_NOT_SUPPORTED');
      await peer.close();
    });
  },
);
