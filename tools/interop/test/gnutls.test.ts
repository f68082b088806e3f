import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientScriptCommand,
  gnutlsClientCommand,
  interopCerts,
  missingPeers,
  nodeScriptArgv,
  parseClientScriptReport,
  runWithGnutlsServer,
  startGnutlsClient,
  startOpensslServer,
  stopAllPeers,
} from '../src/index.js';

afterEach(stopAllPeers);

const certs = interopCerts();
const nodeClient = fileURLToPath(new URL('./fixtures/node-tls-client.ts', import.meta.url));
const skipServer = missingPeers('gnutls', 'netns');
const skipClient = missingPeers('gnutls');

describe.skipIf(skipServer)(
  `node:tls client against gnutls-serv in a private namespace${skipServer ? ` (skipped: ${skipServer})` : ''}`,
  () => {
    it('completes TLS 1.3 with ALPN and gets its line echoed', async () => {
      const { client, server } = await runWithGnutlsServer({
        server: { credential: certs.server.ecdsaP384, alpn: ['h2'] },
        client: clientScriptCommand({
          module: 'node:tls',
          options: { ca: certs.ca.cert.pem, ALPNProtocols: ['h2', 'http/1.1'] },
          send: 'ping from node\n',
          expect: 'ping from node',
        }),
      });
      expect(client.code, client.stderr).toBe(0);
      const report = parseClientScriptReport(client.stdout);
      expect(report.connection).toMatchObject({
        protocol: 'TLSv1.3',
        alpn: 'h2',
        authorized: true,
      });
      expect(report.received).toBe('ping from node\n');
      expect(server.stdout).toMatch(/Version: TLS1\.3/);
    });

    it('completes TLS 1.2 when the server priority allows only TLS 1.2 (a custom script)', async () => {
      const { client } = await runWithGnutlsServer({
        server: { credential: certs.server.rsa2048, priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.2' },
        client: {
          argv: nodeScriptArgv(nodeClient),
          env: { TLSKIT_INTEROP_CA: certs.ca.cert.file },
        },
      });
      expect(client.code, client.stderr).toBe(0);
      const report = JSON.parse(client.stdout);
      expect(report.connection).toMatchObject({ protocol: 'TLSv1.2', authorized: true });
      expect(report.connection.cipher).toMatch(/^TLS_ECDHE_RSA_WITH_/);
      expect(report.received).toBe('ping from node\n');
    });

    it('runs gnutls-cli against gnutls-serv with a client certificate', async () => {
      const cli = gnutlsClientCommand({
        port: 4433,
        ca: certs.ca.cert,
        credential: certs.client.rsa,
      });
      const { client, server } = await runWithGnutlsServer({
        server: {
          credential: certs.server.ed25519,
          clientAuth: { ca: certs.clientCa.cert, required: true },
        },
        client: cli,
        input: 'hello\n',
      });
      expect(client.stdout).toMatch(/- Handshake was completed/);
      expect(server.stdout).toMatch(/client-rsa\.tlskit\.test/);
    });
  },
);

describe.skipIf(skipClient)(
  `gnutls-cli against openssl s_server${skipClient ? ` (skipped: ${skipClient})` : ''}`,
  () => {
    it('completes TLS 1.3 with the group asked for, and resumes', async () => {
      const server = await startOpensslServer({ credential: certs.server.ecdsaP256, mode: 'echo' });
      const client = await startGnutlsClient({
        port: server.port,
        ca: certs.ca.cert,
        priority: 'NORMAL:-GROUP-ALL:+GROUP-X25519',
        resume: true,
      });
      client.send('echo me\n');
      await client.process.waitForOutput('echo me');
      expect(client.summary()).toMatchObject({
        established: true,
        protocol: 'TLS1.3',
        resumed: true,
        trusted: true,
      });
      expect(client.process.stdout).toMatch(/\(ECDHE-X25519\)/);
      await client.close();
    });

    it('completes TLS 1.2 ECDHE-ECDSA with CHACHA20-POLY1305', async () => {
      const server = await startOpensslServer({ credential: certs.server.ecdsaP256, mode: 'echo' });
      const client = await startGnutlsClient({
        port: server.port,
        ca: certs.ca.cert,
        priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305',
      });
      expect(client.summary()).toMatchObject({
        established: true,
        protocol: 'TLS1.2',
        cipher: 'CHACHA20-POLY1305',
      });
      await client.close();
    });

    it('sends KeyUpdates of both kinds through inline commands', async () => {
      const server = await startOpensslServer({ credential: certs.server.ecdsaP256, trace: true });
      const client = await startGnutlsClient({
        port: server.port,
        ca: certs.ca.cert,
        inlineCommands: true,
      });
      client.keyUpdate(false);
      await server.waitForOutput(/KeyUpdate, Length=1\s+update_not_requested/);
      client.keyUpdate(true);
      await server.waitForOutput(/KeyUpdate, Length=1\s+update_requested/);
      await client.close();
    });

    it('reports protocol_version from a TLS 1.3-only server to a TLS 1.2-only client', async () => {
      const server = await startOpensslServer({
        credential: certs.server.rsa2048,
        version: 'TLSv1.3',
        mode: 'echo',
      });
      const client = await startGnutlsClient({
        port: server.port,
        ca: certs.ca.cert,
        priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.2',
      });
      expect(client.summary()).toMatchObject({ established: false, alertReceived: 70 });
    });

    it('reports the alert when the server demands a client certificate it does not get', async () => {
      const server = await startOpensslServer({
        credential: certs.server.ecdsaP256,
        clientAuth: { ca: certs.clientCa.cert, required: true },
        version: 'TLSv1.2',
      });
      const client = await startGnutlsClient({ port: server.port, ca: certs.ca.cert });
      await client.process.waitForExit(10_000);
      const summary = client.summary();
      expect(summary.established).toBe(false);
      expect(summary.alertReceived).toBe(40);
    });
  },
);
