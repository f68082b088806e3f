/**
 * OCSP stapling read by OpenSSL: `openssl s_client -status` against our createServer(), in
 * TLS 1.3 and TLS 1.2, with responses `openssl ocsp` made, given as `ocspResponse` or answered by
 * an `OCSPRequest` listener (node:tls's protocol). s_client prints the response it received
 * and the certificate status in it: the oracle.
 */
import type { AddressInfo } from 'node:net';
import {
  interopCerts,
  makeOcspResponse,
  missingPeers,
  opensslClientExchange,
  stopAllPeers,
  type TlsVersionName,
} from '@tlskit/interop';
import { parseCertificate } from '@tlskit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type TlsServer, type TlsServerOptions } from '../src/index.js';

const certs = interopCerts();
const leaf = certs.server.ecdsaP256;
const servers: TlsServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
  await stopAllPeers();
});

async function listen(options: Partial<TlsServerOptions> = {}) {
  const server = createServer({ key: leaf.key.pem, cert: leaf.chain.pem, ...options }, (socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

function statusRequest(server: TlsServer, version: TlsVersionName) {
  return opensslClientExchange({
    port: (server.address() as AddressInfo).port,
    ca: leaf.ca,
    version,
    extraArgs: ['-status'],
    send: 'ping\n',
    expect: 'ping',
  });
}

describe.skipIf(missingPeers('openssl'))('OCSP stapling read by openssl s_client -status', () => {
  describe.each(['TLSv1.3', 'TLSv1.2'] as const)('%s', (version) => {
    it('staples the ocspResponse option; s_client reads a good status', async () => {
      const staple = makeOcspResponse({ cert: leaf.cert, issuer: certs.ca, status: 'good' });
      const server = await listen({ ocspResponse: staple.der });
      const { summary, stdout } = await statusRequest(server, version);
      expect(summary.established).toBe(true);
      expect(summary.protocol).toBe(version);
      expect(stdout).toMatch(/OCSP Response Status: successful/);
      expect(stdout).toMatch(/Cert Status: good/);
    });

    it('staples what the OCSPRequest listener answers, with the leaf and its issuer', async () => {
      const staple = makeOcspResponse({ cert: leaf.cert, issuer: certs.ca, status: 'revoked' });
      const server = await listen({ ca: certs.ca.cert.pem });
      const asked: [Buffer, Buffer | undefined][] = [];
      server.on('OCSPRequest', (certificate: Buffer, issuer: Buffer | undefined, callback) => {
        asked.push([certificate, issuer]);
        callback(null, staple.der);
      });
      const { summary, stdout } = await statusRequest(server, version);
      expect(summary.established).toBe(true);
      expect(stdout).toMatch(/Cert Status: revoked/);
      expect(asked).toHaveLength(1);
      const [certificate, issuer] = asked[0]!;
      expect(new Uint8Array(certificate)).toEqual(pemDer(leaf.cert.pem));
      expect(issuer && parseCertificate(issuer).subject.key).toBe(
        parseCertificate(pemDer(certs.ca.cert.pem)).subject.key,
      );
    });

    it('staples the ocspResponse of a certificates[] entry', async () => {
      const staple = makeOcspResponse({ cert: leaf.cert, issuer: certs.ca, status: 'revoked' });
      const server = createServer({
        certificates: [{ cert: leaf.chain.pem, key: leaf.key.pem, ocspResponse: staple.der }],
      });
      server.on('secureConnection', (socket) => {
        socket.on('error', () => {});
        socket.pipe(socket);
      });
      servers.push(server);
      server.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const { summary, stdout } = await statusRequest(server, version);
      expect(summary.established).toBe(true);
      expect(stdout).toMatch(/Cert Status: revoked/);
    });

    it('staples nothing when there is no response; s_client says so', async () => {
      const server = await listen();
      const { summary, stdout } = await statusRequest(server, version);
      expect(summary.established).toBe(true);
      expect(stdout).toMatch(/OCSP response: no response sent/);
    });
  });
});

function pemDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
}
