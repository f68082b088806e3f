/**
 * Our connect() against gnutls-serv. gnutls-serv cannot be told to bind 127.0.0.1, so it runs in
 * a private network namespace, and our client runs beside it there as a script
 * (test/peers/client.ts) that prints what it negotiated. gnutls-serv, restricted by its priority
 * string to one version, suite or group, is the oracle; its output names what it negotiated.
 */
import { fileURLToPath } from 'node:url';
import {
  type Credential,
  type GnutlsServerOptions,
  ffdheGroups,
  gnutlsKeyExchange,
  gnutlsPriority,
  groups,
  interopCerts,
  missingPeers,
  nodeScriptArgv,
  runWithGnutlsServer,
  stopAllPeers,
  tls12Suites,
  tls13Suites,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerClientConnection, PeerClientSpec } from './peers/client.js';

const certs = interopCerts();
const script = fileURLToPath(new URL('./peers/client.ts', import.meta.url));
const skip = missingPeers('gnutls', 'netns');

afterEach(stopAllPeers);

/** Runs gnutls-serv (TLS 1.3 only unless `priority` says otherwise) and our client beside it. */
async function againstGnutls(
  server: Partial<GnutlsServerOptions>,
  client: Partial<PeerClientSpec> = {},
) {
  const result = await runWithGnutlsServer({
    server: {
      credential: certs.server.ecdsaP256,
      priority: gnutlsPriority({ versions: ['TLSv1.3'] }),
      ...server,
    },
    client: {
      argv: nodeScriptArgv(script),
      env: {
        TLSKIT_INTEROP_OPTIONS: JSON.stringify({ caFile: certs.ca.cert.file, ...client }),
      },
    },
    timeoutMs: 25_000,
  });
  expect(result.client.code, `${result.client.stderr}\n${result.server.stderr}`).toBe(0);
  const { connections } = JSON.parse(result.client.stdout.trim().split('\n').at(-1) ?? '{}') as {
    connections: PeerClientConnection[];
  };
  return { connections, server: result.server.stdout, serverLog: result.server.stderr };
}

describe.skipIf(skip)(`connect() to gnutls-serv${skip ? ` (skipped: ${skip})` : ''}`, () => {
  for (const { iana: suite, gnutls } of tls13Suites) {
    it(`negotiates ${suite} when gnutls-serv allows only it`, async () => {
      const { connections, server } = await againstGnutls({
        priority: gnutlsPriority({ versions: ['TLSv1.3'], suites: [suite] }),
      });
      expect(connections[0]).toMatchObject({
        protocol: 'TLSv1.3',
        cipher: suite,
        authorized: true,
        received: 'ping from tlskit\n',
      });
      expect(server).toMatch(new RegExp(`^- Cipher: ${gnutls.cipher}$`, 'm'));
    });
  }

  for (const names of [...groups, ...ffdheGroups]) {
    const group = names.iana;
    it(`agrees on ${group} when gnutls-serv allows only it`, async () => {
      // Our client with default options: groups it sends no share for come by a retry.
      const { connections, server } = await againstGnutls({
        priority: gnutlsPriority({ versions: ['TLSv1.3'], groups: [group] }),
      });
      expect(connections[0]).toMatchObject({ group, received: 'ping from tlskit\n' });
      expect(server).toContain(`(${gnutlsKeyExchange(names)})`);
    });
  }

  it('answers a HelloRetryRequest from gnutls-serv that allows only secp384r1', async () => {
    const { connections } = await againstGnutls(
      { priority: gnutlsPriority({ versions: ['TLSv1.3'], groups: ['secp384r1'] }) },
      { groups: ['x25519', 'secp384r1'] },
    );
    expect(connections[0]).toMatchObject({
      group: 'secp384r1',
      helloRetryRequest: true,
      received: 'ping from tlskit\n',
    });
  });

  it('falls back from X25519MLKEM768 (GnuTLS 3.7 lacks it) to its x25519 share', async () => {
    const { connections } = await againstGnutls({}, { groups: ['X25519MLKEM768', 'x25519'] });
    expect(connections[0]).toMatchObject({
      group: 'x25519',
      helloRetryRequest: false,
      received: 'ping from tlskit\n',
    });
  });

  for (const [name, credential, scheme] of [
    ['ECDSA P-256', certs.server.ecdsaP256, 0x0403],
    ['ECDSA P-384', certs.server.ecdsaP384, 0x0503],
    ['RSA-2048', certs.server.rsa2048, 0x0804],
    ['Ed25519', certs.server.ed25519, 0x0807],
    ['chained (leaf + intermediate)', certs.server.chained, 0x0403],
  ] as [string, Credential, number][]) {
    it(`verifies a ${name} certificate from gnutls-serv`, async () => {
      const { connections } = await againstGnutls({ credential });
      expect(connections[0]).toMatchObject({
        authorized: true,
        peerSignatureScheme: scheme,
        received: 'ping from tlskit\n',
      });
    });
  }

  it('presents a client certificate that gnutls-serv requires and verifies', async () => {
    const { connections, server } = await againstGnutls(
      { clientAuth: { ca: certs.clientCa.cert, required: true } },
      { certFile: certs.client.ecdsa.chain.file, keyFile: certs.client.ecdsa.key.file },
    );
    expect(connections[0]).toMatchObject({ received: 'ping from tlskit\n' });
    expect(server).toMatch(/client\.tlskit\.test/);
  });

  it('negotiates ALPN with gnutls-serv', async () => {
    const { connections } = await againstGnutls(
      { alpn: ['h2'] },
      { ALPNProtocols: ['http/1.1', 'h2'] },
    );
    expect(connections[0]).toMatchObject({ alpn: 'h2', received: 'ping from tlskit\n' });
  });

  it('keeps echoing after a KeyUpdate that asks gnutls-serv to update too', async () => {
    const { connections } = await againstGnutls({}, { keyUpdate: true });
    expect(connections[0]).toMatchObject({
      protocol: 'TLSv1.3',
      received: 'ping from tlskit\nafter the key update\n',
    });
  });

  for (const [name, credential, code] of [
    ['from an unknown CA', certs.server.untrusted, 'ERR_CERT_UNKNOWN_ISSUER'],
    ['that has expired', certs.server.expired, 'ERR_CERT_EXPIRED'],
    ['for another host name', certs.server.wrongHost, 'ERR_CERT_HOSTNAME_MISMATCH'],
  ] as [string, Credential, string][]) {
    it(`refuses a gnutls-serv certificate ${name} with ${code}`, async () => {
      const { connections, serverLog } = await againstGnutls({ credential });
      expect(connections[0]?.error).toMatchObject({ code });
      // Our alert goes out in plaintext, as RFC 8446 A.1 has it (the client sends under handshake
      // keys only after the server's Finished); gnutls-serv 3.7.9 has already switched to those
      // keys, so it reports a failed decryption rather than the alert.
      expect(serverLog).toMatch(/^Error in handshake: /m);
    });
  }

  it('resumes with a ticket from gnutls-serv', async () => {
    const { connections, server } = await againstGnutls({}, { resume: true });
    expect(connections).toHaveLength(2);
    expect(connections[0]).toMatchObject({ resumed: false, received: 'ping from tlskit\n' });
    expect(connections[1]).toMatchObject({ resumed: true, received: 'ping from tlskit\n' });
    expect(server).toMatch(/^\*\*\* This is a resumed session$/m);
  });
});

describe.skipIf(skip)(
  `connect() to gnutls-serv NORMAL:-VERS-ALL:+VERS-TLS1.2${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    for (const suite of tls12Suites) {
      it(`negotiates ${suite.iana} when gnutls-serv allows only it`, async () => {
        const credential =
          suite.certificate === 'rsa' ? certs.server.rsa2048 : certs.server.ecdsaP256;
        const { connections, server } = await againstGnutls({
          credential,
          priority: gnutlsPriority({ versions: ['TLSv1.2'], suites: [suite.iana] }),
        });
        expect(connections[0]).toMatchObject({
          protocol: 'TLSv1.2',
          cipher: suite.iana,
          authorized: true,
          received: 'ping from tlskit\n',
        });
        expect(server).toMatch(/^- Version: TLS1\.2$/m);
        expect(server).toMatch(new RegExp(`^- Cipher: ${suite.gnutls.cipher}$`, 'm'));
      });
    }

    it('presents a client certificate that gnutls-serv requires', async () => {
      const { connections, server } = await againstGnutls(
        {
          priority: gnutlsPriority({ versions: ['TLSv1.2'] }),
          clientAuth: { ca: certs.clientCa.cert, required: true },
        },
        { certFile: certs.client.rsa.chain.file, keyFile: certs.client.rsa.key.file },
      );
      expect(connections[0]).toMatchObject({ protocol: 'TLSv1.2', received: 'ping from tlskit\n' });
      expect(server).toMatch(/client-rsa\.tlskit\.test/);
    });

    it('resumes a TLS 1.2 session with gnutls-serv', async () => {
      const { connections, server } = await againstGnutls(
        { priority: gnutlsPriority({ versions: ['TLSv1.2'] }) },
        { resume: true },
      );
      expect(connections).toHaveLength(2);
      expect(connections[1]).toMatchObject({
        protocol: 'TLSv1.2',
        resumed: true,
        received: 'ping from tlskit\n',
      });
      expect(server).toMatch(/^\*\*\* This is a resumed session$/m);
    });
  },
);
