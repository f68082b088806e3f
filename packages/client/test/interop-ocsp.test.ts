/**
 * OCSP stapling against OpenSSL: `openssl s_server -status_file` staples a response that
 * `openssl ocsp` made, in TLS 1.3 and TLS 1.2, and our connect({ requestOCSP }) judges it.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  interopCerts,
  makeOcspResponse,
  missingPeers,
  type OpensslServer,
  startOpensslServer,
  stopAllPeers,
  tempDir,
  type TlsVersionName,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectOptions, connect, type TLSSocket } from '../src/index.js';

const certs = interopCerts();
const sockets: TLSSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await stopAllPeers();
});

const leaf = certs.server.ecdsaP256;

function stapling(version: TlsVersionName, status: 'good' | 'revoked' | 'unknown') {
  const staple = makeOcspResponse({ cert: leaf.cert, issuer: certs.ca, status });
  return startOpensslServer({
    credential: leaf,
    version,
    mode: 'stdio',
    extraArgs: ['-status_file', staple.file],
  }).then((server) => ({ server, staple }));
}

/** Connects with requestOCSP; resolves with the socket and the staples it emitted, or the error. */
async function connectTo(server: OpensslServer, options: Partial<ConnectOptions> = {}) {
  const socket = connect({
    host: server.host,
    port: server.port,
    servername: 'tlskit.test',
    ca: leaf.ca.pem,
    requestOCSP: true,
    ...options,
  });
  sockets.push(socket);
  const staples: Buffer[] = [];
  let staplesAtSecureConnect = -1;
  socket.on('OCSPResponse', (response: Buffer) => staples.push(response));
  socket.once('secureConnect', () => {
    staplesAtSecureConnect = staples.length;
  });
  // events.once rejects with the 'error' event: that is the outcome of a refused handshake.
  const outcome = await once(socket, 'secureConnect').then(
    () => undefined,
    (error: Error & { code?: string; alert?: number }) => error,
  );
  return { socket, staples, staplesAtSecureConnect, error: outcome };
}

describe.skipIf(missingPeers('openssl'))('OCSP stapling from openssl s_server', () => {
  describe.each(['TLSv1.3', 'TLSv1.2'] as const)('%s', (version) => {
    it('reads a good staple and emits OCSPResponse before secureConnect', async () => {
      const { server, staple } = await stapling(version, 'good');
      const { socket, staples, staplesAtSecureConnect, error } = await connectTo(server);
      expect(error).toBeUndefined();
      expect(socket.getProtocol()).toBe(version);
      expect(staples.map((s) => new Uint8Array(s))).toEqual([staple.der]);
      expect(staplesAtSecureConnect).toBe(1);
      expect(socket.handshakeInfo?.ocsp?.status).toBe('good');
    });

    it('refuses a revoked certificate with certificate_revoked', async () => {
      const { server } = await stapling(version, 'revoked');
      const { error } = await connectTo(server);
      expect([error?.code, error?.alert]).toEqual(['ERR_CERT_REVOKED', 44]);
      await server.waitForOutput(/alert number 44|certificate revoked/i, {
        stream: 'stderr',
        timeoutMs: 5000,
      });
    });

    it('reports unknown as unknown, and refuses it when a staple is required', async () => {
      const { server } = await stapling(version, 'unknown');
      const first = await connectTo(server);
      expect(first.socket.handshakeInfo?.ocsp?.status).toBe('unknown');
      first.socket.destroy();
      const required = await connectTo(server, { requireOCSPStaple: true });
      expect([required.error?.code, required.error?.alert]).toEqual(['ERR_OCSP_MISSING', 113]);
    });

    it('accepts a staple signed by a delegated responder (id-kp-OCSPSigning)', async () => {
      const responder = delegatedResponder();
      const staple = makeOcspResponse({
        cert: leaf.cert,
        issuer: certs.ca,
        status: 'good',
        signer: responder,
      });
      const server = await startOpensslServer({
        credential: leaf,
        version,
        mode: 'stdio',
        extraArgs: ['-status_file', staple.file],
      });
      const { socket, error } = await connectTo(server);
      expect(error).toBeUndefined();
      expect(socket.handshakeInfo?.ocsp?.status).toBe('good');
    });

    it('reports no staple as none without requireOCSPStaple', async () => {
      const server = await startOpensslServer({ credential: leaf, version, mode: 'stdio' });
      const { socket, staples, error } = await connectTo(server);
      expect(error).toBeUndefined();
      expect(staples).toEqual([]);
      expect(socket.handshakeInfo?.ocsp).toEqual({ status: 'none', response: undefined });
    });
  });
});

/** A responder certificate the interop CA issued with extendedKeyUsage OCSPSigning. */
function delegatedResponder() {
  const dir = tempDir('tlskit-ocsp-responder-');
  const run = (args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
  };
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'r.key']);
  run([
    'req',
    '-new',
    '-key',
    'r.key',
    '-subj',
    '/CN=tlskit interop OCSP responder',
    '-out',
    'r.csr',
  ]);
  writeFileSync(
    join(dir, 'r.ext'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\n',
  );
  run([
    ...['x509', '-req', '-in', 'r.csr', '-CA', certs.ca.cert.file, '-CAkey', certs.ca.key.file],
    ...['-set_serial', '4242', '-days', '2', '-extfile', 'r.ext', '-out', 'r.pem'],
  ]);
  const file = (name: string) => ({
    pem: readFileSync(join(dir, name), 'utf8'),
    file: join(dir, name),
  });
  return { cert: file('r.pem'), key: file('r.key') };
}
