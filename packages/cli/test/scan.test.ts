/**
 * `tlskit scan` against deliberately misconfigured `openssl s_server` instances on 127.0.0.1 and
 * a well-configured tlskit server. Each case asserts the exact set of findings: a probe that
 * stops detecting something, or starts reporting what is not there, fails here.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Credential,
  interopCerts,
  type OpensslServerOptions,
  startOpensslServer,
} from '@tlskit/interop';
import { createServer } from '@tlskit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../src/scan/run.js';
import { runInProcess } from './helpers.js';

const certs = interopCerts();
const dir = mkdtempSync(join(tmpdir(), 'tlskit-scan-test-'));

/** Runs `tlskit scan --json` against 127.0.0.1:port and returns the report. */
async function scan(port: number, servername = 'tlskit.test', ca = certs.ca.cert.file) {
  const run = await runInProcess([
    'scan',
    `127.0.0.1:${port}`,
    '--servername',
    servername,
    '--ca',
    ca,
    '--json',
  ]);
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as ScanReport;
  return { report, status: run.status, ids: report.findings.map((f) => f.id).sort() };
}

/** Scans an `openssl s_server` started with `options`, then stops it. */
async function scanOpenssl(
  credential: Credential,
  options: Omit<OpensslServerOptions, 'credential'> = {},
  servername?: string,
) {
  const server = await startOpensslServer({ credential, mode: 'www', ...options });
  try {
    return await scan(server.port, servername);
  } finally {
    await server.stop();
  }
}

/**
 * RFC 2409 6.2, the 1024-bit MODP group (generator 2) as PKCS#3 DHParameter PEM: a published
 * weak prime, instead of generating one (which takes OpenSSL about 20 s).
 */
function oakleyGroup2Pem(): string {
  const p =
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879' +
    '8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B' +
    '0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF';
  // SEQUENCE { INTEGER p (with a 0 byte: its top bit is set), INTEGER 2 }
  const der = Buffer.concat([
    Buffer.from('30818702818100', 'hex'),
    Buffer.from(p, 'hex'),
    Buffer.from('020102', 'hex'),
  ]);
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN DH PARAMETERS-----\n${lines.join('\n')}\n-----END DH PARAMETERS-----\n`;
}

// Modern suites only, so that a certificate case reports the certificate and nothing else.
const aeadOnly: Omit<OpensslServerOptions, 'credential'> = {
  ciphers: ['ECDHE+AESGCM', 'ECDHE+CHACHA20'],
};
// Certificates OpenSSL itself refuses to load at its default security level.
const seclevel0: Omit<OpensslServerOptions, 'credential'> = {
  ciphers: ['ECDHE+AESGCM', '@SECLEVEL=0'],
};

describe('tlskit scan against openssl s_server', { timeout: 60_000 }, () => {
  it('finds TLS 1.0/1.1, weak suites, client order and a 1024-bit DHE prime, and no TLS 1.3', async () => {
    const dhparam = join(dir, 'dh1024.pem');
    writeFileSync(dhparam, oakleyGroup2Pem());
    const { report, ids, status } = await scanOpenssl(certs.server.rsa2048, {
      ciphers: [
        'NULL-SHA',
        'ADH-AES128-SHA',
        'AES128-SHA',
        'AES256-GCM-SHA384',
        'DHE-RSA-AES128-GCM-SHA256',
        'ECDHE-RSA-AES128-GCM-SHA256',
        '@SECLEVEL=0',
      ],
      extraArgs: ['-min_protocol', 'TLSv1', '-max_protocol', 'TLSv1.2', '-dhparam', dhparam],
    });
    expect(ids).toEqual(
      [
        'dhe-weak-prime',
        'no-server-order',
        'protocol-no-tls13',
        'protocol-tls10',
        'protocol-tls11',
        'suite-anonymous',
        'suite-cbc',
        'suite-null',
        'suite-rsa-kx',
      ].sort(),
    );
    expect(status).toBe(1);
    expect(report.protocols.filter((p) => p.supported).map((p) => p.version)).toEqual([
      'TLSv1.0',
      'TLSv1.1',
      'TLSv1.2',
    ]);
    expect(report.cipherSuites.accepted.map((s) => s.name).sort()).toEqual(
      [
        'TLS_RSA_WITH_NULL_SHA',
        'TLS_DH_anon_WITH_AES_128_CBC_SHA',
        'TLS_RSA_WITH_AES_128_CBC_SHA',
        'TLS_RSA_WITH_AES_256_GCM_SHA384',
        'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      ].sort(),
    );
    expect(report.keyExchange.dhePrimeBits).toBe(1024);
    expect(report.downgrade).toEqual({
      fallbackScsv: 'honoured',
      downgradeSentinel: null,
      secureRenegotiation: true,
      extendedMasterSecret: true,
      compression: false,
    });
    expect(report.certificate?.trusted).toBe(true);
  });

  it('draws the plaintext probe when tlskit cannot complete a handshake (TLS 1.0 only)', async () => {
    const { ids, report } = await scanOpenssl(certs.server.ecdsaP256, {
      ciphers: ['ECDHE-ECDSA-AES128-SHA', '@SECLEVEL=0'],
      extraArgs: ['-min_protocol', 'TLSv1', '-max_protocol', 'TLSv1'],
    });
    expect(ids).toEqual(['protocol-no-tls12-or-13', 'protocol-tls10', 'suite-cbc']);
    expect(report.handshake.source).toBe('probe');
    expect(report.handshake.error).toMatch(/protocol_version/);
    expect(report.handshake.steps.map((s) => `${s.from}:${s.message}`)).toEqual([
      'client:client_hello',
      'server:server_hello',
      'server:certificate',
      'server:server_key_exchange',
      'server:server_hello_done',
    ]);
    expect(report.certificate?.trusted).toBe(true);
  });

  it('finds an expired certificate', async () => {
    const { ids } = await scanOpenssl(certs.server.expired, aeadOnly);
    expect(ids).toEqual(['certificate-expired']);
  });

  it('finds a self-signed certificate', async () => {
    const { ids } = await scanOpenssl(certs.server.selfSigned, aeadOnly);
    expect(ids).toEqual(['certificate-self-signed']);
  });

  it('finds a certificate for another host', async () => {
    const { ids } = await scanOpenssl(certs.server.wrongHost, aeadOnly);
    expect(ids).toEqual(['certificate-wrong-host']);
  });

  it('finds a SHA-1-signed certificate', async () => {
    const { ids } = await scanOpenssl(certs.server.sha1, seclevel0);
    expect(ids).toEqual(['certificate-sha1']);
  });

  it('finds an RSA-1024 certificate', async () => {
    const { ids } = await scanOpenssl(certs.server.rsa1024, {
      ciphers: ['ECDHE-RSA-AES128-GCM-SHA256', '@SECLEVEL=0'],
    });
    expect(ids).toEqual(['certificate-weak-key']);
  });

  it('finds a certificate valid for more than 398 days', async () => {
    const { ids } = await scanOpenssl(certs.server.longValidity, aeadOnly);
    expect(ids).toEqual(['certificate-long-validity']);
  });

  it('finds a missing intermediate', async () => {
    const leafOnly: Credential = {
      ...certs.server.chained,
      intermediates: { pem: '', file: '' },
    };
    const { ids, report } = await scanOpenssl(leafOnly, aeadOnly);
    expect(ids).toEqual(['certificate-chain-incomplete']);
    expect(report.certificate?.chain).toHaveLength(1);
  });

  it('finds a chain that ends in a root nobody trusts', async () => {
    const withRoot: Credential = { ...certs.server.untrusted, intermediates: certs.otherCa.cert };
    const { ids, report } = await scanOpenssl(withRoot, aeadOnly);
    expect(ids).toEqual(['certificate-untrusted']);
    expect(report.certificate?.verifyError).toMatch(/^ERR_CERT_UNKNOWN_ISSUER/);
  });

  it('accepts the same chain with its intermediate', async () => {
    const { ids, report } = await scanOpenssl(certs.server.chained, aeadOnly);
    expect(ids).toEqual([]);
    expect(report.certificate?.chain).toHaveLength(2);
  });

  it('finds a server without TLS 1.3', async () => {
    const { ids, report } = await scanOpenssl(certs.server.ecdsaP256, {
      ...aeadOnly,
      version: 'TLSv1.2',
    });
    expect(ids).toEqual(['protocol-no-tls13']);
    // TLS 1.2: the certificate travels in clear; only what follows ChangeCipherSpec is encrypted.
    const steps = report.handshake.steps;
    expect(steps.find((s) => s.message === 'certificate')?.encrypted).toBe(false);
    expect(steps.filter((s) => s.message === 'finished').map((s) => s.encrypted)).toEqual([
      true,
      true,
    ]);
  });

  it('finds nothing wrong with a TLS 1.3-only server, and reads its certificate through tlskit', async () => {
    const { ids, report } = await scanOpenssl(certs.server.ecdsaP256, { version: 'TLSv1.3' });
    expect(ids).toEqual([]);
    expect(report.cipherSuites.enumeratedAt).toBeNull();
    expect(report.downgrade.fallbackScsv).toBe('not-applicable');
    expect(report.certificate?.trusted).toBe(true);
    expect(report.sni.every((s) => s.matchesHost)).toBe(true);
  });

  it('reports which certificate each SNI gets, and a default certificate for another name', async () => {
    const { ids, report } = await scanOpenssl(certs.server.wrongHost, {
      ...aeadOnly,
      sni: { servername: 'tlskit.test', credential: certs.server.ecdsaP256 },
    });
    expect(ids).toEqual(['sni-default-certificate-mismatch']);
    expect(report.sni.map((s) => [s.servername, s.matchesHost])).toEqual([
      ['tlskit.test', true],
      [null, false],
      ['unknown-name.tlskit-scan.invalid', false],
    ]);
    // s_server -servername answers another name with a warning, then its default certificate.
    expect(report.sni.map((s) => s.alert)).toEqual([null, null, 'warning unrecognized_name']);
    expect(new Set(report.sni.map((s) => s.sha256)).size).toBe(2);
  });
});

describe('tlskit scan against a well-configured tlskit server', { timeout: 60_000 }, () => {
  const server = createServer({
    cert: certs.server.chained.chain.pem,
    key: certs.server.chained.key.pem,
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  // Not awaited: probes that stop at the HelloRetryRequest leave server-side connections open
  // until the server's handshake timeout.
  afterAll(() => {
    server.close();
  });

  it('has no findings', async () => {
    const { ids, report, status } = await scan(port);
    expect(ids).toEqual([]);
    expect(status).toBe(0);
    expect(report.schema).toBe('tlskit-scan/1');
    expect(report.protocols.filter((p) => p.supported).map((p) => p.version)).toEqual([
      'TLSv1.2',
      'TLSv1.3',
    ]);
    expect(report.downgrade).toEqual({
      fallbackScsv: 'honoured',
      downgradeSentinel: true,
      secureRenegotiation: true,
      extendedMasterSecret: true,
      compression: false,
    });
    expect(report.keyExchange.groups).toContain('X25519MLKEM768');
    expect(report.handshake.completed).toBe(true);
    // TLS 1.3: everything after the ServerHello travels encrypted.
    expect(report.handshake.steps.map((s) => [s.from, s.message, s.encrypted])).toEqual([
      ['client', 'client_hello', false],
      ['server', 'server_hello', false],
      // RFC 8446 D.4 middlebox compatibility: a ChangeCipherSpec in clear, meaning nothing,
      // queued once the client has its handshake keys (it leaves with the client's Finished).
      ['client', 'change_cipher_spec', false],
      ['server', 'encrypted_extensions', true],
      ['server', 'certificate', true],
      ['server', 'certificate_verify', true],
      ['server', 'finished', true],
      ['client', 'finished', true],
    ]);
  });
});
