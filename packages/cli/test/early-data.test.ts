/**
 * 0-RTT against OpenSSL both ways (RFC 8446 2.3, 4.2.10, 8):
 * - `openssl s_client -sess_out`, then `-sess_in ... -early_data FILE` against `tlskit serve
 *   --max-early-data`: accepted and answered; the same saved session again: rejected, and the
 *   connection still completes. `--http` marks a request that came as early data.
 * - `tlskit connect --session-out`, then `--session-in ... --early-data FILE` against
 *   `openssl s_server -early_data`: accepted, and s_server prints the early data it received.
 * OpenSSL's own reports ("Early data was accepted", "Early data received:") are the oracle.
 * The raw replay of a captured first flight is in packages/server/test/early-data.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  interopCerts,
  missingPeers,
  spawnPeer,
  startOpensslServer,
  stopAllPeers,
  tempDir,
} from '@tlskit/interop';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync, type ServeProcess, startServe } from './helpers.js';

afterAll(() => stopAllPeers());

const certs = interopCerts();
const credential = certs.server.ecdsaP256;

function serveEarly(...extra: string[]): Promise<ServeProcess> {
  return startServe([
    '--cert',
    credential.chain.file,
    '--key',
    credential.key.file,
    '--max-early-data',
    '16384',
    ...extra,
  ]);
}

/**
 * `openssl s_client` against 127.0.0.1:port; waits (bounded) until its output matches `until`,
 * then stops it and returns everything it printed.
 */
async function sClient(port: number, args: readonly string[], until: RegExp): Promise<string> {
  const peer = spawnPeer(
    'stdbuf',
    [
      '-o0',
      '-e0',
      'openssl',
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-tls1_3',
      '-servername',
      'localhost',
      '-CAfile',
      certs.ca.cert.file,
      '-ign_eof',
      ...args,
    ],
    { name: 'openssl s_client' },
  );
  try {
    await peer.waitForOutput(until, { timeoutMs: 15_000 });
    return `${peer.stdout}\n${peer.stderr}`;
  } finally {
    await peer.stop();
  }
}

describe.skipIf(missingPeers('openssl'))('openssl s_client -early_data to tlskit serve', () => {
  it('accepts and answers early data once; the replayed session is rejected but completes', async () => {
    const serve = await serveEarly();
    const dir = tempDir();
    const session = join(dir, 'openssl.session');
    const request = join(dir, 'early.txt');
    writeFileSync(request, 'early hello\n');
    try {
      const first = await sClient(serve.port, ['-sess_out', session], /Max Early Data: 16384/);
      expect(first).toMatch(/^New, TLSv1\.3/m);

      const early = await sClient(
        serve.port,
        ['-sess_in', session, '-early_data', request],
        /^early hello$/m,
      );
      expect(early).toMatch(/^Reused, TLSv1\.3/m);
      expect(early).toMatch(/^Early data was accepted$/m);
      await serve.process.waitForOutput(/resumed early data 12 bytes$/m, { stream: 'stderr' });

      // The same saved session again: the ticket's early data was used, so it is rejected,
      // and the handshake still completes (resumed).
      const replay = await sClient(
        serve.port,
        ['-sess_in', session, '-early_data', request],
        /^Early data was (accepted|rejected)$/m,
      );
      expect(replay).toMatch(/^Early data was rejected$/m);
      expect(replay).toMatch(/^Reused, TLSv1\.3/m);
    } finally {
      await serve.process.stop();
    }
  });

  it('--http marks a request that came as early data', async () => {
    const serve = await serveEarly('--http');
    const dir = tempDir();
    const session = join(dir, 'openssl-http.session');
    const request = join(dir, 'get.txt');
    writeFileSync(request, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    try {
      await sClient(serve.port, ['-sess_out', session], /Max Early Data: 16384/);
      const page = await sClient(
        serve.port,
        ['-sess_in', session, '-early_data', request],
        /<\/html>/,
      );
      expect(page).toMatch(/^Early data was accepted$/m);
      expect(page).toContain('<th>requestAsEarlyData</th><td>yes (35 bytes, may be a replay)</td>');
      expect(page).toContain('<th>earlyData</th><td>accepted</td>');
    } finally {
      await serve.process.stop();
    }
  });
});

describe.skipIf(missingPeers('openssl'))(
  'tlskit connect --early-data to openssl s_server -early_data',
  () => {
    it('sends the file as early data, which s_server accepts and prints', async () => {
      const server = await startOpensslServer({
        credential,
        version: 'TLSv1.3',
        mode: 'stdio',
        extraArgs: ['-early_data'],
      });
      const dir = tempDir();
      const session = join(dir, 'tlskit.session');
      const request = join(dir, 'early-to-openssl.txt');
      writeFileSync(request, 'early from tlskit\n');
      const connectArgs = [
        'connect',
        '--json',
        '--ca',
        certs.ca.cert.file,
        '--servername',
        'localhost',
      ];
      try {
        const first = await runCliAsync([
          ...connectArgs,
          '--session-out',
          session,
          `127.0.0.1:${server.port}`,
        ]);
        expect(first.status).toBe(0);
        expect(JSON.parse(first.stdout)).toMatchObject({ resumed: false, earlyData: 'none' });
        await server.waitForOutput(/^CONNECTION CLOSED$/m);

        const second = await runCliAsync([
          ...connectArgs,
          '--session-in',
          session,
          '--early-data',
          request,
          `127.0.0.1:${server.port}`,
        ]);
        expect(second.stderr).toBe('');
        expect(second.status).toBe(0);
        expect(JSON.parse(second.stdout)).toMatchObject({
          version: 'TLSv1.3',
          resumed: true,
          earlyData: 'accepted',
        });
        await server.waitForOutput(/Early data received:\s*\n?early from tlskit\n/);
        await server.waitForOutput(/End of early data/);
      } finally {
        await server.stop();
      }
    });
  },
);
