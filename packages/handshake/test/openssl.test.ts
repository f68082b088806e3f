/**
 * Engine-level interop with a real peer: the engines over net.Socket against `openssl s_server`
 * and `openssl s_client` (OpenSSL 3), started by @tlskit/interop: 127.0.0.1 only, every wait
 * bounded, every process stopped after each test.
 */
import { join } from 'node:path';
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  type Session,
} from '@tlskit/handshake';
import {
  type Credential,
  interopCerts,
  opensslClientExchange,
  missingPeers,
  startOpensslServer,
  stopAllPeers,
  tempDir,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import {
  anchors,
  connectEngine,
  engineCredential,
  flushTo,
  getPage,
  nextEvent,
  serveEngines,
  until,
} from './engine-socket.js';

const certs = interopCerts();
afterEach(stopAllPeers);

/** Our client engine trusting the interop CA, asking for `localhost`. */
const ourClient = (options: Partial<ClientOptions> = {}): Connection =>
  createClient({ provider, serverName: 'localhost', ca: anchors(certs.ca), ...options });

/** Our echo server with the ECDSA and RSA credentials, and `extra` engine options. */
async function ourServer(extra: Partial<Parameters<typeof createServer>[0]> = {}) {
  const certificates = [
    await engineCredential(certs.server.ecdsaP256),
    await engineCredential(certs.server.rsa2048),
  ];
  return serveEngines(() => createServer({ provider, certificates, ...extra }));
}

describe.skipIf(missingPeers('openssl'))('interop with openssl s_server / s_client', () => {
  it.each([
    ['x25519', 0x001d, certs.server.ecdsaP256],
    ['P-384', 0x0018, certs.server.rsa2048],
    ['secp256r1', 0x0017, certs.server.ed25519],
  ] as const)(
    'TLS 1.3: our client completes a handshake over %s with s_server and reads its page',
    async (osslGroup, group, credential: Credential) => {
      const server = await startOpensslServer({
        credential,
        version: 'TLSv1.3',
        groups: [osslGroup],
        mode: 'www',
      });
      const client = ourClient({ groups: [group] });
      const info = nextEvent(client, 'handshake');
      const body = await getPage(client, server.port);
      expect((await info).version).toBe('TLSv1.3');
      expect((await info).peerVerified).toBe(true);
      expect(body).toContain('HTTP/1.0 200 ok');
      expect(body).toContain('TLSv1.3');
    },
  );

  it('TLS 1.3: our client survives a HelloRetryRequest from s_server and a KeyUpdate both ways', async () => {
    const server = await startOpensslServer({
      credential: certs.server.ecdsaP256,
      version: 'TLSv1.3',
      groups: ['P-256'],
      mode: 'www',
    });
    const client = ourClient({ groups: [0x001d, 0x0017], keyShareGroups: [0x001d] });
    const socket = await connectEngine(client, server.port);
    let body = '';
    client.on('data', (d) => {
      body += new TextDecoder().decode(d);
    });
    const info = await nextEvent(client, 'handshake');
    expect(info.helloRetryRequest).toBe(true);
    expect(info.group).toBe('secp256r1');
    await client.keyUpdate(true);
    await client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    flushTo(client, socket);
    await nextEvent(client, 'end');
    expect(body).toContain('HTTP/1.0 200 ok');
  });

  it('TLS 1.3: openssl s_client completes a handshake with our server, verifies it, and gets its data echoed', async () => {
    const port = await ourServer({ alpnProtocols: ['h2', 'http/1.1'] });
    const { summary } = await opensslClientExchange({
      port,
      version: 'TLSv1.3',
      ca: certs.ca.cert,
      servername: 'localhost',
      alpn: ['http/1.1'],
      send: 'hello tlskit\n',
      expect: 'hello tlskit',
    });
    expect(summary).toMatchObject({
      established: true,
      protocol: 'TLSv1.3',
      alpn: 'http/1.1',
      verifyCode: 0,
    });
  });

  it.each([
    [
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      certs.server.ecdsaP256,
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    ],
    [
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      certs.server.ed25519,
      'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    ],
    ['ECDHE-RSA-AES256-GCM-SHA384', certs.server.rsa2048, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    [
      'ECDHE-RSA-CHACHA20-POLY1305',
      certs.server.rsa2048,
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    ],
  ] as const)(
    'TLS 1.2: our client completes %s with s_server -tls1_2',
    async (cipher, credential: Credential, iana) => {
      const server = await startOpensslServer({
        credential,
        version: 'TLSv1.2',
        ciphers: [cipher],
        mode: 'www',
      });
      const client = ourClient({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
      const info = nextEvent(client, 'handshake');
      const body = await getPage(client, server.port);
      expect((await info).version).toBe('TLSv1.2');
      expect((await info).cipherSuite).toBe(iana);
      expect(body).toContain('HTTP/1.0 200 ok');
      expect(body).toContain(cipher);
    },
  );

  it.each(['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256'])(
    'TLS 1.2: openssl s_client completes %s with our server',
    async (cipher) => {
      const port = await ourServer({ minVersion: 'TLSv1.2' });
      const { summary, stdout } = await opensslClientExchange({
        port,
        version: 'TLSv1.2',
        ciphers: [cipher],
        ca: certs.ca.cert,
        servername: 'localhost',
        send: 'hello twelve\n',
        expect: 'hello twelve',
      });
      expect(summary).toMatchObject({
        established: true,
        protocol: 'TLSv1.2',
        cipher,
        verifyCode: 0,
      });
      expect(stdout).toContain('Extended master secret: yes');
      expect(stdout).toContain('Secure Renegotiation IS supported');
    },
  );

  it('TLS 1.2: our client refuses renegotiation from s_server (HelloRequest) with a no_renegotiation warning', async () => {
    const server = await startOpensslServer({
      credential: certs.server.ecdsaP256,
      version: 'TLSv1.2',
    });
    const client = ourClient({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    const sent: number[] = [];
    client.on('alert', (a) => {
      if (a.direction === 'sent') sent.push(a.description);
    });
    await connectEngine(client, server.port);
    await nextEvent(client, 'handshake');
    // s_server's "R" command sends a HelloRequest in TLS 1.2.
    server.send('R\n');
    await until('no_renegotiation', () => sent.includes(100));
    // OpenSSL's server ends the connection after a refused renegotiation (RFC 5246 7.4.1.1 lets
    // it choose); what matters is that we refused with a warning and sent nothing fatal.
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toEqual([100]);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    '%s: our client resumes a session with s_server',
    async (version) => {
      const server = await startOpensslServer({
        credential: certs.server.ecdsaP256,
        version,
        mode: 'www',
      });
      const run = async (session?: Session) => {
        const client = ourClient({
          minVersion: version,
          maxVersion: version,
          ...(session === undefined ? {} : { session }),
        });
        const sessions: Session[] = [];
        client.on('session', (x) => sessions.push(x));
        const info = nextEvent(client, 'handshake');
        const body = await getPage(client, server.port);
        return { info: await info, sessions, body };
      };
      const first = await run();
      expect(first.info.resumed).toBe(false);
      expect(first.sessions.length).toBeGreaterThan(0);
      const second = await run(first.sessions[0]);
      expect(second.info.resumed).toBe(true);
      expect(second.body).toContain('Reused');
    },
  );

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    '%s: openssl s_client resumes a session with our server',
    async (version) => {
      const ticketKeys = [{ name: new Uint8Array(16).fill(3), key: new Uint8Array(32).fill(5) }];
      const port = await ourServer({ ticketKeys });
      const sessionFile = join(tempDir(), 'session.pem');
      const exchange = (session: { sessOut: string } | { sessIn: string }) =>
        opensslClientExchange({
          port,
          version,
          ca: certs.ca.cert,
          servername: 'localhost',
          send: 'ping\n',
          expect: 'ping',
          ...(version === 'TLSv1.3' && 'sessOut' in session ? { tickets: 1 } : {}),
          ...session,
        });
      const first = await exchange({ sessOut: sessionFile });
      expect(first.summary).toMatchObject({ established: true, resumed: false });
      const second = await exchange({ sessIn: sessionFile });
      expect(second.summary).toMatchObject({ established: true, resumed: true });
    },
  );
});
