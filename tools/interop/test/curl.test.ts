import { afterEach, describe, expect, it } from 'vitest';
import {
  curlRequest,
  interopCerts,
  missingPeers,
  startNodeTlsServer,
  startOpensslServer,
  stopAllPeers,
} from '../src/index.js';

afterEach(stopAllPeers);

const certs = interopCerts();
const skip = missingPeers('curl');

describe.skipIf(skip)(
  `curl against openssl s_server -www${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('fetches the status page over TLS 1.3 with the name resolved to 127.0.0.1', async () => {
      const server = await startOpensslServer({
        credential: certs.server.chained,
        mode: 'www',
        alpn: ['http/1.1'],
      });
      const result = await curlRequest({
        port: server.port,
        ca: certs.ca.cert,
        minVersion: 'TLSv1.3',
      });
      expect(result).toMatchObject({
        exitCode: 0,
        status: 200,
        protocol: 'TLSv1.3',
        alpn: 'http/1.1',
        verified: true,
      });
      // s_server describes the session it negotiated in the page.
      expect(result.body).toMatch(/New, TLSv1\.3, Cipher is TLS_/);
    });

    it('fetches over TLS 1.2 with the suite asked for', async () => {
      const server = await startOpensslServer({ credential: certs.server.rsa2048, mode: 'www' });
      const result = await curlRequest({
        port: server.port,
        ca: certs.ca.cert,
        maxVersion: 'TLSv1.2',
        ciphers: ['ECDHE-RSA-CHACHA20-POLY1305'],
      });
      expect(result).toMatchObject({
        exitCode: 0,
        status: 200,
        protocol: 'TLSv1.2',
        cipher: 'ECDHE-RSA-CHACHA20-POLY1305',
      });
    });

    it('refuses a leaf for another host name (exit 60) and an expired leaf', async () => {
      const wrongHost = await startOpensslServer({
        credential: certs.server.wrongHost,
        mode: 'www',
      });
      const mismatch = await curlRequest({ port: wrongHost.port, ca: certs.ca.cert });
      expect(mismatch.exitCode).toBe(60);
      expect(mismatch.stderr).toMatch(
        /does not match target host name|no alternative certificate subject name matches/,
      );
      const expired = await startOpensslServer({ credential: certs.server.expired, mode: 'www' });
      const old = await curlRequest({ port: expired.port, ca: certs.ca.cert });
      expect(old.exitCode).toBe(60);
      expect(old.stderr).toMatch(/certificate has expired/);
    });

    it('talks HTTP/1.1 to a node:tls server', async () => {
      const server = await startNodeTlsServer({
        cert: certs.server.ecdsaP256.chain.pem,
        key: certs.server.ecdsaP256.key.pem,
        mode: 'http',
      });
      const result = await curlRequest({ port: server.port, ca: certs.ca.cert, http: 'http1.1' });
      expect(result).toMatchObject({ exitCode: 0, status: 200, protocol: 'TLSv1.3' });
      expect(result.body).toMatch(/^tlskit interop server TLSv1\.3 TLS_/);
      expect(server.connections[0]).toMatchObject({ protocol: 'TLSv1.3' });
    });
  },
);
