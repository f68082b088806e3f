/**
 * Interop of clientCertCallback and clientCertificateAuthorities with OpenSSL: the CA names
 * `openssl s_server -Verify -CAfile` sends reach our client's callback, whose answer s_server
 * verifies; the names our server sends are the ones `openssl s_client` reports.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { type CertificateRequestInfo, createClient, createServer } from '@tlskit/handshake';
import {
  interopCerts,
  missingPeers,
  opensslClientExchange,
  startOpensslServer,
  stopAllPeers,
} from '@tlskit/interop';
import { parseCertificate } from '@tlskit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { anchors, engineCredential, getPage, serveEngines } from './engine-socket.js';

const certs = interopCerts();
afterEach(stopAllPeers);

/** The DER subject of the interop client CA: the name a server asking for its clients sends. */
const clientCaName = (): Uint8Array => parseCertificate(anchors(certs.clientCa)[0]!).subject.der;

describe.skipIf(missingPeers('openssl'))('client certificates with openssl', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    '%s: clientCertCallback sees the CA names of s_server -Verify -CAfile, and s_server accepts its answer',
    async (version) => {
      const server = await startOpensslServer({
        credential: certs.server.ecdsaP256,
        version,
        mode: 'www',
        clientAuth: { ca: certs.clientCa.cert, required: true },
      });
      const credential = await engineCredential(certs.client.ecdsa);
      const seen: CertificateRequestInfo[] = [];
      const client = createClient({
        provider,
        serverName: 'localhost',
        ca: anchors(certs.ca),
        minVersion: version,
        maxVersion: version,
        clientCertCallback: async (request) => {
          seen.push(request);
          return credential;
        },
      });
      const body = await getPage(client, server.port);
      expect(body).toContain('HTTP/1.0 200 ok');
      expect(seen).toHaveLength(1);
      expect(seen[0]!.certificateAuthorities).toEqual([clientCaName()]);
      expect(client.getLocalCertificates()).toEqual(credential.chain);
    },
  );

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    '%s: openssl s_client reports the CA names of clientCertificateAuthorities',
    async (version) => {
      const certificates = [await engineCredential(certs.server.ecdsaP256)];
      const port = await serveEngines(() =>
        createServer({
          provider,
          certificates,
          clientAuth: 'request',
          ca: anchors(certs.clientCa),
          clientCertificateAuthorities: [clientCaName()],
        }),
      );
      const { summary, stdout } = await opensslClientExchange({
        port,
        version,
        ca: certs.ca.cert,
        servername: 'localhost',
        send: 'ping\n',
        expect: 'ping',
      });
      expect(summary).toMatchObject({ established: true, protocol: version });
      expect(stdout).toMatch(
        /Acceptable client certificate CA names\n.*CN = tlskit interop client CA/,
      );
    },
  );
});
