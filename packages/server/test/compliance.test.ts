/**
 * A compliance preset through the node:tls facade (`engine: compliancePolicy(...)`), judged by a
 * node:tls (OpenSSL) client: what it negotiated, and that it cannot get outside the preset.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect as nodeConnect, type TLSSocket as NodeTLSSocket } from 'node:tls';
import { compliancePolicy } from '@tlskit/handshake';
import { interopCerts } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../src/index.js';

const certs = interopCerts();
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

/** A tlskit echo server with the RSA credential under the WPA3 192-bit preset. */
async function wpaServer(): Promise<number> {
  const { key, chain } = certs.server.rsa2048;
  const server = createServer(
    { key: key.pem, cert: chain.pem, engine: compliancePolicy('wpa3-192-202304') },
    (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    },
  );
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

/** Connects a node:tls client; resolves with the socket once secure, or with the error. */
function nodeClient(port: number, options: object): Promise<NodeTLSSocket | Error> {
  return new Promise((resolve) => {
    const socket = nodeConnect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: certs.ca.cert.pem,
      ...options,
    });
    cleanup.push(() => socket.destroy());
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', (error) => resolve(error));
  });
}

describe('compliancePolicy through @tlskit/server, seen from node:tls', () => {
  // node:tls does not report the server's signature scheme: that it was SHA-384 follows from
  // this handshake (SHA-256 or SHA-384 offered) and the refusal of SHA-256 alone below.
  it('wpa3-192-202304: node negotiates AES-256-GCM over P-384', async () => {
    const port = await wpaServer();
    const socket = await nodeClient(port, {
      // node prefers AES-128-GCM and SHA-256; the preset allows neither.
      ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384',
      sigalgs: 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384',
    });
    if (socket instanceof Error) throw socket;
    expect(socket.getCipher().name).toBe('TLS_AES_256_GCM_SHA384');
    expect(socket.getEphemeralKeyInfo()).toMatchObject({ type: 'ECDH', name: 'secp384r1' });
  });

  it.each([
    ['TLS_AES_128_GCM_SHA256 only', { ciphers: 'TLS_AES_128_GCM_SHA256' }],
    ['P-256 only', { ecdhCurve: 'P-256' }],
    ['SHA-256 signatures only', { sigalgs: 'rsa_pss_rsae_sha256:rsa_pkcs1_sha256' }],
  ])('wpa3-192-202304: a node client with %s is refused', async (_what, options) => {
    const port = await wpaServer();
    const outcome = await nodeClient(port, options);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error & { code?: string }).code).toBe(
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    );
  });
});
