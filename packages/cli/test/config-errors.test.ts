/**
 * Issue 13: a bad certificate, key or CA file is the user's mistake. `tlskit connect` and
 * `tlskit serve` report it with its code before any connection is made or accepted, never as
 * "internal error (a tlskit bug)".
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interopCerts } from '@tlskit/interop';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers.js';

const certs = interopCerts();
const dir = mkdtempSync(join(tmpdir(), 'tlskit-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const truncatedCa = file('truncated.pem', certs.ca.cert.pem.slice(0, 300));

/** A TCP listener that counts connections: a check before I/O opens none. */
async function listener() {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => server.close(),
  };
}

describe('configuration errors are user errors', () => {
  it('connect --ca truncated.pem: ERR_CERT_MALFORMED, exit 1, no connection', async () => {
    const tcp = await listener();
    try {
      const run = await runInProcess(['connect', '--ca', truncatedCa, `127.0.0.1:${tcp.port}`]);
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.stderr).toBe(
        'tlskit connect: ERR_CERT_MALFORMED: ca: PEM: BEGIN CERTIFICATE has no matching END line (is the file truncated?)\n',
      );
      expect(run.status).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(tcp.connections()).toBe(0);
    } finally {
      tcp.close();
    }
  });

  it('connect --cert with the key of another certificate: ERR_OSSL_X509_KEY_VALUES_MISMATCH', async () => {
    const tcp = await listener();
    try {
      const run = await runInProcess([
        'connect',
        '--cert',
        certs.client.ecdsa.cert.file,
        '--key',
        certs.server.ecdsaP256.key.file,
        `127.0.0.1:${tcp.port}`,
      ]);
      expect(run.stderr).toMatch(/^tlskit connect: ERR_OSSL_X509_KEY_VALUES_MISMATCH: key: /);
      expect(run.status).toBe(1);
      expect(tcp.connections()).toBe(0);
    } finally {
      tcp.close();
    }
  });

  it('serve with a key that does not match its certificate exits 1 before listening', async () => {
    const run = await Promise.race([
      runInProcess([
        'serve',
        '--cert',
        certs.server.ecdsaP256.chain.file,
        '--key',
        certs.server.expired.key.file,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
      ]),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('serve started instead of refusing the key')), 5_000),
      ),
    ]);
    expect(run.stdout).not.toMatch(/listening/);
    expect(run.stderr).toMatch(/^tlskit serve: ERR_OSSL_X509_KEY_VALUES_MISMATCH: key: /);
    expect(run.status).toBe(1);
  });
});
