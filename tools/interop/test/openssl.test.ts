import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  interopCerts,
  opensslClientExchange,
  startOpensslClient,
  startOpensslServer,
  stopAllPeers,
  tempDir,
} from '../src/index.js';

afterEach(stopAllPeers);

const certs = interopCerts();

describe('openssl s_client against openssl s_server', () => {
  it('completes a TLS 1.3 handshake and echoes data', async () => {
    const server = await startOpensslServer({ credential: certs.server.ecdsaP256, mode: 'echo' });
    const { summary } = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      verifyHostname: 'tlskit.test',
      send: 'ping over tls 1.3\n',
      expect: 'ping over tls 1.3',
    });
    expect(summary).toMatchObject({
      established: true,
      protocol: 'TLSv1.3',
      group: 'x25519',
      verifyCode: 0,
      resumed: false,
      peerSignatureType: 'ECDSA',
    });
  });

  it('echoes binary data byte for byte', async () => {
    const server = await startOpensslServer({ credential: certs.server.ecdsaP256, mode: 'echo' });
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const received: Buffer[] = [];
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: server.port,
      ca: certs.ca.cert.pem,
      servername: 'tlskit.test',
    });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    socket.write(bytes);
    for (let i = 0; i < 100 && Buffer.concat(received).length < bytes.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.destroy();
    expect(Buffer.concat(received).equals(bytes)).toBe(true);
  });

  it('completes a TLS 1.2 ECDHE-RSA handshake with the suite and group asked for', async () => {
    const server = await startOpensslServer({
      credential: certs.server.rsa2048,
      version: 'TLSv1.2',
      mode: 'echo',
    });
    const { summary } = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      ciphers: ['ECDHE-RSA-AES256-GCM-SHA384'],
      groups: ['secp384r1'],
      send: 'ping over tls 1.2\n',
      expect: 'ping over tls 1.2',
    });
    expect(summary).toMatchObject({
      established: true,
      protocol: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      group: 'secp384r1',
      verifyCode: 0,
    });
  });

  it('reports a HelloRetryRequest when the server wants a group the client did not share', async () => {
    const server = await startOpensslServer({
      credential: certs.server.ecdsaP384,
      groups: ['secp384r1'],
      mode: 'echo',
    });
    const { summary } = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      groups: ['x25519', 'secp384r1'],
      trace: true,
    });
    expect(summary).toMatchObject({
      established: true,
      helloRetryRequest: true,
      group: 'secp384r1',
    });
  });

  it('shows the HelloRetryRequest in the server trace too, and refuses trace in echo mode', async () => {
    const server = await startOpensslServer({
      credential: certs.server.ecdsaP256,
      groups: ['secp256r1'],
      trace: true,
    });
    const { summary } = await opensslClientExchange({ port: server.port, ca: certs.ca.cert });
    expect(summary).toMatchObject({ established: true, group: 'secp256r1' });
    await server.waitForOutput('E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C');
    await expect(
      startOpensslServer({ credential: certs.server.ecdsaP256, mode: 'echo', trace: true }),
    ).rejects.toThrow(/use mode stdio/);
  });

  it('resumes a TLS 1.3 session from a saved ticket', async () => {
    const server = await startOpensslServer({ credential: certs.server.ed25519, mode: 'echo' });
    const session = join(tempDir(), 'tls13.session');
    const first = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      sessOut: session,
      send: 'wait for the tickets\n',
      expect: 'wait for the tickets',
      tickets: 2,
    });
    expect(first.summary).toMatchObject({ established: true, resumed: false, ticketsReceived: 2 });
    const second = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      sessIn: session,
    });
    expect(second.summary).toMatchObject({ established: true, resumed: true });
  });

  it.each([
    ['a session ticket', false],
    ['a session ID (server without tickets)', true],
  ] as const)('resumes a TLS 1.2 session from %s', async (_, noTicket) => {
    const server = await startOpensslServer({
      credential: certs.server.rsa2048,
      version: 'TLSv1.2',
      noTicket,
      mode: 'echo',
    });
    const session = join(tempDir(), 'tls12.session');
    const first = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      sessOut: session,
    });
    expect(first.summary).toMatchObject({ established: true, resumed: false, protocol: 'TLSv1.2' });
    // A TLS 1.2 ticket is printed in the session; a session-ID-only session has none.
    expect(/TLS session ticket:\n\s+0000 -/.test(first.stdout)).toBe(!noTicket);
    const second = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      sessIn: session,
    });
    expect(second.summary).toMatchObject({ established: true, resumed: true });
  });

  it('chooses the certificate by SNI', async () => {
    const server = await startOpensslServer({
      credential: certs.server.ecdsaP256,
      sni: { servername: 'other.example', credential: certs.server.wrongHost },
      mode: 'echo',
    });
    const other = await opensslClientExchange({
      port: server.port,
      ca: certs.ca.cert,
      servername: 'other.example',
      verifyHostname: 'other.example',
    });
    expect(other.summary).toMatchObject({
      established: true,
      peerSubject: expect.stringMatching(/CN = other\.example/),
    });
    const main = await opensslClientExchange({ port: server.port, ca: certs.ca.cert });
    expect(main.summary).toMatchObject({
      established: true,
      peerSubject: expect.stringMatching(/CN = tlskit\.test/),
    });
  });

  it('negotiates ALPN and authenticates the client when the server requires it', async () => {
    const server = await startOpensslServer({
      credential: certs.server.rsaPss,
      alpn: ['h2', 'http/1.1'],
      clientAuth: { ca: certs.clientCa.cert, required: true },
      mode: 'stdio',
    });
    const client = await startOpensslClient({
      port: server.port,
      ca: certs.ca.cert,
      alpn: ['http/1.1'],
      credential: certs.client.ecdsa,
    });
    expect(client.summary()).toMatchObject({ established: true, alpn: 'http/1.1' });
    client.send('from the client\n');
    await server.waitForOutput('from the client');
    await server.waitForOutput(/subject=.*client\.tlskit\.test/);
    await client.close();
  });

  it('refuses a server certificate from an unknown CA with alert unknown_ca', async () => {
    const server = await startOpensslServer({ credential: certs.server.untrusted, mode: 'echo' });
    const { summary } = await opensslClientExchange({ port: server.port, ca: certs.ca.cert });
    expect(summary.established).toBe(false);
    expect(summary.verifyCode).not.toBe(0);
    await server.waitForOutput(/SSL alert number 48/);
    expect(server.receivedAlert()).toBe(48);
  });

  it.each([
    ['wrongHost', 62, 42], // hostname mismatch -> bad_certificate
    ['expired', 10, 45], // certificate_expired
    ['untrusted', 20, 48], // unknown_ca
  ] as const)(
    'refuses the %s leaf: verify error %i, alert %i at the server',
    async (name, code, alert) => {
      const server = await startOpensslServer({ credential: certs.server[name], mode: 'echo' });
      const { summary } = await opensslClientExchange({
        port: server.port,
        ca: certs.ca.cert,
        verifyHostname: 'tlskit.test',
      });
      expect(summary).toMatchObject({ established: false, verifyCode: code });
      await server.waitForOutput(`SSL alert number ${alert}`);
    },
  );

  it('sends and receives a KeyUpdate through the stdin commands', async () => {
    const server = await startOpensslServer({ credential: certs.server.ecdsaP256, trace: true });
    const client = await startOpensslClient({
      port: server.port,
      ca: certs.ca.cert,
      commands: true,
    });
    client.keyUpdate(true);
    await server.waitForOutput(/KeyUpdate, Length=1\s+update_requested \(1\)/);
    client.send('after the update\n');
    await server.waitForOutput('after the update');
    await client.close();
  });
});
