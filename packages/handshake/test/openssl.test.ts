/**
 * Engine-level interop with a real peer: the engines over net.Socket against `openssl s_server`
 * and `openssl s_client` (OpenSSL 3), on 127.0.0.1 only, every wait bounded.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type Connection,
  createClient,
  createServer,
  type HandshakeInfo,
  type Session,
} from '@tlskit/handshake';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Moves bytes between an engine and a socket. */
function bridge(conn: Connection, socket: Socket): void {
  const flush = () => {
    for (const chunk of conn.takeOutput()) socket.write(chunk);
  };
  socket.on('data', (b) => {
    conn.receive(b).then(flush, () => socket.destroy());
  });
  conn.on('close', () => {
    flush();
    socket.end();
  });
  conn.on('handshake', flush);
}

/** Connects a client engine to 127.0.0.1:port and sends its ClientHello. */
async function connectClient(client: Connection, port: number): Promise<Socket> {
  const socket = netConnect(port, '127.0.0.1');
  bridge(client, socket);
  await client.start();
  for (const chunk of client.takeOutput()) socket.write(chunk);
  return socket;
}

function waitFor<T>(what: string, ms: number, run: (done: (v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    run((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

async function startSServer(
  args: string[],
  version = '-tls1_3',
): Promise<{ port: number; output: () => string }> {
  const port = await freePort();
  const child = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, version, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d) => {
    out += d.toString();
  });
  await waitFor<void>('s_server to listen', 10_000, (done) => {
    const check = () => (out.includes('ACCEPT') ? done() : setTimeout(check, 20));
    check();
  });
  return { port, output: () => out };
}

describe.skipIf(!hasOpenssl)('interop with openssl s_server / s_client (TLS 1.3)', () => {
  it.each([
    ['x25519', 0x001d, 'p256'],
    ['P-384', 0x0018, 'rsa'],
    ['secp256r1', 0x0017, 'ed25519'],
  ] as const)(
    'our client completes a handshake over %s with s_server and reads its HTTP answer',
    async (osslGroup, group, kind) => {
      const f = await fixtures();
      const pem = f.serverPem[kind];
      const server = await startSServer([
        '-cert',
        pem.cert,
        '-key',
        pem.key,
        '-groups',
        osslGroup,
        '-www',
      ]);
      const client = createClient({
        provider,
        serverName: 'localhost',
        ca: [f.caDer],
        groups: [group],
      });
      const socket = await connectClient(client, server.port);
      let body = '';
      client.on('data', (d) => {
        body += new TextDecoder().decode(d);
      });
      const info = await waitFor<HandshakeInfo>('handshake', 15_000, (done) =>
        client.on('handshake', done),
      );
      expect(info.version).toBe('TLSv1.3');
      expect(info.peerVerified).toBe(true);
      await client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
      for (const chunk of client.takeOutput()) socket.write(chunk);
      await waitFor<void>('response', 15_000, (done) => client.on('end', () => done()));
      expect(body).toContain('HTTP/1.0 200 ok');
      expect(body).toContain('TLSv1.3');
      socket.destroy();
    },
  );

  it('our client survives a HelloRetryRequest from s_server and a KeyUpdate both ways', async () => {
    const f = await fixtures();
    const pem = f.serverPem.p256;
    const server = await startSServer([
      '-cert',
      pem.cert,
      '-key',
      pem.key,
      '-groups',
      'P-256',
      '-www',
    ]);
    const client = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      groups: [0x001d, 0x0017],
      keyShareGroups: [0x001d],
    });
    const socket = await connectClient(client, server.port);
    let body = '';
    client.on('data', (d) => {
      body += new TextDecoder().decode(d);
    });
    const info = await waitFor<HandshakeInfo>('handshake', 15_000, (done) =>
      client.on('handshake', done),
    );
    expect(info.helloRetryRequest).toBe(true);
    expect(info.group).toBe('secp256r1');
    await client.keyUpdate(true);
    await client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    for (const chunk of client.takeOutput()) socket.write(chunk);
    await waitFor<void>('response', 15_000, (done) => client.on('end', () => done()));
    expect(body).toContain('HTTP/1.0 200 ok');
    socket.destroy();
  });

  it('openssl s_client completes a handshake with our server, verifies it, and gets its data echoed', async () => {
    const f = await fixtures();
    const caFile = join(f.dir, 'ca-for-sclient.der');
    writeFileSync(caFile, f.caDer);
    spawnSync('openssl', ['x509', '-inform', 'DER', '-in', caFile, '-out', `${caFile}.pem`]);
    const server = createNetServer((socket) => {
      const conn = createServer({
        provider,
        certificates: [f.server.p256, f.server.rsa],
        alpnProtocols: ['h2', 'http/1.1'],
      });
      bridge(conn, socket);
      conn.on('data', async (d) => {
        await conn.write(d);
        for (const chunk of conn.takeOutput()) socket.write(chunk);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const child = spawn(
      'openssl',
      [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-tls1_3',
        '-CAfile',
        `${caFile}.pem`,
        '-servername',
        'localhost',
        '-alpn',
        'http/1.1',
        '-verify_return_error',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d) => {
      out += d.toString();
    });
    await waitFor<void>('s_client handshake', 15_000, (done) => {
      const check = () => (out.includes('Verify return code') ? done() : setTimeout(check, 20));
      check();
    });
    child.stdin?.write('hello tlskit\n');
    await waitFor<void>('echo', 15_000, (done) => {
      const check = () =>
        out.split('hello tlskit').length > 1 && out.includes('hello tlskit\n')
          ? done()
          : setTimeout(check, 20);
      check();
    });
    child.stdin?.end();
    server.close();
    expect(out).toContain('Verify return code: 0 (ok)');
    expect(out).toContain('TLSv1.3');
    expect(out).toContain('ALPN protocol: http/1.1');
  });

  it.each([
    ['ECDHE-ECDSA-AES128-GCM-SHA256', 'p256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    ['ECDHE-ECDSA-CHACHA20-POLY1305', 'ed25519', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
    ['ECDHE-RSA-AES256-GCM-SHA384', 'rsa', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    ['ECDHE-RSA-CHACHA20-POLY1305', 'rsa', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  ] as const)(
    'TLS 1.2: our client completes %s with s_server -tls1_2',
    async (cipher, kind, iana) => {
      const f = await fixtures();
      const pem = f.serverPem[kind];
      const server = await startSServer(
        ['-cert', pem.cert, '-key', pem.key, '-cipher', cipher, '-www'],
        '-tls1_2',
      );
      const client = createClient({
        provider,
        serverName: 'localhost',
        ca: [f.caDer],
        minVersion: 'TLSv1.2',
        maxVersion: 'TLSv1.3',
      });
      const socket = await connectClient(client, server.port);
      let body = '';
      client.on('data', (d) => {
        body += new TextDecoder().decode(d);
      });
      const info = await waitFor<HandshakeInfo>('handshake', 15_000, (done) =>
        client.on('handshake', done),
      );
      expect(info.version).toBe('TLSv1.2');
      expect(info.cipherSuite).toBe(iana);
      await client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
      for (const chunk of client.takeOutput()) socket.write(chunk);
      await waitFor<void>('response', 15_000, (done) => client.on('end', () => done()));
      expect(body).toContain('HTTP/1.0 200 ok');
      expect(body).toContain(cipher);
      socket.destroy();
    },
  );

  it.each([['ECDHE-ECDSA-AES256-GCM-SHA384'], ['ECDHE-RSA-AES128-GCM-SHA256']])(
    'TLS 1.2: openssl s_client completes %s with our server',
    async (cipher) => {
      const f = await fixtures();
      const caFile = join(f.dir, 'ca12.der');
      writeFileSync(caFile, f.caDer);
      spawnSync('openssl', ['x509', '-inform', 'DER', '-in', caFile, '-out', `${caFile}.pem`]);
      const server = createNetServer((socket) => {
        const conn = createServer({
          provider,
          certificates: [f.server.p256, f.server.rsa],
          minVersion: 'TLSv1.2',
        });
        bridge(conn, socket);
        conn.on('data', async (d) => {
          await conn.write(d);
          for (const chunk of conn.takeOutput()) socket.write(chunk);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as { port: number }).port;
      const child = spawn(
        'openssl',
        [
          's_client',
          '-connect',
          `127.0.0.1:${port}`,
          '-tls1_2',
          '-cipher',
          cipher,
          '-CAfile',
          `${caFile}.pem`,
          '-servername',
          'localhost',
          '-verify_return_error',
        ],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      children.push(child);
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d.toString();
      });
      child.stderr?.on('data', (d) => {
        out += d.toString();
      });
      await waitFor<void>('s_client handshake', 15_000, (done) => {
        const check = () => (out.includes('Verify return code') ? done() : setTimeout(check, 20));
        check();
      });
      child.stdin?.write('hello twelve\n');
      await waitFor<void>('echo', 15_000, (done) => {
        const check = () => (out.includes('hello twelve\n') ? done() : setTimeout(check, 20));
        check();
      });
      child.stdin?.end();
      server.close();
      expect(out).toContain('Verify return code: 0 (ok)');
      expect(out).toContain('TLSv1.2');
      expect(out).toContain(`Cipher is ${cipher}`);
      expect(out).toContain('Extended master secret: yes');
      expect(out).toContain('Secure Renegotiation IS supported');
    },
  );

  it('TLS 1.2: our client refuses renegotiation from s_server (HelloRequest) with a no_renegotiation warning', async () => {
    const f = await fixtures();
    const pem = f.serverPem.p256;
    const server = await startSServer(['-cert', pem.cert, '-key', pem.key], '-tls1_2');
    const child = children[children.length - 1]!;
    const client = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    });
    const sent: number[] = [];
    client.on('alert', (a) => {
      if (a.direction === 'sent') sent.push(a.description);
    });
    const socket = await connectClient(client, server.port);
    await waitFor<HandshakeInfo>('handshake', 15_000, (done) => client.on('handshake', done));
    // s_server's "R" command sends a HelloRequest in TLS 1.2.
    child.stdin?.write('R\n');
    await waitFor<void>('no_renegotiation', 15_000, (done) => {
      const check = () => (sent.includes(100) ? done() : setTimeout(check, 20));
      check();
    });
    // OpenSSL's server ends the connection after a refused renegotiation (RFC 5246 7.4.1.1 lets
    // it choose); what matters is that we refused with a warning and sent nothing fatal.
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toEqual([100]);
    socket.destroy();
  });

  it.each([['TLSv1.2'], ['TLSv1.3']] as const)(
    '%s: our client resumes a session with s_server',
    async (version) => {
      const f = await fixtures();
      const pem = f.serverPem.p256;
      const flag = version === 'TLSv1.2' ? '-tls1_2' : '-tls1_3';
      const server = await startSServer(['-cert', pem.cert, '-key', pem.key, '-www'], flag);
      const run = async (
        session?: Session,
      ): Promise<{ info: HandshakeInfo; sessions: Session[]; body: string }> => {
        const client = createClient({
          provider,
          serverName: 'localhost',
          ca: [f.caDer],
          minVersion: version,
          maxVersion: version,
          ...(session === undefined ? {} : { session }),
        });
        const sessions: Session[] = [];
        client.on('session', (x) => sessions.push(x));
        let body = '';
        client.on('data', (d) => {
          body += new TextDecoder().decode(d);
        });
        const socket = await connectClient(client, server.port);
        const info = await waitFor<HandshakeInfo>('handshake', 15_000, (done) =>
          client.on('handshake', done),
        );
        await client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
        for (const chunk of client.takeOutput()) socket.write(chunk);
        await waitFor<void>('response', 15_000, (done) => client.on('end', () => done()));
        socket.destroy();
        return { info, sessions, body };
      };
      const first = await run();
      expect(first.info.resumed).toBe(false);
      expect(first.sessions.length).toBeGreaterThan(0);
      const second = await run(first.sessions[0]);
      expect(second.info.resumed).toBe(true);
      expect(second.body).toContain('Reused');
    },
  );

  it.each([['-tls1_2'], ['-tls1_3']])(
    '%s: openssl s_client resumes a session with our server',
    async (flag) => {
      const f = await fixtures();
      const caPem = join(f.dir, `ca-resume${flag}.pem`);
      writeFileSync(`${caPem}.der`, f.caDer);
      spawnSync('openssl', ['x509', '-inform', 'DER', '-in', `${caPem}.der`, '-out', caPem]);
      const ticketKeys = [{ name: new Uint8Array(16).fill(3), key: new Uint8Array(32).fill(5) }];
      const server = createNetServer((socket) => {
        const conn = createServer({ provider, certificates: [f.server.p256], ticketKeys });
        bridge(conn, socket);
        conn.on('data', async (d) => {
          await conn.write(d);
          for (const chunk of conn.takeOutput()) socket.write(chunk);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as { port: number }).port;
      const sessFile = join(f.dir, `sess${flag}.pem`);
      const once = async (extra: string[]): Promise<string> => {
        const child = spawn(
          'openssl',
          [
            's_client',
            '-connect',
            `127.0.0.1:${port}`,
            flag,
            '-CAfile',
            caPem,
            '-servername',
            'localhost',
            ...extra,
          ],
          { stdio: ['pipe', 'pipe', 'pipe'] },
        );
        children.push(child);
        let out = '';
        child.stdout?.on('data', (d) => {
          out += d.toString();
        });
        child.stderr?.on('data', (d) => {
          out += d.toString();
        });
        await waitFor<void>('s_client handshake', 15_000, (done) => {
          const check = () => (out.includes('Verify return code') ? done() : setTimeout(check, 20));
          check();
        });
        child.stdin?.write('ping\n');
        await waitFor<void>('echo', 15_000, (done) => {
          const check = () =>
            out.split('ping').length > 1 && out.includes('ping\n') ? done() : setTimeout(check, 20);
          check();
        });
        child.stdin?.end();
        await waitFor<void>('exit', 15_000, (done) => child.on('exit', () => done()));
        return out;
      };
      const first = await once(['-sess_out', sessFile]);
      expect(first).toContain('New,');
      const second = await once(['-sess_in', sessFile]);
      server.close();
      expect(second).toContain('Reused,');
    },
  );
});
