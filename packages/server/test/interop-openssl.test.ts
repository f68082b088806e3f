/**
 * `openssl s_client` and `curl` against our createServer() on 127.0.0.1, and our key log proven by
 * tshark. The peer is the oracle: s_client restricted to one suite, group or signature algorithm
 * reports what it negotiated, whether it resumed, whether it saw a HelloRetryRequest, and the alert
 * it received; curl reports its verified HTTPS response; tshark decrypts our traffic with our keys.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Credential,
  captureFields,
  ffdheGroups,
  groups,
  curlRequest,
  decryptedText,
  interopCerts,
  missingPeers,
  opensslClientExchange,
  type OpensslExchangeOptions,
  startCapture,
  startOpensslClient,
  stopAllPeers,
  tempDir,
  tls12Suites,
  type VersionRange,
  versionRanges,
} from '@tlskit/interop';
import { connect } from '@tlskit/client';
import { SessionCache } from '@tlskit/handshake';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecureContext } from '../src/index.js';
import { ourServer } from './servers.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0)) step();
  await stopAllPeers();
});

/** NamedGroup code points (RFC 8446 4.2.7) for the server's engine options. */
const secp384r1 = 0x0018;

/** One s_client connection (TLS 1.3 only unless a range is given) that echoes one line. */
function sClient(port: number, options: Partial<OpensslExchangeOptions> = {}) {
  const ranged = options.minVersion !== undefined || options.maxVersion !== undefined;
  return opensslClientExchange({
    port,
    ...(ranged ? {} : { version: 'TLSv1.3' as const }),
    ca: certs.ca.cert,
    send: 'ping from s_client\n',
    expect: 'ping from s_client',
    ...options,
  });
}

/** Waits (bounded) until our server reports `count` failed handshakes. */
async function clientErrors(list: readonly Error[], count = 1): Promise<readonly Error[]> {
  for (let i = 0; i < 100 && list.length < count; i++) await new Promise((r) => setTimeout(r, 50));
  return list;
}

/** A KeyUpdate record in s_client's -trace output (RFC 8446 4.6.3), sent or received. */
function keyUpdateRecord(
  direction: 'Sent' | 'Received',
  request: 'update_requested' | 'update_not_requested',
): RegExp {
  return new RegExp(
    `^${direction} Record\\nHeader:\\n(?:  .*\\n){4}    KeyUpdate, Length=1\\n      ${request} `,
    'm',
  );
}

describe('openssl s_client against createServer() (TLS 1.3)', () => {
  for (const suite of [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
  ]) {
    it(`serves ${suite} to a client that offers only it`, async () => {
      const { port, accepted } = await ourServer();
      const { summary } = await sClient(port, { ciphersuites: [suite] });
      expect(summary).toMatchObject({ established: true, protocol: 'TLSv1.3', cipher: suite });
      expect(accepted[0]?.getCipher()?.standardName).toBe(suite);
    });
  }

  for (const { iana: group, openssl: opensslName } of [...groups, ...ffdheGroups]) {
    it(`agrees on ${group} with a client that offers only it`, async () => {
      const { port, accepted } = await ourServer();
      const { summary } = await sClient(port, { groups: [opensslName], trace: true });
      expect(summary).toMatchObject({ established: true, group, helloRetryRequest: false });
      expect(accepted[0]?.handshakeInfo?.group).toBe(group);
    });
  }

  it('sends a HelloRetryRequest for secp384r1 when the client shares x25519 first', async () => {
    const { port, accepted } = await ourServer({ engine: { groups: [secp384r1] } });
    const { summary } = await sClient(port, { groups: ['x25519', 'P-384'], trace: true });
    expect(summary).toMatchObject({
      established: true,
      group: 'secp384r1',
      helloRetryRequest: true,
    });
    expect(accepted[0]?.handshakeInfo?.helloRetryRequest).toBe(true);
  });

  it('sends a HelloRetryRequest for ffdhe2048 when the client shares x25519 first', async () => {
    const { port, accepted } = await ourServer({ engine: { groups: [0x0100] } });
    const { summary } = await sClient(port, { groups: ['x25519', 'ffdhe2048'], trace: true });
    expect(summary).toMatchObject({
      established: true,
      group: 'ffdhe2048',
      helloRetryRequest: true,
    });
    expect(accepted[0]?.handshakeInfo?.group).toBe('ffdhe2048');
  });

  for (const [name, credential, signatureType] of [
    ['ECDSA P-256', certs.server.ecdsaP256, 'ECDSA'],
    ['ECDSA P-384', certs.server.ecdsaP384, 'ECDSA'],
    ['RSA-2048', certs.server.rsa2048, 'RSA-PSS'],
    ['Ed25519', certs.server.ed25519, 'ed25519'],
    ['chained (leaf + intermediate)', certs.server.chained, 'ECDSA'],
  ] as [string, Credential, string][]) {
    it(`authenticates with a ${name} certificate that s_client verifies`, async () => {
      const { port } = await ourServer({ key: credential.key.pem, cert: credential.chain.pem });
      const { summary } = await sClient(port, {
        ca: credential.ca,
        verifyHostname: 'tlskit.test',
      });
      expect(summary).toMatchObject({
        established: true,
        verifyCode: 0,
        peerSignatureType: signatureType,
      });
      expect(summary.peerSubject).toContain('CN = tlskit.test');
    });
  }

  for (const [sigalg, signatureType, keyBits] of [
    ['ecdsa_secp256r1_sha256', 'ECDSA', 256],
    ['rsa_pss_rsae_sha256', 'RSA-PSS', 2048],
  ] as const) {
    it(`picks the certificate that fits s_client's -sigalgs ${sigalg}`, async () => {
      const ecdsa = certs.server.ecdsaP256;
      const rsa = certs.server.rsa2048;
      const { port } = await ourServer({
        key: [ecdsa.key.pem, rsa.key.pem],
        cert: [ecdsa.chain.pem, rsa.chain.pem],
      });
      const { summary, stdout } = await sClient(port, { sigalgs: [sigalg] });
      expect(summary).toMatchObject({
        established: true,
        verifyCode: 0,
        peerSignatureType: signatureType,
      });
      expect(stdout).toMatch(new RegExp(`Server public key is ${keyBits} bit`));
    });
  }

  it('picks the certificate for the server_name s_client sends', async () => {
    const { port } = await ourServer({
      certificates: [
        { cert: certs.server.ecdsaP256.chain.pem, key: certs.server.ecdsaP256.key.pem },
        {
          cert: certs.server.wrongHost.chain.pem,
          key: certs.server.wrongHost.key.pem,
          serverNames: ['other.example'],
        },
      ],
    });
    const other = await sClient(port, {
      servername: 'other.example',
      verifyHostname: 'other.example',
    });
    expect(other.summary).toMatchObject({ established: true, verifyCode: 0 });
    expect(other.summary.peerSubject).toContain('CN = other.example');
    const usual = await sClient(port, { verifyHostname: 'tlskit.test' });
    expect(usual.summary).toMatchObject({ established: true, verifyCode: 0 });
    expect(usual.summary.peerSubject).toContain('CN = tlskit.test');
  });

  it('lets SNICallback choose the credentials by server_name', async () => {
    const wrongHost = certs.server.wrongHost;
    const names: string[] = [];
    const { port } = await ourServer({
      SNICallback: (servername, callback) => {
        names.push(servername);
        callback(
          null,
          servername === 'other.example'
            ? createSecureContext({ key: wrongHost.key.pem, cert: wrongHost.chain.pem })
            : undefined,
        );
      },
    });
    const { summary } = await sClient(port, { servername: 'other.example' });
    expect(summary).toMatchObject({ established: true, verifyCode: 0 });
    expect(summary.peerSubject).toContain('CN = other.example');
    expect(names).toEqual(['other.example']);
  });

  for (const [name, credential, cn] of [
    ['ECDSA', certs.client.ecdsa, 'client.tlskit.test'],
    ['RSA', certs.client.rsa, 'client-rsa.tlskit.test'],
  ] as const) {
    it(`verifies an ${name} client certificate from s_client`, async () => {
      const { port, accepted } = await ourServer({
        requestCert: true,
        ca: certs.clientCa.cert.pem,
      });
      const { summary } = await sClient(port, { credential });
      expect(summary.established).toBe(true);
      expect(accepted[0]?.authorized).toBe(true);
      expect(accepted[0]?.getPeerCertificate().subject).toMatchObject({ CN: cn });
    });
  }

  it('refuses s_client without a certificate when one is required (certificate_required)', async () => {
    const { port, clientErrors: errors } = await ourServer({
      requestCert: true,
      ca: certs.clientCa.cert.pem,
    });
    const { summary } = await sClient(port);
    expect(summary.established).toBe(false);
    expect(summary.alertReceived).toBe(116);
    expect((await clientErrors(errors))[0]).toMatchObject({ code: 'ERR_CERTIFICATE_REQUIRED' });
  });

  it('refuses a client certificate from a CA it does not trust (unknown_ca)', async () => {
    const { port } = await ourServer({ requestCert: true, ca: certs.ca.cert.pem });
    const { summary } = await sClient(port, { credential: certs.client.ecdsa });
    expect(summary.established).toBe(false);
    expect(summary.alertReceived).toBe(48);
  });

  it('resumes the session s_client saved from our ticket', async () => {
    const { port, accepted } = await ourServer();
    const sessionFile = join(tempDir(), 'session.pem');
    const first = await sClient(port, { sessOut: sessionFile, tickets: 1 });
    expect(first.summary).toMatchObject({ established: true, resumed: false });
    const second = await sClient(port, { sessIn: sessionFile });
    expect(second.summary).toMatchObject({ established: true, resumed: true });
    expect(accepted[1]?.isSessionReused()).toBe(true);
  });

  it('follows KeyUpdates from s_client and sends its own', async () => {
    const { port, accepted } = await ourServer();
    const client = await startOpensslClient({
      port,
      version: 'TLSv1.3',
      ca: certs.ca.cert,
      commands: true,
      trace: true,
    });
    try {
      expect(client.summary().established).toBe(true);
      client.send('before\n');
      await client.waitForOutput(/^before$/m, { stream: 'stdout' });
      // s_client asks us to update too. It drops the rest of the stdin chunk that carried the
      // command, so wait until its KeyUpdate is out before sending more.
      client.keyUpdate(true);
      await client.waitForOutput(keyUpdateRecord('Sent', 'update_requested'), {
        stream: 'stdout',
      });
      // RFC 8446 4.6.3: we answer (update_not_requested) before our next application data, as
      // OpenSSL does: the echo of this line carries it.
      client.send('after their update\n');
      await client.waitForOutput(/^after their update$/m, { stream: 'stdout' });
      await client.waitForOutput(keyUpdateRecord('Received', 'update_not_requested'), {
        stream: 'stdout',
      });
      // Now ours, asking s_client to answer with its own update.
      await accepted[0]?.keyUpdate(true);
      await client.waitForOutput(keyUpdateRecord('Received', 'update_requested'), {
        stream: 'stdout',
      });
      // OpenSSL answers a requested update lazily, just before its next record.
      client.send('after our update\n');
      await client.waitForOutput(/^after our update$/m, { stream: 'stdout' });
      await client.waitForOutput(keyUpdateRecord('Sent', 'update_not_requested'), {
        stream: 'stdout',
      });
    } finally {
      await client.close();
    }
  });

  it('negotiates ALPN by its own preference', async () => {
    const { port } = await ourServer({ ALPNProtocols: ['http/1.1', 'h2'] });
    const { summary } = await sClient(port, { alpn: ['h2', 'http/1.1'] });
    expect(summary).toMatchObject({ established: true, alpn: 'http/1.1' });
  });

  it('refuses a client whose ALPN list does not overlap (no_application_protocol)', async () => {
    const { port } = await ourServer({ ALPNProtocols: ['h2'] });
    const { summary } = await sClient(port, { alpn: ['spdy/1'] });
    expect(summary.established).toBe(false);
    expect(summary.alertReceived).toBe(120);
  });
});

describe('curl against createServer()', () => {
  const skip = missingPeers('curl');
  it.skipIf(skip)('answers an HTTPS request over TLS 1.3 that curl verifies', async () => {
    const { port } = await ourServer({ mode: 'http', ALPNProtocols: ['http/1.1'] });
    const result = await curlRequest({
      port,
      ca: certs.ca.cert,
      minVersion: 'TLSv1.3',
      http: 'http1.1',
      path: '/hello',
    });
    expect(result).toMatchObject({
      exitCode: 0,
      status: 200,
      protocol: 'TLSv1.3',
      alpn: 'http/1.1',
      verified: true,
    });
    expect(result.body).toBe(`hello from tlskit over TLSv1.3 ${result.cipher}\n`);
  });

  it.skipIf(skip)('verifies the client certificate curl presents', async () => {
    const { port, accepted } = await ourServer({
      mode: 'http',
      requestCert: true,
      ca: certs.clientCa.cert.pem,
    });
    const result = await curlRequest({
      port,
      ca: certs.ca.cert,
      credential: certs.client.ecdsa,
      http: 'http1.1',
    });
    expect(result).toMatchObject({ exitCode: 0, status: 200, protocol: 'TLSv1.3' });
    expect(accepted[0]?.authorized).toBe(true);
    expect(accepted[0]?.getPeerCertificate().subject).toMatchObject({ CN: 'client.tlskit.test' });
  });

  it.skipIf(skip)('is refused by curl when the name does not match (exit 60)', async () => {
    const { port } = await ourServer({
      mode: 'http',
      key: certs.server.wrongHost.key.pem,
      cert: certs.server.wrongHost.chain.pem,
    });
    const result = await curlRequest({ port, ca: certs.ca.cert, minVersion: 'TLSv1.3' });
    expect(result.exitCode).toBe(60);
    expect(result.status).toBe(0);
  });
});

/**
 * Waits (at most 5 s) until the live capture file holds both FINs of the connection. Under load
 * dumpcap writes behind the traffic, and stopping it at once lost the whole TCP stream in about
 * one run out of three.
 */
async function capturedBothFins(file: string, port: number): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const fins = await captureFields({
      pcap: file,
      filter: `tcp.port == ${port} && tcp.flags.fin == 1`,
      fields: ['frame.number'],
    }).catch(() => []); // a file still being written can end mid-packet
    if (fins.length >= 2) return;
    await new Promise((r) => setTimeout(r, 125));
  }
}

describe('the key log of createServer()', () => {
  const skip = missingPeers('tshark', 'curl');
  for (const [version, secretLine] of [
    ['TLSv1.3', /^SERVER_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64}$/m],
    ['TLSv1.2', /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m], // the master secret (NSS format)
  ] as const) {
    it.skipIf(skip)(
      `lets tshark decrypt a ${version} loopback capture of an HTTPS request, and only with it`,
      async () => {
        const keylogFile = join(tempDir(), 'server.keylog');
        const { port } = await ourServer({ mode: 'http', keylogFile });
        const capture = await startCapture({ port });
        const result = await curlRequest({
          port,
          ca: certs.ca.cert,
          minVersion: version,
          maxVersion: version,
          http: 'http1.1',
          path: '/decrypt-me',
        });
        expect(result).toMatchObject({ status: 200, protocol: version });
        await capturedBothFins(capture.file, port);
        const pcap = await capture.stop();
        expect(readFileSync(keylogFile, 'utf8')).toMatch(secretLine);
        const text = await decryptedText({ pcap, keylogFile, port });
        expect(text).toContain('GET /decrypt-me HTTP/1.1');
        expect(text).toContain(`hello from tlskit over ${version}`);
        const uris = await captureFields({
          pcap,
          keylogFile,
          port,
          filter: 'http.request',
          fields: ['http.request.uri'],
        });
        expect(uris).toEqual([['/decrypt-me']]);
        // Control: without the key log the same capture shows none of it.
        expect(await decryptedText({ pcap, port })).not.toContain('decrypt-me');
      },
    );
  }
});

describe('openssl s_client -tls1_2 against createServer()', () => {
  const ecdsa = certs.server.ecdsaP256;
  const rsa = certs.server.rsa2048;
  /** ECDSA and RSA side by side: each TLS 1.2 suite needs the matching certificate. */
  const both = { key: [ecdsa.key.pem, rsa.key.pem], cert: [ecdsa.chain.pem, rsa.chain.pem] };

  for (const suite of tls12Suites) {
    it(`serves ${suite.openssl} to a client that offers only it`, async () => {
      const { port, accepted } = await ourServer(both);
      const { summary } = await sClient(port, { version: 'TLSv1.2', ciphers: [suite.openssl] });
      expect(summary).toMatchObject({
        established: true,
        protocol: 'TLSv1.2',
        cipher: suite.openssl,
        verifyCode: 0,
      });
      expect(accepted[0]?.getCipher()?.standardName).toBe(suite.iana);
    });
  }

  for (const { iana: group, openssl } of groups) {
    it(`agrees on ${group} for ECDHE with a client that offers only it`, async () => {
      // RSA: an ECDSA certificate's curve would also have to be in the client's list.
      const { port } = await ourServer({ key: rsa.key.pem, cert: rsa.chain.pem });
      const { summary } = await sClient(port, { version: 'TLSv1.2', groups: [openssl] });
      expect(summary).toMatchObject({ established: true, protocol: 'TLSv1.2', group });
    });
  }

  // Engine bug (packages/handshake, TLS 1.2 server certificate choice): with ECDSA P-256 and RSA
  // certificates and a ClientHello whose supported_groups is only x25519, the server still picks
  // ECDSA P-256 (ECDHE-ECDSA); RFC 8422 5.1/5.3 say the certificate's curve must be one the
  // client supports, and s_client answers illegal_parameter. It should fall back to the RSA one.
  it('chooses the RSA certificate when the client lists no curve of the ECDSA one (RFC 8422 5.3)', async () => {
    const { port } = await ourServer(both);
    const { summary } = await sClient(port, { version: 'TLSv1.2', groups: ['x25519'] });
    expect(summary).toMatchObject({ established: true, peerSignatureType: 'RSA-PSS' });
  });

  it('resumes by session ID when s_client sends no ticket extension', async () => {
    const { port, accepted } = await ourServer({ engine: { sessionCache: new SessionCache() } });
    const sessionFile = join(tempDir(), 'session12.pem');
    const noTicket = { version: 'TLSv1.2', extraArgs: ['-no_ticket'] } as const;
    const first = await sClient(port, { ...noTicket, sessOut: sessionFile });
    expect(first.summary).toMatchObject({ established: true, resumed: false });
    expect(first.stdout).not.toMatch(/TLS session ticket:/);
    const second = await sClient(port, { ...noTicket, sessIn: sessionFile });
    expect(second.summary).toMatchObject({ established: true, resumed: true });
    expect(accepted[1]?.isSessionReused()).toBe(true);
  });

  it('resumes by the RFC 5077 ticket it issued', async () => {
    const { port, accepted } = await ourServer();
    const sessionFile = join(tempDir(), 'ticket12.pem');
    const first = await sClient(port, { version: 'TLSv1.2', sessOut: sessionFile });
    expect(first.summary).toMatchObject({ established: true, resumed: false });
    expect(first.stdout).toMatch(/TLS session ticket:/);
    const second = await sClient(port, { version: 'TLSv1.2', sessIn: sessionFile });
    expect(second.summary).toMatchObject({ established: true, resumed: true });
    expect(accepted[1]?.isSessionReused()).toBe(true);
  });

  it('verifies a client certificate from s_client', async () => {
    const { port, accepted } = await ourServer({ requestCert: true, ca: certs.clientCa.cert.pem });
    const { summary } = await sClient(port, { version: 'TLSv1.2', credential: certs.client.rsa });
    expect(summary.established).toBe(true);
    expect(accepted[0]?.authorized).toBe(true);
  });

  it('refuses s_client without the certificate it requires', async () => {
    const { port } = await ourServer({ requestCert: true, ca: certs.clientCa.cert.pem });
    const { summary } = await sClient(port, { version: 'TLSv1.2' });
    expect(summary.established).toBe(false);
    expect(summary.alertReceived).toBeDefined();
  });

  // Engine bug (packages/handshake, TLS 1.2 server): an empty client Certificate under
  // clientAuth 'require' is answered with certificate_required (116), an alert RFC 8446 defines
  // for TLS 1.3 only; RFC 5246 7.4.6 says handshake_failure (40) in TLS 1.2.
  it('refuses a TLS 1.2 client without a certificate with handshake_failure (RFC 5246 7.4.6)', async () => {
    const { port } = await ourServer({ requestCert: true, ca: certs.clientCa.cert.pem });
    const { summary } = await sClient(port, { version: 'TLSv1.2' });
    expect(summary.alertReceived).toBe(40);
  });

  it('negotiates ALPN', async () => {
    const { port } = await ourServer({ ALPNProtocols: ['http/1.1'] });
    const { summary } = await sClient(port, { version: 'TLSv1.2', alpn: ['h2', 'http/1.1'] });
    expect(summary).toMatchObject({ established: true, protocol: 'TLSv1.2', alpn: 'http/1.1' });
  });

  it('answers curl --tls-max 1.2 with ECDHE-RSA-AES256-GCM-SHA384', async () => {
    const { port } = await ourServer({ ...both, mode: 'http' });
    const result = await curlRequest({
      port,
      ca: certs.ca.cert,
      maxVersion: 'TLSv1.2',
      ciphers: ['ECDHE-RSA-AES256-GCM-SHA384'],
      http: 'http1.1',
    });
    expect(result).toMatchObject({
      exitCode: 0,
      status: 200,
      protocol: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      verified: true,
    });
    expect(result.body).toBe(
      'hello from tlskit over TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n',
    );
  });
});

/** The version two ranges agree on: the highest in both (RFC 8446 4.2.1), or none. */
function agreed(a: VersionRange, b: VersionRange) {
  const rank = (v: VersionRange['minVersion']) => (v === 'TLSv1.3' ? 3 : 2);
  const low = Math.max(rank(a.minVersion), rank(b.minVersion));
  const high = Math.min(rank(a.maxVersion), rank(b.maxVersion));
  if (high < low) return undefined;
  return high === 3 ? 'TLSv1.3' : 'TLSv1.2';
}

describe('version negotiation of createServer()', () => {
  for (const ours of versionRanges) {
    for (const theirs of versionRanges) {
      const expected = agreed(ours, theirs);
      const { minVersion: ourMin, maxVersion: ourMax } = ours;
      const { minVersion: theirMin, maxVersion: theirMax } = theirs;
      it(`with s_client ${theirMin}..${theirMax}, ours ${ourMin}..${ourMax}: ${expected ?? 'protocol_version'}`, async () => {
        const { port } = await ourServer({ minVersion: ourMin, maxVersion: ourMax });
        const { summary } = await sClient(port, {
          minVersion: theirMin,
          maxVersion: theirMax,
        });
        if (expected) expect(summary).toMatchObject({ established: true, protocol: expected });
        else expect(summary).toMatchObject({ established: false, alertReceived: 70 });
      });

      it(`with our connect() ${theirMin}..${theirMax}, ours ${ourMin}..${ourMax}: ${expected ?? 'protocol_version'}`, async () => {
        const { port } = await ourServer({ minVersion: ourMin, maxVersion: ourMax });
        const client = connect({
          host: '127.0.0.1',
          port,
          servername: 'tlskit.test',
          ca: certs.ca.cert.pem,
          minVersion: theirMin,
          maxVersion: theirMax,
        });
        cleanup.push(() => client.destroy());
        const signal = AbortSignal.timeout(10_000);
        // once() rejects with the socket's error, which is the refusal we look for.
        const outcome = await once(client, 'secureConnect', { signal }).then(
          () => client.getProtocol(),
          (error: Error & { alert?: number }) => error,
        );
        if (expected) expect(outcome).toBe(expected);
        else expect(outcome).toMatchObject({ alert: 70 });
      });
    }
  }
});
