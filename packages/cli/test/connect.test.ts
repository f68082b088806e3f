/**
 * `tlskit connect`, spawned as `pnpm tlskit` runs it, against peers that are not tlskit: a
 * node:tls server in this process and `openssl s_server`. Expected values come from the peer
 * (what node:tls reports, what OpenSSL was told to require), never from tlskit's own output.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  missingPeers,
  interopCerts,
  makeOcspResponse,
  type NodeTlsConnectionInfo,
  type NodeTlsServer,
  startNodeTlsServer,
  startOpensslServer,
  stopAllPeers,
  tempDir,
} from '@tlskit/interop';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from './helpers.js';

const certs = interopCerts();
const credential = certs.server.ecdsaP256;

interface ConnectJson {
  version: string;
  cipher: string;
  group: string | null;
  alpn: string | null;
  helloRetryRequest: boolean;
  resumed: boolean;
  verified: boolean;
  peerCertificates: string[];
  ocsp: string | null;
  response?: string;
}

function connectArgs(port: number, ...extra: string[]): string[] {
  return [
    'connect',
    '--ca',
    certs.ca.cert.file,
    '--servername',
    'localhost',
    ...extra,
    `127.0.0.1:${port}`,
  ];
}

async function connectJson(port: number, ...extra: string[]): Promise<ConnectJson> {
  const run = await runCliAsync(connectArgs(port, '--json', ...extra));
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as ConnectJson;
}

afterAll(() => stopAllPeers());

/** Waits (at most 5 s) until node:tls has reported the handshake on its side. */
async function firstConnection(server: NodeTlsServer): Promise<NodeTlsConnectionInfo> {
  for (let i = 0; i < 100 && server.connections.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seen = server.connections[0];
  if (seen === undefined) throw new Error('node:tls saw no connection');
  return seen;
}

describe('tlskit connect against node:tls', () => {
  let server: NodeTlsServer;

  it('reports in --json the version, cipher and group the node:tls server negotiated', async () => {
    // The server accepts only X25519, so that is the group whatever the client prefers.
    server = await startNodeTlsServer({
      cert: credential.chain.pem,
      key: credential.key.pem,
      ecdhCurve: 'X25519',
      ALPNProtocols: ['http/1.1'],
    });
    const json = await connectJson(server.port, '--alpn', 'h2,http/1.1');
    const seen = await firstConnection(server);
    expect(seen.protocol).toBe('TLSv1.3');
    expect(json.version).toBe(seen.protocol);
    expect(json.cipher).toBe(seen.cipher);
    expect(json.group).toBe('x25519');
    expect(json.alpn).toBe(seen.alpn);
    expect(json).toMatchObject({ helloRetryRequest: false, resumed: false, verified: true });
    // The subject as node:crypto reads it from the certificate the server sent.
    // (node:crypto puts one attribute per line; we join them with ", ").
    const subject = new X509Certificate(credential.cert.pem).subject.split('\n').join(', ');
    expect(json.peerCertificates).toEqual([subject]);
    await server.stop();
  });

  it('negotiates TLS 1.2 with a TLS 1.2-only node:tls server and says so', async () => {
    server = await startNodeTlsServer({
      cert: credential.chain.pem,
      key: credential.key.pem,
      maxVersion: 'TLSv1.2',
      ecdhCurve: 'P-256',
    });
    const json = await connectJson(server.port);
    const seen = await firstConnection(server);
    expect(seen.protocol).toBe('TLSv1.2');
    expect(json.version).toBe('TLSv1.2');
    expect(json.cipher).toBe(seen.cipher);
    expect(json.group).toBe('secp256r1');
    await server.stop();
  });

  it('writes an NSS key log whose secrets equal the ones node:tls logged', async () => {
    const dir = tempDir('tlskit-cli-keylog-');
    const serverLog = join(dir, 'server.keylog');
    const clientLog = join(dir, 'client.keylog');
    server = await startNodeTlsServer({
      cert: credential.chain.pem,
      key: credential.key.pem,
      keylogFile: serverLog,
      mode: 'http',
    });
    const run = await runCliAsync(
      connectArgs(server.port, '--trace', '--keylog', clientLog, '--http', '/'),
    );
    expect(run.status).toBe(0);
    const random = /client_hello \(\d+ bytes\)\n {4}random: ([0-9a-f]{64})\n/.exec(run.stdout)?.[1];
    expect(random).toBeDefined();
    const lines = readFileSync(clientLog, 'utf8').trim().split('\n');
    expect(new Set(lines.map((l) => l.split(' ')[0]))).toEqual(
      new Set([
        'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
        'SERVER_HANDSHAKE_TRAFFIC_SECRET',
        'CLIENT_TRAFFIC_SECRET_0',
        'SERVER_TRAFFIC_SECRET_0',
        'EXPORTER_SECRET',
      ]),
    );
    for (const line of lines) expect(line.split(' ')[1]).toBe(random);
    // node:tls (OpenSSL) derived the same secrets for the same client random.
    const nodeLines = readFileSync(serverLog, 'utf8').trim().split('\n');
    for (const label of ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']) {
      expect(lines.find((l) => l.startsWith(label))).toBe(
        nodeLines.find((l) => l.startsWith(label)),
      );
    }
    await server.stop();
  });

  it('pipes standard input to the server and the server to standard output', async () => {
    server = await startNodeTlsServer({ cert: credential.chain.pem, key: credential.key.pem });
    const run = await runCliAsync(connectArgs(server.port), { input: 'ping over tlskit\n' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ping over tlskit\n');
    expect(run.stderr).toContain('version: TLSv1.3');
    await server.stop();
  });

  it('refuses a server whose CA it does not trust: exit 1 and ERR_CERT_UNKNOWN_ISSUER', async () => {
    server = await startNodeTlsServer({ cert: credential.chain.pem, key: credential.key.pem });
    const untrusted = (...extra: string[]) =>
      runCliAsync([
        'connect',
        ...extra,
        '--ca',
        certs.otherCa.cert.file,
        '--servername',
        'localhost',
        `127.0.0.1:${server.port}`,
      ]);
    const run = await untrusted();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^tlskit connect: ERR_CERT_UNKNOWN_ISSUER: [^\n]*\n$/);
    expect(run.stdout).toBe('');
    // --insecure finishes the handshake and says why the chain did not verify.
    const insecure = await untrusted('--insecure', '--json');
    expect(insecure.status).toBe(0);
    const json = JSON.parse(insecure.stdout) as ConnectJson & { verifyError: string };
    expect(json.verified).toBe(false);
    expect(json.verifyError).toMatch(/^ERR_CERT_UNKNOWN_ISSUER: /);
    await server.stop();
  });

  it('uses the node provider with --provider node, and refuses an unknown provider', async () => {
    server = await startNodeTlsServer({ cert: credential.chain.pem, key: credential.key.pem });
    const json = await connectJson(server.port, '--provider', 'node');
    expect(json.version).toBe((await firstConnection(server)).protocol);
    const bad = await runCliAsync(connectArgs(server.port, '--provider', 'wasm'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--provider must be one of noble, node, webcrypto');
    await server.stop();
  });
});

describe.skipIf(missingPeers('openssl'))('tlskit connect against openssl s_server', () => {
  it('goes through a HelloRetryRequest when the server wants secp384r1', async () => {
    const server = await startOpensslServer({
      credential,
      groups: ['secp384r1'],
      mode: 'www',
    });
    try {
      const json = await connectJson(server.port, '--http', '/');
      expect(json).toMatchObject({
        version: 'TLSv1.3',
        group: 'secp384r1',
        helloRetryRequest: true,
      });
      expect(json.response).toMatch(/^HTTP\/1\.0 200 ok\r\n/);
      // s_server -www describes the session it negotiated: the same suite.
      expect(json.response).toContain(`Cipher    : ${json.cipher}`);
      // --trace shows the retry: the server names secp384r1, the second ClientHello carries it.
      const traced = await runCliAsync(connectArgs(server.port, '--trace', '--http', '/'));
      expect(traced.status).toBe(0);
      expect(traced.stdout).toMatch(
        /server -> client {2}server_hello \(\d+ bytes\)\n {4}HelloRetryRequest: [^\n]*\n(?: {4}[^\n]*\n)* {4}selected group: secp384r1\n/,
      );
      expect(traced.stdout).toMatch(
        /client -> server {2}client_hello[^\n]*\n(?: {4}[^\n]*\n)*? {4}key shares: secp384r1 \(97 bytes\)\n/,
      );
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(missingPeers('openssl'))('tlskit connect --ocsp against openssl s_server', () => {
  it('reports the staple s_server -status_file sends, in TLS 1.3 and 1.2, and refuses revoked', async () => {
    const good = makeOcspResponse({ cert: credential.cert, issuer: certs.ca, status: 'good' });
    const revoked = makeOcspResponse({
      cert: credential.cert,
      issuer: certs.ca,
      status: 'revoked',
    });
    for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
      const server = await startOpensslServer({
        credential,
        version,
        mode: 'www',
        extraArgs: ['-status_file', good.file],
      });
      try {
        const json = await connectJson(server.port, '--ocsp', '--http', '/');
        expect([json.version, json.ocsp]).toEqual([version, 'good']);
        expect((await connectJson(server.port, '--http', '/')).ocsp).toBeNull();
      } finally {
        await server.stop();
      }
    }
    const server = await startOpensslServer({
      credential,
      mode: 'www',
      extraArgs: ['-status_file', revoked.file],
    });
    try {
      const run = await runCliAsync(connectArgs(server.port, '--ocsp', '--json'));
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('ERR_CERT_REVOKED');
    } finally {
      await server.stop();
    }
  });
});
