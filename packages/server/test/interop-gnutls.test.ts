import {
  type Credential,
  type GnutlsClientOptions,
  ffdheGroups,
  gnutlsKeyExchange,
  gnutlsPriority,
  groups,
  interopCerts,
  missingPeers,
  startGnutlsClient,
  stopAllPeers,
  tls12Suites,
  tls13Suites,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { ourServer } from './servers.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];
const skip = missingPeers('gnutls');

afterEach(async () => {
  for (const step of cleanup.splice(0)) step();
  await stopAllPeers();
});

/** gnutls-cli (TLS 1.3 only unless `priority` is given) sends a line and waits for its echo. */
async function gnutlsCli(port: number, options: Partial<GnutlsClientOptions> = {}) {
  const client = await startGnutlsClient({
    port,
    ca: certs.ca.cert,
    priority: gnutlsPriority({ versions: ['TLSv1.3'] }),
    ...options,
  });
  if (client.summary().established) {
    client.send('ping from gnutls-cli\n');
    await client.process.waitForOutput(/^ping from gnutls-cli$/m, { stream: 'stdout' });
  }
  return client;
}

describe.skipIf(skip)(
  `gnutls-cli against createServer()${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    for (const { iana, gnutls } of tls13Suites) {
      it(`serves ${iana} to gnutls-cli that allows only it`, async () => {
        const { port, accepted } = await ourServer();
        const client = await gnutlsCli(port, {
          priority: gnutlsPriority({ versions: ['TLSv1.3'], suites: [iana] }),
        });
        expect(client.summary()).toMatchObject({
          established: true,
          protocol: 'TLS1.3',
          cipher: gnutls.cipher,
          trusted: true,
        });
        expect(accepted[0]?.getCipher()?.standardName).toBe(iana);
        await client.close();
      });
    }

    for (const names of [...groups, ...ffdheGroups]) {
      const group = names.iana;
      it(`agrees on ${group} with gnutls-cli that allows only it`, async () => {
        const { port } = await ourServer();
        const client = await gnutlsCli(port, {
          priority: gnutlsPriority({ versions: ['TLSv1.3'], groups: [group] }),
        });
        expect(client.summary()).toMatchObject({
          established: true,
          keyExchange: gnutlsKeyExchange(names),
        });
        await client.close();
      });
    }

    it('sends gnutls-cli a HelloRetryRequest when it allows only secp384r1', async () => {
      const { port, accepted } = await ourServer({ engine: { groups: [0x0018] } });
      const client = await gnutlsCli(port); // GnuTLS shares secp256r1 and x25519 first
      expect(client.summary()).toMatchObject({ established: true, keyExchange: 'ECDHE-SECP384R1' });
      expect(accepted[0]?.handshakeInfo?.helloRetryRequest).toBe(true);
      await client.close();
    });

    for (const [name, credential, signature] of [
      ['ECDSA P-256', certs.server.ecdsaP256, 'ECDSA-SECP256R1-SHA256'],
      ['ECDSA P-384', certs.server.ecdsaP384, 'ECDSA-SECP384R1-SHA384'],
      ['RSA-2048', certs.server.rsa2048, 'RSA-PSS-RSAE-SHA256'],
      ['Ed25519', certs.server.ed25519, 'EdDSA-Ed25519'],
      ['chained (leaf + intermediate)', certs.server.chained, 'ECDSA-SECP256R1-SHA256'],
    ] as [string, Credential, string][]) {
      it(`authenticates with a ${name} certificate that gnutls-cli trusts`, async () => {
        const { port } = await ourServer({ key: credential.key.pem, cert: credential.chain.pem });
        const client = await gnutlsCli(port, { ca: credential.ca });
        expect(client.summary()).toMatchObject({ established: true, trusted: true, signature });
        await client.close();
      });
    }

    for (const [name, credential] of [
      ['from an unknown CA', certs.server.untrusted],
      ['that has expired', certs.server.expired],
      ['for another host name', certs.server.wrongHost],
    ] as [string, Credential][]) {
      it(`is refused by gnutls-cli for a certificate ${name}`, async () => {
        const { port, clientErrors } = await ourServer({
          key: credential.key.pem,
          cert: credential.chain.pem,
        });
        const client = await gnutlsCli(port);
        await client.process.waitForExit(10_000);
        expect(client.summary()).toMatchObject({ established: false, trusted: false });
        // gnutls-cli answers every verification failure with bad_certificate, and we read it.
        for (let i = 0; i < 100 && clientErrors.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(clientErrors[0]).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 42 });
      });
    }

    for (const [name, credential] of [
      ['ECDSA', certs.client.ecdsa],
      ['RSA', certs.client.rsa],
    ] as const) {
      it(`verifies an ${name} client certificate from gnutls-cli`, async () => {
        const { port, accepted } = await ourServer({
          requestCert: true,
          ca: certs.clientCa.cert.pem,
        });
        const client = await gnutlsCli(port, { credential });
        expect(client.summary().established).toBe(true);
        expect(accepted[0]?.authorized).toBe(true);
        await client.close();
      });
    }

    it('negotiates ALPN with gnutls-cli', async () => {
      const { port } = await ourServer({ ALPNProtocols: ['http/1.1'] });
      const client = await gnutlsCli(port, { alpn: ['h2', 'http/1.1'] });
      expect(client.summary()).toMatchObject({ established: true, alpn: 'http/1.1' });
      await client.close();
    });

    it('resumes gnutls-cli with the ticket it issued', async () => {
      const { port, accepted } = await ourServer();
      const client = await gnutlsCli(port, { resume: true });
      expect(client.summary()).toMatchObject({ established: true, resumed: true });
      expect(accepted.at(-1)?.isSessionReused()).toBe(true);
      await client.close();
    });

    it('keeps echoing after gnutls-cli updates its keys and asks for ours', async () => {
      const { port, accepted } = await ourServer();
      const client = await gnutlsCli(port, { inlineCommands: true });
      const messages: string[] = [];
      accepted[0]?.engine?.on('message', (m: { direction: string; type: string }) =>
        messages.push(`${m.direction} ${m.type}`),
      );
      client.keyUpdate(true);
      client.send('after the key update\n');
      await client.process.waitForOutput(/^after the key update$/m, { stream: 'stdout' });
      expect(client.summary().error).toBeUndefined();
      // Theirs arrived, and ours (asked for by update_requested) went out.
      expect(messages).toEqual(['received key_update', 'sent key_update']);
      await client.close();
    });
  },
);

describe.skipIf(skip)(
  `gnutls-cli NORMAL:-VERS-ALL:+VERS-TLS1.2 against createServer()${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const ecdsa = certs.server.ecdsaP256;
    const rsa = certs.server.rsa2048;
    const both = { key: [ecdsa.key.pem, rsa.key.pem], cert: [ecdsa.chain.pem, rsa.chain.pem] };

    for (const suite of tls12Suites) {
      it(`serves ${suite.iana} to gnutls-cli that allows only it`, async () => {
        const { port, accepted } = await ourServer(both);
        const client = await gnutlsCli(port, {
          priority: gnutlsPriority({ versions: ['TLSv1.2'], suites: [suite.iana] }),
        });
        expect(client.summary()).toMatchObject({
          established: true,
          protocol: 'TLS1.2',
          cipher: suite.gnutls.cipher,
          trusted: true,
        });
        expect(accepted[0]?.getCipher()?.standardName).toBe(suite.iana);
        await client.close();
      });
    }

    it('verifies a client certificate from gnutls-cli', async () => {
      const { port, accepted } = await ourServer({
        requestCert: true,
        ca: certs.clientCa.cert.pem,
      });
      const client = await gnutlsCli(port, {
        priority: gnutlsPriority({ versions: ['TLSv1.2'] }),
        credential: certs.client.ecdsa,
      });
      expect(client.summary()).toMatchObject({ established: true, protocol: 'TLS1.2' });
      expect(accepted[0]?.authorized).toBe(true);
      await client.close();
    });

    it('resumes gnutls-cli in TLS 1.2', async () => {
      const { port, accepted } = await ourServer();
      const client = await gnutlsCli(port, {
        priority: gnutlsPriority({ versions: ['TLSv1.2'] }),
        resume: true,
      });
      expect(client.summary()).toMatchObject({
        established: true,
        protocol: 'TLS1.2',
        resumed: true,
      });
      expect(accepted.at(-1)?.isSessionReused()).toBe(true);
      await client.close();
    });
  },
);
