/**
 * `tlskit serve`, spawned as `pnpm tlskit` runs it, answered by clients that are not tlskit:
 * curl, `openssl s_client` and node:tls. Every process is tracked and stopped.
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { TLSSocket } from '@tlskit/client';
import { nobleProvider } from '@tlskit/crypto';
import { createClient } from '@tlskit/handshake';
import { rewriteSentHandshake } from '../../handshake/src/testing.js';
import {
  curlRequest,
  interopCerts,
  makeOcspResponse,
  missingPeers,
  runPeer,
  stopAllPeers,
  tempDir,
} from '@tlskit/interop';
import { ExtensionType, HandshakeType } from '@tlskit/wire';
import { parsePem } from '@tlskit/x509';
import { afterAll, describe, expect, it } from 'vitest';
import { headComplete } from '../src/serve.js';
import { runCliAsync, type ServeProcess, startServe } from './helpers.js';

const certs = interopCerts();
const ecdsa = certs.server.ecdsaP256;
const rsa = certs.server.rsa2048;

afterAll(() => stopAllPeers());

/** `serve --http` with an ECDSA and an RSA certificate side by side. */
function serveHttp(...extra: string[]): Promise<ServeProcess> {
  return startServe([
    '--cert',
    ecdsa.chain.file,
    '--key',
    ecdsa.key.file,
    '--cert',
    rsa.chain.file,
    '--key',
    rsa.key.file,
    '--alpn',
    'http/1.1',
    '--http',
    ...extra,
  ]);
}

describe.skipIf(missingPeers('curl'))('tlskit serve --http answered by curl', () => {
  it('serves a page whose parameters match what curl negotiated, TLS 1.3 and 1.2', async () => {
    const dir = tempDir('tlskit-cli-serve-');
    const serverLog = join(dir, 'serve.keylog');
    const curlLog = join(dir, 'curl.keylog');
    const server = await serveHttp('--keylog', serverLog);
    try {
      const tls13 = await curlRequest({
        keylogFile: curlLog,
        port: server.port,
        host: 'localhost',
        ca: certs.ca.cert,
        path: '/a',
      });
      expect(tls13.status).toBe(200);
      expect(tls13.verified).toBe(true);
      expect(tls13.protocol).toBe('TLSv1.3');
      expect(tls13.body).toContain('<code>GET /a HTTP/1.1</code>');
      expect(tls13.body).toContain('<tr><th>version</th><td>TLSv1.3</td></tr>');
      expect(tls13.body).toContain('<tr><th>alpn</th><td>http/1.1</td></tr>');
      const tls12 = await curlRequest({
        port: server.port,
        host: 'localhost',
        ca: certs.ca.cert,
        maxVersion: 'TLSv1.2',
        ciphers: ['ECDHE-RSA-AES256-GCM-SHA384'],
        keylogFile: curlLog,
      });
      expect(tls12.status).toBe(200);
      expect(tls12.protocol).toBe('TLSv1.2');
      // Only an RSA suite was offered: the server picked its RSA certificate.
      expect(tls12.body).toContain(
        '<tr><th>cipher</th><td>TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384</td></tr>',
      );
      // --keylog: every secret curl (OpenSSL) logged, our server logged too, TLS 1.3
      // traffic secrets and the TLS 1.2 CLIENT_RANDOM master secret alike.
      const ours = new Set(readFileSync(serverLog, 'utf8').trim().split('\n'));
      const theirs = readFileSync(curlLog, 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/.test(line));
      expect(theirs.some((l) => l.startsWith('CLIENT_TRAFFIC_SECRET_0 '))).toBe(true);
      expect(theirs.some((l) => l.startsWith('CLIENT_RANDOM '))).toBe(true);
      for (const line of theirs) expect(ours).toContain(line);
    } finally {
      await server.process.stop();
    }
  });
});

describe.skipIf(missingPeers('curl'))('tlskit serve --min-version and --max-version', () => {
  it('speaks TLS 1.2 to curl under --max-version 1.2 and refuses it under --min-version 1.3', async () => {
    const capped = await serveHttp('--max-version', '1.2');
    try {
      const run = await curlRequest({ port: capped.port, host: 'localhost', ca: certs.ca.cert });
      expect(run.protocol).toBe('TLSv1.2');
      expect(run.body).toContain('<tr><th>version</th><td>TLSv1.2</td></tr>');
    } finally {
      await capped.process.stop();
    }
    const modern = await serveHttp('--min-version', '1.3');
    try {
      const run = await curlRequest({
        port: modern.port,
        host: 'localhost',
        ca: certs.ca.cert,
        maxVersion: 'TLSv1.2',
      });
      expect(run.exitCode).not.toBe(0);
      // RFC 8446 4.2.1: a server without a common version answers protocol_version.
      await modern.process.waitForOutput(/handshake failed: ERR_PROTOCOL_VERSION/, {
        timeoutMs: 5000,
      });
    } finally {
      await modern.process.stop();
    }
  });
});

describe.skipIf(missingPeers('openssl'))('tlskit serve answered by openssl s_client', () => {
  it('verifies the chain for s_client and answers its GET', async () => {
    const server = await serveHttp();
    try {
      const run = await runPeer(
        'openssl',
        [
          's_client',
          '-connect',
          `127.0.0.1:${server.port}`,
          '-servername',
          'localhost',
          '-CAfile',
          certs.ca.cert.file,
          '-verify_return_error',
          '-ign_eof',
        ],
        { input: 'GET /openssl HTTP/1.1\r\nHost: localhost\r\n\r\n', timeoutMs: 20_000 },
      );
      expect(run.stdout).toContain('Verify return code: 0 (ok)');
      expect(run.stdout).toMatch(/New, TLSv1\.3, Cipher is TLS_AES_\d+_GCM_SHA\d+/);
      expect(run.stdout).toContain('HTTP/1.1 200 OK');
      expect(run.stdout).toContain('<code>GET /openssl HTTP/1.1</code>');
    } finally {
      await server.process.stop();
    }
  });
});

/** Once `socket` is secure, sends `request` and ends; resolves with everything answered. */
function requestOver(
  socket: Duplex & { setTimeout(ms: number, callback: () => void): unknown },
  request: string,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = '';
    socket.once('secureConnect', () => socket.end(request));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer in 10 s: ${text}`)));
  });
}

/** Sends `request` over node:tls to `port`, then ends; returns everything the server answered. */
function tlsRequest(port: number, request: string): Promise<string> {
  return requestOver(
    tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: certs.ca.cert.pem }),
    request,
  );
}

describe('tlskit serve --http line endings (RFC 9112 section 2.2)', () => {
  it('answers requests ended by bare LF, CRLF or a mix, as openssl s_server -www does', async () => {
    const server = await serveHttp();
    try {
      for (const request of [
        'GET / HTTP/1.0\n\n',
        'GET /lf HTTP/1.1\nHost: localhost\n\n',
        'GET /crlf HTTP/1.1\r\nHost: localhost\r\n\r\n',
        'GET /mixed HTTP/1.1\r\nHost: localhost\n\r\n',
      ]) {
        const answer = await tlsRequest(server.port, request);
        expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        expect(answer).toContain(`<code>${request.split(/\r?\n/)[0]}</code>`);
      }
    } finally {
      await server.process.stop();
    }
  });
});

/**
 * The reviewer's conversation (issue 11): a ClientHello with `padding` bytes of padding, which
 * spans records, then `GET / HTTP/1.0\n\n`. Our client engine is made to add the padding to its
 * own hello (its transcript takes the bytes sent, so the handshake stays valid).
 */
async function paddedRequest(
  port: number,
  padding: number,
  request: string,
): Promise<{ answer: string; helloLength: number }> {
  const engine = createClient({
    provider: nobleProvider,
    serverName: 'localhost',
    ca: parsePem(certs.ca.cert.pem),
  });
  let helloLength = 0;
  rewriteSentHandshake(
    engine,
    (m) =>
      m.type === HandshakeType.clientHello
        ? {
            ...m,
            // pre_shared_key would have to stay last; this client offers none.
            extensions: [...m.extensions, { type: ExtensionType.padding, length: padding }],
          }
        : m,
    (raw, m) => {
      if (m.type === HandshakeType.clientHello) helloLength = raw.length;
    },
  );
  const socket = new TLSSocket(netConnect(port, '127.0.0.1'), Promise.resolve(engine), {
    onSecure: (secured) => secured.emit('secureConnect'),
  });
  const answer = await requestOver(socket, request);
  return { answer, helloLength };
}

describe('tlskit serve --http and large ClientHellos (issue 11)', () => {
  it('completes a handshake with a hello spanning records and answers its bare-LF GET', async () => {
    const server = await serveHttp();
    try {
      // Hello lengths here include the 4-byte header; 65,536 was the old limit on the body.
      for (const [padding, over] of [
        [16_181, 16_384],
        [64_150, 4 + 65_536],
      ] as const) {
        const { answer, helloLength } = await paddedRequest(
          server.port,
          padding,
          'GET / HTTP/1.0\n\n',
        );
        expect(helloLength).toBeGreaterThan(over);
        expect([padding, answer.slice(0, 17)]).toEqual([padding, 'HTTP/1.1 200 OK\r\n']);
      }
    } finally {
      await server.process.stop();
    }
  });
});

describe('headComplete', () => {
  it('finds the empty line that ends a header block, with CRLF or bare LF', () => {
    for (const done of [
      'GET / HTTP/1.0\n\n',
      'GET / HTTP/1.0\r\n\r\n',
      'A\r\nB: c\n\n',
      'A\n\r\n',
    ]) {
      expect([done, headComplete(done)]).toEqual([done, true]);
    }
    for (const partial of ['GET / HTTP/1.0\n', 'GET / HTTP/1.0\r\n', 'A\r\nB: c\r\n', 'A\r\r\n']) {
      expect([partial, headComplete(partial)]).toEqual([partial, false]);
    }
  });
});

describe.skipIf(missingPeers('openssl'))(
  'tlskit serve --ocsp-file read by s_client -status',
  () => {
    it('staples the response file in TLS 1.3 and 1.2', async () => {
      const staple = makeOcspResponse({ cert: ecdsa.cert, issuer: certs.ca, status: 'good' });
      const server = await startServe([
        '--cert',
        ecdsa.chain.file,
        '--key',
        ecdsa.key.file,
        '--ocsp-file',
        staple.file,
      ]);
      try {
        for (const version of ['-tls1_3', '-tls1_2']) {
          const run = await runPeer(
            'openssl',
            [
              ...['s_client', '-connect', `127.0.0.1:${server.port}`, version, '-status'],
              ...[
                '-servername',
                'localhost',
                '-CAfile',
                certs.ca.cert.file,
                '-verify_return_error',
              ],
            ],
            { input: '', timeoutMs: 20_000 },
          );
          expect(run.stdout).toContain('Verify return code: 0 (ok)');
          expect(run.stdout).toContain('OCSP Response Status: successful (0x0)');
          expect(run.stdout).toContain('Cert Status: good');
        }
      } finally {
        await server.process.stop();
      }
    });

    it('refuses more --ocsp-file than --cert with exit code 2', async () => {
      const run = await runCliAsync([
        ...['serve', '--cert', ecdsa.chain.file, '--key', ecdsa.key.file],
        ...['--ocsp-file', 'a.der', '--ocsp-file', 'b.der'],
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('at most one --ocsp-file for each --cert');
    });
  },
);

describe('tlskit serve echo mode', () => {
  it('echoes what a node:tls client sends (with the node crypto provider)', async () => {
    const server = await startServe([
      '--cert',
      ecdsa.chain.file,
      '--key',
      ecdsa.key.file,
      '--provider',
      'node',
    ]);
    try {
      const echoed = await tlsRequest(server.port, 'echo me\n');
      expect(echoed).toBe('echo me\n');
    } finally {
      await server.process.stop();
    }
  });

  it('reports a connection reset by the peer in one line, with no stack trace', async () => {
    const server = await startServe(['--cert', ecdsa.chain.file, '--key', ecdsa.key.file]);
    try {
      await new Promise<void>((resolve, reject) => {
        const tcp = netConnect(server.port, '127.0.0.1');
        const socket = tlsConnect(
          { socket: tcp, servername: 'localhost', ca: certs.ca.cert.pem },
          () => socket.write('half a conversation\n'),
        );
        // The echo proves the server is reading; then a TCP RST instead of close_notify and FIN.
        socket.once('data', () => {
          tcp.resetAndDestroy();
          resolve();
        });
        socket.on('error', reject);
        socket.setTimeout(20_000, () => socket.destroy(new Error('no echo in 20 s')));
      });
      await server.process.waitForOutput(/connection error: ECONNRESET/, { timeoutMs: 10_000 });
      expect(server.process.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await server.process.stop();
    }
  });

  it('asks for a client certificate with --request-cert and takes connect --cert --key', async () => {
    const server = await startServe([
      '--cert',
      ecdsa.chain.file,
      '--key',
      ecdsa.key.file,
      '--ca',
      certs.clientCa.cert.file,
      '--request-cert',
    ]);
    const client = certs.client.ecdsa;
    const args = ['connect', '--ca', certs.ca.cert.file, '--servername', 'localhost'];
    try {
      const run = await runCliAsync(
        [
          ...args,
          '--cert',
          client.chain.file,
          '--key',
          client.key.file,
          `127.0.0.1:${server.port}`,
        ],
        { input: 'with a certificate\n' },
      );
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('with a certificate\n');
      // Without one the server refuses: RFC 8446 4.4.2.4, alert certificate_required (116).
      const refused = await runCliAsync([...args, `127.0.0.1:${server.port}`], {
        input: 'no certificate\n',
      });
      expect(refused.status).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/^tlskit connect: ERR_[A-Z_]+: .*certificate_required/m);
      await server.process.waitForOutput(/handshake failed: ERR_CERT/, { timeoutMs: 5000 });
    } finally {
      await server.process.stop();
    }
  });

  it('refuses a bad command line with exit code 2', async () => {
    const noCert = await runCliAsync(['serve', '--port', '0']);
    expect(noCert.status).toBe(2);
    expect(noCert.stderr).toContain('--cert FILE --key FILE is required');
    const unpaired = await runCliAsync(['serve', '--cert', ecdsa.chain.file]);
    expect(unpaired.status).toBe(2);
    expect(unpaired.stderr).toContain('give one --key for each --cert');
  });
});
