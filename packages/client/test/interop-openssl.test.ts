/**
 * Our connect() against `openssl s_server -tls1_3` on 127.0.0.1. The server is the oracle: it is
 * restricted to one suite, group or certificate at a time, so a completed handshake proves we
 * negotiated exactly that; its own output (received data, "Reused session-id", the alert it
 * received, the HelloRetryRequest random in its trace) is checked where it reports something.
 */
import { once } from 'node:events';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Credential,
  decryptedText,
  ffdheGroups,
  groups,
  interopCerts,
  missingPeers,
  type OpensslServer,
  type OpensslServerOptions,
  startCapture,
  startOpensslServer,
  stopAllPeers,
  tempDir,
  tls12Suites,
  type VersionRange,
  versionRanges,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConnectOptions,
  connect,
  decodeSession,
  type Session,
  type TLSSocket,
} from '../src/index.js';

/** What the `session` event carries: the session's bytes, as node:tls gives a Buffer. */
type SessionBytes = Buffer;

const certs = interopCerts();
const sockets: TLSSocket[] = [];
const lastSession = new WeakMap<TLSSocket, SessionBytes>();

/** The last session `socket` received; waits (bounded) for one to arrive. */
async function sessionOf(socket: TLSSocket): Promise<SessionBytes> {
  for (let i = 0; i < 100; i++) {
    const session = lastSession.get(socket);
    if (session) return session;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no session event within 5 s');
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await stopAllPeers();
});

/** RFC 8446 4.1.3: the random of a HelloRetryRequest, as s_server's -trace prints its tail. */
const helloRetryRandom = 'E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C';

/** s_server on 127.0.0.1: TLS 1.3 only and echo mode unless stated. */
function opensslServer(options: Partial<OpensslServerOptions> = {}): Promise<OpensslServer> {
  const ranged = options.minVersion !== undefined || options.maxVersion !== undefined;
  return startOpensslServer({
    credential: certs.server.ecdsaP256,
    ...(ranged ? {} : { version: 'TLSv1.3' as const }),
    mode: 'echo',
    ...options,
  });
}

/** Connects to 127.0.0.1 as tlskit.test, trusting our CA; settles on secureConnect or error (10 s). */
async function open(
  port: number,
  options: Partial<ConnectOptions> = {},
  keylogFile?: string,
): Promise<TLSSocket> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    servername: 'tlskit.test',
    ca: certs.ca.cert.pem,
    ...options,
  });
  sockets.push(socket);
  // Key log lines come during the handshake, so the file must be attached from the start.
  if (keylogFile) socket.on('keylog', (line: Buffer) => appendFileSync(keylogFile, line));
  // TLS 1.2 delivers its session before secureConnect, so listen from the start.
  socket.on('session', (session: SessionBytes) => lastSession.set(socket, session));
  const signal = AbortSignal.timeout(10_000);
  await Promise.race([
    once(socket, 'secureConnect', { signal }),
    once(socket, 'error', { signal }).then(([error]) => Promise.reject(error)),
  ]);
  return socket;
}

/** Collects what `socket` receives until it contains `text` (10 s), then stops listening. */
function receive(socket: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', finish);
      if (error) reject(error);
      else resolve(received);
    };
    const timer = setTimeout(
      () => finish(new Error(`waited 10 s for ${JSON.stringify(text)}, got ${received}`)),
      10_000,
    );
    const onData = (chunk: Buffer): void => {
      received += chunk.toString();
      if (received.includes(text)) finish();
    };
    socket.on('data', onData);
    socket.once('error', finish);
  });
}

/** Writes `text` and waits for it to come back from an echo server. */
async function echo(socket: TLSSocket, text: string): Promise<string> {
  const answer = receive(socket, text);
  socket.write(text);
  return answer;
}

/** In stdio mode: our data reaches s_server's stdout, and its reply reaches us. */
async function exchangeWithStdioServer(socket: TLSSocket, server: OpensslServer, tag: string) {
  socket.write(`to openssl ${tag}\n`);
  await server.waitForOutput(new RegExp(`^to openssl ${tag}$`, 'm'));
  const reply = receive(socket, `from openssl ${tag}\n`);
  server.send(`from openssl ${tag}\n`);
  return reply;
}

/**
 * Connects twice to a stdio-mode s_server, the second time with the session the first one got,
 * saved to a file and read back as a portable session would be; s_server must report the reuse.
 * Returns the session, decoded.
 */
async function resumeTwice(server: OpensslServer): Promise<Session> {
  const first = await open(server.port);
  await exchangeWithStdioServer(first, server, 'first');
  const file = join(tempDir(), 'saved.session');
  writeFileSync(file, await sessionOf(first));
  expect(first.getSession()).toEqual(readFileSync(file));
  const saved = readFileSync(file);
  expect(first.isSessionReused()).toBe(false);
  first.end();
  // s_server serves one connection at a time in stdio mode.
  await server.waitForOutput(/^CONNECTION CLOSED$/m);
  const second = await open(server.port, { session: saved });
  expect(second.isSessionReused()).toBe(true);
  expect(await exchangeWithStdioServer(second, server, 'second')).toBe('from openssl second\n');
  await server.waitForOutput(/^Reused session-id$/m);
  second.end();
  return decodeSession(saved);
}

/** Waits for the connection to fail and returns the error. */
async function refused(port: number, options: Partial<ConnectOptions> = {}) {
  return open(port, options).then(
    () => {
      throw new Error('the handshake completed but should have been refused');
    },
    (error: Error & { code?: string }) => error,
  );
}

describe('connect() to openssl s_server (TLS 1.3)', () => {
  for (const suite of [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
  ]) {
    it(`negotiates ${suite} when the server allows only it`, async () => {
      const server = await opensslServer({ ciphersuites: [suite] });
      const socket = await open(server.port);
      expect(socket.getProtocol()).toBe('TLSv1.3');
      expect(socket.getCipher()?.standardName).toBe(suite);
      expect(await echo(socket, `data under ${suite}`)).toBe(`data under ${suite}`);
      socket.end();
    });
  }

  const nodeKeyInfo: Record<string, { type: string; name: string; size: number }> = {
    x25519: { type: 'ECDH', name: 'X25519', size: 253 },
    secp256r1: { type: 'ECDH', name: 'prime256v1', size: 256 },
    secp384r1: { type: 'ECDH', name: 'secp384r1', size: 384 },
    secp521r1: { type: 'ECDH', name: 'secp521r1', size: 521 },
    x448: { type: 'ECDH', name: 'X448', size: 448 },
  };
  for (const { iana: group, openssl: opensslName } of [...groups, ...ffdheGroups]) {
    it(`agrees on ${group} when both sides allow only it`, async () => {
      const server = await opensslServer({ groups: [opensslName] });
      const socket = await open(server.port, { groups: [group] });
      expect(socket.handshakeInfo).toMatchObject({ group, helloRetryRequest: false });
      // As node:tls: finite-field groups are `DH` with their size, curves `ECDH` with OpenSSL's
      // name and size (what node:tls's client reports against the same server).
      const bits = Number(/^ffdhe(\d+)$/.exec(group)?.[1]);
      expect(socket.getEphemeralKeyInfo()).toEqual(
        bits ? { type: 'DH', name: group, size: bits } : nodeKeyInfo[group],
      );
      expect(await echo(socket, `keys from ${group}`)).toBe(`keys from ${group}`);
      socket.end();
    });
  }

  it('reaches ffdhe2048, listed but not shared by default, with a HelloRetryRequest', async () => {
    const server = await opensslServer({ groups: ['ffdhe2048'], mode: 'stdio', trace: true });
    const socket = await open(server.port);
    expect(socket.handshakeInfo).toMatchObject({ group: 'ffdhe2048', helloRetryRequest: true });
    expect(await exchangeWithStdioServer(socket, server, 'ffdhe')).toBe('from openssl ffdhe\n');
    expect(server.process.stdout).toContain(helloRetryRandom);
    socket.end();
  });

  it('falls back from X25519MLKEM768 (which OpenSSL 3.0 lacks) to its x25519 share without a retry', async () => {
    const server = await opensslServer({ mode: 'stdio', trace: true });
    const socket = await open(server.port, { groups: ['X25519MLKEM768', 'x25519'] });
    expect(socket.handshakeInfo).toMatchObject({ group: 'x25519', helloRetryRequest: false });
    expect(await exchangeWithStdioServer(socket, server, 'hybrid')).toContain('from openssl');
    expect(server.process.stdout).not.toContain(helloRetryRandom);
    socket.end();
  });

  it('retries with secp256r1 when it sent only an X25519MLKEM768 share', async () => {
    const server = await opensslServer({ mode: 'stdio', trace: true });
    const socket = await open(server.port, {
      groups: ['X25519MLKEM768', 'secp256r1'],
      engine: { keyShareGroups: [0x11ec] },
    });
    expect(socket.handshakeInfo).toMatchObject({ group: 'secp256r1', helloRetryRequest: true });
    expect(await exchangeWithStdioServer(socket, server, 'after HRR')).toContain('from openssl');
    expect(server.process.stdout).toContain(helloRetryRandom);
    socket.end();
  });

  it('answers a HelloRetryRequest from a server that allows only secp384r1', async () => {
    const server = await opensslServer({ groups: ['P-384'], mode: 'stdio', trace: true });
    const socket = await open(server.port, { groups: ['x25519', 'secp384r1'] });
    expect(socket.handshakeInfo).toMatchObject({ group: 'secp384r1', helloRetryRequest: true });
    expect(await exchangeWithStdioServer(socket, server, 'hrr')).toBe('from openssl hrr\n');
    // The server's own trace shows it sent the HelloRetryRequest random.
    expect(server.process.stdout).toContain(helloRetryRandom);
    socket.end();
  });

  for (const [name, credential, scheme] of [
    ['ECDSA P-256', certs.server.ecdsaP256, 0x0403], // ecdsa_secp256r1_sha256
    ['ECDSA P-384', certs.server.ecdsaP384, 0x0503], // ecdsa_secp384r1_sha384
    ['RSA-2048', certs.server.rsa2048, 0x0804], // rsa_pss_rsae_sha256 (RFC 8446 4.2.3)
    ['Ed25519', certs.server.ed25519, 0x0807],
    ['chained (leaf + intermediate)', certs.server.chained, 0x0403],
  ] as [string, Credential, number][]) {
    it(`verifies a ${name} server certificate and its CertificateVerify`, async () => {
      const server = await opensslServer({ credential });
      const socket = await open(server.port, { ca: credential.ca.pem });
      expect(socket.authorized).toBe(true);
      expect(socket.handshakeInfo?.peerSignatureScheme).toBe(scheme);
      expect(socket.getPeerCertificate().subject).toMatchObject({ CN: 'tlskit.test' });
      expect(await echo(socket, name)).toBe(name);
      socket.end();
    });
  }

  for (const [name, credential] of [
    ['ECDSA', certs.client.ecdsa],
    ['RSA', certs.client.rsa],
  ] as const) {
    it(`authenticates with an ${name} client certificate when the server requires one`, async () => {
      const server = await opensslServer({
        mode: 'stdio',
        clientAuth: { ca: certs.clientCa.cert, required: true },
      });
      const socket = await open(server.port, {
        cert: credential.chain.pem,
        key: credential.key.pem,
      });
      expect(await exchangeWithStdioServer(socket, server, 'client auth')).toContain(
        'from openssl',
      );
      // s_server prints the verified client certificate's subject.
      await server.waitForOutput(/subject=.*client/);
      expect(server.process.stderr).not.toMatch(/verify error/);
      socket.end();
    });
  }

  it('is refused with certificate_required when the server requires a certificate it lacks', async () => {
    const server = await opensslServer({
      mode: 'stdio',
      clientAuth: { ca: certs.clientCa.cert, required: true },
    });
    const socket = await open(server.port);
    // In TLS 1.3 the client finishes first; the server's alert arrives afterwards.
    const error = await new Promise<Error & { code?: string; alert?: number }>((resolve) => {
      socket.once('error', resolve);
      socket.write('anyone?\n');
    });
    expect(error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 116 });
  });

  it('resumes with a ticket from s_server, which reports the session reused', async () => {
    const saved = await resumeTwice(await opensslServer({ mode: 'stdio' }));
    expect(saved).toMatchObject({ version: 'TLSv1.3' });
  });

  it('follows a KeyUpdate from the server that requests ours, and sends its own', async () => {
    const server = await opensslServer({ mode: 'stdio', trace: true });
    const socket = await open(server.port);
    await exchangeWithStdioServer(socket, server, 'before');
    server.keyUpdate(true);
    await server.waitForOutput(/KeyUpdate[\s\S]*update_requested/);
    // RFC 8446 4.6.3: our answer (update_not_requested) goes out before our next application
    // data record once we have read the request. This write may still race the request on the
    // wire; openssl's reply to it comes after the request, so the write after it carries the
    // answer at the latest.
    expect(await exchangeWithStdioServer(socket, server, 'after server update')).toBe(
      'from openssl after server update\n',
    );
    expect(await exchangeWithStdioServer(socket, server, 'once more')).toBe(
      'from openssl once more\n',
    );
    await server.waitForOutput(/Received Record[\s\S]*KeyUpdate[\s\S]*update_not_requested/);
    await socket.keyUpdate(true);
    expect(await exchangeWithStdioServer(socket, server, 'after our update')).toBe(
      'from openssl after our update\n',
    );
    socket.end();
  });

  it('sends its server_name, by which s_server picks the second certificate', async () => {
    const server = await opensslServer({
      sni: { servername: 'other.example', credential: certs.server.wrongHost },
    });
    const other = await open(server.port, { servername: 'other.example' });
    expect(other.authorized).toBe(true);
    expect(other.getPeerCertificate().subject).toMatchObject({ CN: 'other.example' });
    expect(await echo(other, 'by name')).toBe('by name');
    other.end();
    const usual = await open(server.port); // s_server echo mode: after the first has closed
    expect(usual.getPeerCertificate().subject).toMatchObject({ CN: 'tlskit.test' });
    usual.end();
  });

  it('negotiates ALPN with the server', async () => {
    const server = await opensslServer({ alpn: ['h2', 'http/1.1'] });
    // s_server takes the first of its own protocols that the client offers (its preference).
    const socket = await open(server.port, { ALPNProtocols: ['http/1.1', 'h2'] });
    expect(socket.alpnProtocol).toBe('h2');
    expect(await echo(socket, 'alpn')).toBe('alpn');
    socket.end();
    // s_server in echo mode serves one connection at a time: the next waits for this one.
    const only = await open(server.port, { ALPNProtocols: ['http/1.1'] });
    expect(only.alpnProtocol).toBe('http/1.1');
    only.end();
  });

  it('is refused with no_application_protocol when ALPN does not overlap', async () => {
    const server = await opensslServer({ alpn: ['h2'] });
    const error = await refused(server.port, { ALPNProtocols: ['spdy/1'] });
    expect(error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 120 });
  });
});

describe('connect() refuses bad server certificates from openssl s_server', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    for (const [name, credential, code, alert] of [
      ['from an unknown CA', certs.server.untrusted, 'ERR_CERT_UNKNOWN_ISSUER', 48],
      ['that has expired', certs.server.expired, 'ERR_CERT_EXPIRED', 45],
      ['for another host name', certs.server.wrongHost, 'ERR_CERT_HOSTNAME_MISMATCH', 42],
    ] as [string, Credential, string, number][]) {
      it(`${version}: refuses a certificate ${name} with ${code}, and s_server receives alert ${alert}`, async () => {
        const server = await opensslServer({ credential, mode: 'stdio', version });
        const error = await refused(server.port);
        expect(error).toMatchObject({ code, alert });
        await server.waitForOutput(/alert/, { stream: 'stderr' });
        expect(server.receivedAlert()).toBe(alert);
      });
    }
  }
});

describe('connect() to openssl s_server -tls1_2', () => {
  for (const suite of tls12Suites) {
    it(`negotiates ${suite.iana} when the server allows only ${suite.openssl}`, async () => {
      const credential =
        suite.certificate === 'rsa' ? certs.server.rsa2048 : certs.server.ecdsaP256;
      const server = await opensslServer({
        credential,
        version: 'TLSv1.2',
        ciphers: [suite.openssl],
      });
      const socket = await open(server.port);
      expect(socket.getProtocol()).toBe('TLSv1.2');
      expect(socket.getCipher()?.standardName).toBe(suite.iana);
      expect(socket.authorized).toBe(true);
      expect(await echo(socket, `data under ${suite.openssl}`)).toBe(`data under ${suite.openssl}`);
      socket.end();
    });
  }

  for (const { iana: group, openssl } of groups) {
    it(`agrees on ${group} for ECDHE when both sides allow only it`, async () => {
      // An RSA certificate: with ECDSA, OpenSSL also wants the certificate's curve in
      // supported_groups (RFC 8422 5.1), which a one-group list would not have.
      const server = await opensslServer({
        credential: certs.server.rsa2048,
        version: 'TLSv1.2',
        groups: [openssl],
      });
      const socket = await open(server.port, { groups: [group] });
      expect(socket.handshakeInfo).toMatchObject({ version: 'TLSv1.2', group });
      expect(await echo(socket, group)).toBe(group);
      socket.end();
    });
  }

  for (const [how, noTicket] of [
    ['a session ID (s_server -no_ticket)', true],
    ['a session ticket (RFC 5077)', false],
  ] as const) {
    it(`resumes by ${how}, and s_server reports the session reused`, async () => {
      const server = await opensslServer({ version: 'TLSv1.2', mode: 'stdio', noTicket });
      const saved = await resumeTwice(server);
      expect(saved).toMatchObject({ version: 'TLSv1.2' });
      expect(saved.ticket === undefined).toBe(noTicket);
    });
  }

  it('authenticates with a client certificate when the server requires one', async () => {
    const server = await opensslServer({
      version: 'TLSv1.2',
      mode: 'stdio',
      clientAuth: { ca: certs.clientCa.cert, required: true },
    });
    const socket = await open(server.port, {
      cert: certs.client.rsa.chain.pem,
      key: certs.client.rsa.key.pem,
    });
    expect(await exchangeWithStdioServer(socket, server, 'tls12 client auth')).toContain(
      'from openssl',
    );
    await server.waitForOutput(/subject=.*client-rsa\.tlskit\.test/);
  });

  it('is refused with handshake_failure when the server requires a certificate it lacks', async () => {
    const server = await opensslServer({
      version: 'TLSv1.2',
      clientAuth: { ca: certs.clientCa.cert, required: true },
    });
    // TLS 1.2: the server refuses before its Finished, so the handshake itself fails.
    expect(await refused(server.port)).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 40 });
  });

  it('negotiates ALPN', async () => {
    const server = await opensslServer({ version: 'TLSv1.2', alpn: ['h2', 'http/1.1'] });
    const socket = await open(server.port, { ALPNProtocols: ['http/1.1'] });
    expect(socket.alpnProtocol).toBe('http/1.1');
    socket.end();
  });

  it('refuses keyUpdate(), which TLS 1.2 does not have', async () => {
    const server = await opensslServer({ version: 'TLSv1.2' });
    const socket = await open(server.port);
    await expect(socket.keyUpdate(true)).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' });
    expect(await echo(socket, 'still fine')).toBe('still fine');
    socket.end();
  });
});

describe('version negotiation between connect() and openssl s_server', () => {
  const rank = (v: VersionRange['minVersion']) => (v === 'TLSv1.3' ? 3 : 2);
  for (const ours of versionRanges) {
    for (const theirs of versionRanges) {
      // The highest version in both ranges, or none.
      const low = Math.max(rank(ours.minVersion), rank(theirs.minVersion));
      const high = Math.min(rank(ours.maxVersion), rank(theirs.maxVersion));
      const expected = high >= low ? (high === 3 ? 'TLSv1.3' : 'TLSv1.2') : undefined;
      it(`ours ${ours.minVersion}..${ours.maxVersion} with s_server ${theirs.minVersion}..${theirs.maxVersion}: ${expected ?? 'protocol_version'}`, async () => {
        const server = await opensslServer({ ...theirs, mode: 'stdio' });
        if (expected) {
          const socket = await open(server.port, ours);
          expect(socket.getProtocol()).toBe(expected);
          socket.end();
        } else {
          // RFC 8446 4.2.1 / RFC 5246 E.1: no common version is protocol_version, either way.
          // s_server refuses our ClientHello itself and says so.
          const error = await refused(server.port, ours);
          expect(error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 70 });
          await server.waitForOutput(/unsupported protocol/, { stream: 'stderr' });
        }
      });
    }
  }
});

describe('the key log of connect()', () => {
  const skip = missingPeers('tshark');
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it.skipIf(skip)(
      `lets tshark decrypt a ${version} capture of our request to s_server -www, and only with it`,
      async () => {
        const keylogFile = join(tempDir(), 'client.keylog');
        const server = await opensslServer({ version, mode: 'www' });
        const capture = await startCapture({ port: server.port });
        const socket = await open(server.port, {}, keylogFile);
        const page = receive(socket, '</HTML>');
        socket.write('GET /decrypt-me HTTP/1.0\r\n\r\n');
        expect(await page).toContain('HTTP/1.0 200 ok');
        socket.end();
        // Poll the live capture (bounded) until tshark finds both directions in it.
        let text = '';
        for (let i = 0; i < 40 && !/GET \/decrypt-me[\s\S]*HTTP\/1\.0 200 ok/.test(text); i++) {
          await new Promise((r) => setTimeout(r, 125));
          text = await decryptedText({ pcap: capture.file, keylogFile, port: server.port }).catch(
            () => '',
          );
        }
        const pcap = await capture.stop();
        expect(text).toContain('GET /decrypt-me HTTP/1.0');
        expect(text).toContain('HTTP/1.0 200 ok');
        expect(await decryptedText({ pcap, port: server.port })).not.toContain('decrypt-me');
      },
    );
  }
});
