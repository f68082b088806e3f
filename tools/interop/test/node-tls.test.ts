import { afterEach, describe, expect, it } from 'vitest';
import {
  interopCerts,
  nodeTlsExchange,
  opensslClientExchange,
  startNodeTlsServer,
  startOpensslServer,
  stopAllPeers,
} from '../src/index.js';

afterEach(stopAllPeers);

const certs = interopCerts();

describe('node:tls and openssl against each other', () => {
  it('node:tls client against openssl s_server: TLS 1.3, resumption with the session it kept', async () => {
    const server = await startOpensslServer({ credential: certs.server.ecdsaP256, mode: 'echo' });
    const options = { port: server.port, ca: certs.ca.cert.pem, send: 'hi\n', expect: 'hi\n' };
    const first = await nodeTlsExchange(options);
    expect(first.error).toBeUndefined();
    expect(first.connection).toMatchObject({
      protocol: 'TLSv1.3',
      authorized: true,
      resumed: false,
    });
    expect(first.session).toBeDefined();
    const second = await nodeTlsExchange({ ...options, session: first.session as Buffer });
    expect(second.connection).toMatchObject({ protocol: 'TLSv1.3', resumed: true });
  });

  it('node:tls client reports the alert when openssl s_server requires a client certificate', async () => {
    const server = await startOpensslServer({
      credential: certs.server.ecdsaP256,
      clientAuth: { ca: certs.clientCa.cert, required: true },
      mode: 'echo',
    });
    const result = await nodeTlsExchange({
      port: server.port,
      ca: certs.ca.cert.pem,
      send: 'x',
      expect: 'x',
    });
    expect(result.error).toBeDefined();
    expect(result.alertReceived).toBe(116); // RFC 8446 certificate_required
  });

  it('openssl s_client against a node:tls server: TLS 1.2 with a client certificate', async () => {
    const server = await startNodeTlsServer({
      cert: certs.server.ecdsaP384.chain.pem,
      key: certs.server.ecdsaP384.key.pem,
      ca: certs.clientCa.cert.pem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const { summary } = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      version: 'TLSv1.2',
      credential: certs.client.rsa,
      send: 'over 1.2\n',
      expect: 'over 1.2',
    });
    expect(summary).toMatchObject({ established: true, protocol: 'TLSv1.2', verifyCode: 0 });
    expect(server.connections[0]).toMatchObject({
      protocol: 'TLSv1.2',
      authorized: true,
      peerCommonName: 'client-rsa.tlskit.test',
    });
  });

  it('node:tls client refuses an expired server certificate', async () => {
    const server = await startNodeTlsServer({
      cert: certs.server.expired.chain.pem,
      key: certs.server.expired.key.pem,
    });
    const result = await nodeTlsExchange({ port: server.port, ca: certs.ca.cert.pem });
    expect(result.connection).toBeUndefined();
    expect(result.error?.code).toBe('CERT_HAS_EXPIRED');
  });
});
