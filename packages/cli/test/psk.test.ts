/**
 * External PSKs (TLS 1.3) against OpenSSL both ways: `tlskit connect --psk` to
 * `openssl s_server -psk -nocert`, and `openssl s_client -psk` to a certificate-less
 * `tlskit serve --psk`. OpenSSL is the oracle: it reports a PSK handshake as "Reused", prints
 * "Server Temp Key" only when a key exchange happened (psk_dhe_ke), and names the suite.
 */
import {
  missingPeers,
  runPeer,
  startOpensslServer,
  stopAllPeers,
  interopCerts,
} from '@tlskit/interop';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync, startServe } from './helpers.js';

afterAll(() => stopAllPeers());

const key = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const identity = 'client-1';
// s_server wants a certificate on its command line even with -nocert (which then ignores it).
const credential = interopCerts().server.ecdsaP256;

interface ConnectJson {
  version: string;
  cipher: string;
  group: string | null;
  resumed: boolean;
  verified: boolean;
  peerCertificates: string[];
  response: string;
}

async function connectPsk(port: number, ...extra: string[]): Promise<ConnectJson> {
  const run = await runCliAsync([
    'connect',
    '--json',
    '--http',
    '/',
    '--psk',
    key,
    '--psk-identity',
    identity,
    ...extra,
    `127.0.0.1:${port}`,
  ]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as ConnectJson;
}

/** `openssl s_client -psk` sends one HTTP request and prints the session summary and the answer. */
async function sClientPsk(port: number, ...extra: string[]): Promise<string> {
  const run = await runPeer(
    'openssl',
    [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-tls1_3',
      '-psk_identity',
      identity,
      '-ign_eof',
      ...extra,
    ],
    { name: 'openssl s_client -psk', input: 'GET / HTTP/1.0\r\n\r\n', timeoutMs: 15_000 },
  );
  return `${run.stdout}\n${run.stderr}`;
}

describe.skipIf(missingPeers('openssl'))(
  'tlskit connect --psk to openssl s_server -psk -nocert',
  () => {
    it('completes psk_dhe_ke with TLS_AES_128_GCM_SHA256 and no certificate', async () => {
      const server = await startOpensslServer({
        credential,
        version: 'TLSv1.3',
        mode: 'www',
        extraArgs: ['-nocert', '-psk', key, '-psk_identity', identity],
      });
      try {
        const json = await connectPsk(server.port);
        expect(json).toMatchObject({
          version: 'TLSv1.3',
          cipher: 'TLS_AES_128_GCM_SHA256',
          resumed: false,
          verified: true,
          peerCertificates: [],
        });
        expect(json.group).not.toBeNull();
        // OpenSSL counts a PSK handshake as a reused session.
        expect(json.response).toMatch(/^Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256$/m);
      } finally {
        await server.stop();
      }
    });

    it('completes psk_ke (no key exchange) with -allow_no_dhe_kex when it offers only psk_ke', async () => {
      const server = await startOpensslServer({
        credential,
        version: 'TLSv1.3',
        mode: 'www',
        extraArgs: ['-nocert', '-psk', key, '-psk_identity', identity, '-allow_no_dhe_kex'],
      });
      try {
        const json = await connectPsk(server.port, '--psk-modes', 'psk_ke');
        expect(json).toMatchObject({ version: 'TLSv1.3', group: null, peerCertificates: [] });
        expect(json.response).toMatch(/^Reused, TLSv1\.3/m);
      } finally {
        await server.stop();
      }
    });

    it('fails when the key is wrong: s_server refuses the binder', async () => {
      const server = await startOpensslServer({
        credential,
        version: 'TLSv1.3',
        mode: 'www',
        extraArgs: ['-nocert', '-psk', key.replace(/^00/, 'ff'), '-psk_identity', identity],
      });
      try {
        const run = await runCliAsync([
          'connect',
          '--json',
          '--psk',
          key,
          '--psk-identity',
          identity,
          `127.0.0.1:${server.port}`,
        ]);
        expect(run.status).toBe(1);
        // decrypt_error (51) from s_server: the binder does not verify under its key.
        expect(run.stderr).toMatch(/decrypt_error|ERR_PEER_ALERT/);
      } finally {
        await server.stop();
      }
    });
  },
);

describe.skipIf(missingPeers('openssl'))(
  'openssl s_client -psk to tlskit serve --psk (no certificate)',
  () => {
    it('completes psk_dhe_ke and answers the request', async () => {
      const serve = await startServe(['--psk', key, '--psk-identity', identity, '--http']);
      try {
        const out = await sClientPsk(serve.port, '-psk', key);
        expect(out).toMatch(/^Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256$/m);
        expect(out).toMatch(/^Server Temp Key: /m);
        expect(out).toMatch(/^HTTP\/1\.1 200 OK/m);
        await serve.process.waitForOutput(/TLSv1\.3 TLS_AES_128_GCM_SHA256 \S+$/m, {
          stream: 'stderr',
        });
      } finally {
        await serve.process.stop();
      }
    });

    it('completes psk_ke when it allows only psk_ke and s_client offers it (-allow_no_dhe_kex)', async () => {
      const serve = await startServe([
        '--psk',
        key,
        '--psk-identity',
        identity,
        '--psk-modes',
        'psk_ke',
        '--http',
      ]);
      try {
        const out = await sClientPsk(serve.port, '-psk', key, '-allow_no_dhe_kex');
        expect(out).toMatch(/^Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256$/m);
        expect(out).not.toMatch(/Server Temp Key/);
        expect(out).toMatch(/^HTTP\/1\.1 200 OK/m);
        await serve.process.waitForOutput(/TLS_AES_128_GCM_SHA256 psk$/m, { stream: 'stderr' });
      } finally {
        await serve.process.stop();
      }
    });

    it('refuses a client with the wrong key (decrypt_error) and keeps serving', async () => {
      const serve = await startServe(['--psk', key, '--psk-identity', identity, '--http']);
      try {
        const out = await sClientPsk(serve.port, '-psk', key.replace(/^00/, 'ff'));
        expect(out).toMatch(/alert decrypt error|alert number 51/);
        await serve.process.waitForOutput(/handshake failed: ERR_DECRYPT/, { stream: 'stderr' });
        const ok = await sClientPsk(serve.port, '-psk', key);
        expect(ok).toMatch(/^HTTP\/1\.1 200 OK/m);
      } finally {
        await serve.process.stop();
      }
    });
  },
);
