/**
 * `tlskit demo`: the certificates it makes in memory are checked by OpenSSL and node:crypto, and
 * the spawned demo's trace, negotiated parameters and HTTP exchange are checked for TLS 1.3 and
 * TLS 1.2.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingPeers, runPeer, stopAllPeers, tempDir } from '@tlskit/interop';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDemoCertificates } from '../src/certs.js';
import { runCliAsync, runInProcess } from './helpers.js';

afterAll(() => stopAllPeers());

describe('demo certificates', () => {
  const certs = makeDemoCertificates();

  it('are an ECDSA P-256 CA and a leaf for localhost and 127.0.0.1, per node:crypto', () => {
    const ca = new X509Certificate(certs.ca.cert);
    const leaf = new X509Certificate(certs.server.cert);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    // The key returned beside the certificate belongs to it.
    expect(leaf.checkPrivateKey(createPrivateKey(certs.server.key))).toBe(true);
  });

  it.skipIf(missingPeers('openssl'))(
    'pass openssl verify -x509_strict for SSL server use',
    async () => {
      const dir = tempDir('tlskit-cli-demo-');
      writeFileSync(join(dir, 'ca.pem'), certs.ca.cert);
      writeFileSync(join(dir, 'leaf.pem'), certs.server.cert);
      const run = await runPeer('openssl', [
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-verify_hostname',
        'localhost',
        '-CAfile',
        join(dir, 'ca.pem'),
        join(dir, 'leaf.pem'),
      ]);
      expect(run.stdout.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);
    },
  );
});

describe('tlskit demo', () => {
  it('traces a TLS 1.3 then a TLS 1.2 handshake and prints the HTTP response of each', async () => {
    const run = await runCliAsync(['demo']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [tls13 = '', tls12 = ''] = run.stdout.split(/^=== TLSv1\.2/m);
    // TLS 1.3: the messages of a full handshake, in order, with their direction.
    const order13 = [...tls13.matchAll(/^(client -> server|server -> client) {2}(\w+) \(/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    // The client's compatibility change_cipher_spec is queued as soon as it has the handshake
    // keys, right after the ServerHello (it leaves with the client's second flight).
    expect(order13.slice(0, 7)).toEqual([
      'client -> server client_hello',
      'server -> client server_hello',
      'client -> server change_cipher_spec',
      'server -> client encrypted_extensions',
      'server -> client certificate',
      'server -> client certificate_verify',
      'server -> client finished',
    ]);
    expect(tls13).toContain('server name (SNI): localhost');
    expect(tls13).toContain('leaf: CN=localhost');
    expect(tls13).toMatch(/\n {2}version: TLSv1\.3\n {2}cipher suite: TLS_AES_128_GCM_SHA256\n/);
    expect(tls13).toContain('  ALPN: http/1.1\n');
    expect(tls13).toContain('  peer chain: verified\n    leaf: CN=localhost\n');
    expect(tls13).toContain('HTTP/1.1 200 OK');
    // The server closes after its answer (Connection: close) with close_notify. (Our answering
    // close_notify is not checked: the server may have closed TCP before it could be sent.)
    expect(tls13).toContain('server -> client  alert: warning close_notify (0)');
    // The server's answer repeats what it negotiated, from its side.
    expect(tls13).toMatch(/over TLSv1\.3 with\n {2}TLS_AES_128_GCM_SHA256, key exchange/);
    // TLS 1.2: ServerKeyExchange and ClientKeyExchange instead of the encrypted flight.
    expect(tls12).toContain('server -> client  server_key_exchange');
    expect(tls12).toContain('client -> server  client_key_exchange');
    expect(tls12).toMatch(/\n {2}version: TLSv1\.2\n {2}cipher suite: TLS_ECDHE_ECDSA_WITH_/);
    expect(tls12).toContain('  peer chain: verified\n');
    expect(tls12).toMatch(/HTTP\/1\.1 200 OK[\s\S]*over TLSv1\.2 with/);
  });

  it.each(['node', 'webcrypto'])('runs with --provider %s', async (provider) => {
    const run = await runInProcess(['demo', '--provider', provider]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.match(/^ {2}peer chain: verified$/gm)).toHaveLength(2);
    expect(run.stdout.match(/^ {2}HTTP\/1\.1 200 OK$/gm)).toHaveLength(2);
  });
});
