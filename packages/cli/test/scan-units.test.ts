/**
 * The parts of `tlskit scan` that need no server: what a suite name says, reading a DHE
 * ServerKeyExchange, the finding catalogue, and the reports' handling of hostile strings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { nobleProvider } from '@tlskit/crypto';
import { TrustStore } from '@tlskit/x509';
import { describe, expect, it } from 'vitest';
import { defenceFindings } from '../src/scan/assess.js';
import { checkCertificates } from '../src/scan/certificates.js';
import { findingCatalogue, severities } from '../src/scan/findings.js';
import type { Flight } from '../src/scan/flight.js';
import { clientHello } from '../src/scan/hello.js';
import { formatScanHtml } from '../src/scan/html.js';
import { type LegacyFeatures, serverKeyExchange } from '../src/scan/probes.js';
import { SCAN_SCHEMA, type ScanReport } from '../src/scan/run.js';
import { legacySuites, suiteInfo, tls13Suites } from '../src/scan/suites.js';
import { formatScanText } from '../src/scan/text.js';
import { runCli } from '../src/cli.js';
import { runInProcess } from './helpers.js';

/** A TCP server on 127.0.0.1 that accepts and answers nothing (every probe times out). */
async function withSilentServer(body: (port: number) => Promise<void>): Promise<void> {
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body((server.address() as AddressInfo).port);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
}

describe('suiteInfo', () => {
  it.each([
    [0x0000 + 0x0002, 'TLS_RSA_WITH_NULL_SHA', ['null', 'rsa-kx']],
    [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', ['export', 'rc4', 'rsa-kx']],
    [0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5', ['anonymous', 'rc4']],
    [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['3des', 'rsa-kx']],
    [0x0015, 'TLS_DHE_RSA_WITH_DES_CBC_SHA', ['des']],
    [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['cbc']],
    [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['rsa-kx']],
    [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', []],
    [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', []],
    [0x1301, 'TLS_AES_128_GCM_SHA256', []],
  ])('reads %s (%s) as %j', (value, name, weaknesses) => {
    const info = suiteInfo(value);
    expect(info.name).toBe(name);
    expect([...info.weaknesses].sort()).toEqual([...weaknesses].sort());
  });

  it('gives forward secrecy to (EC)DHE and TLS 1.3 only', () => {
    expect(suiteInfo(0xc02f).forwardSecret).toBe(true);
    expect(suiteInfo(0x009e).forwardSecret).toBe(true);
    expect(suiteInfo(0x1302).forwardSecret).toBe(true);
    expect(suiteInfo(0x002f).forwardSecret).toBe(false);
  });

  it('enumerates every IANA suite but the signalling values and TLS 1.3 ones', () => {
    expect(legacySuites).not.toContain(0x00ff);
    expect(legacySuites).not.toContain(0x5600);
    expect(legacySuites.some((s) => s >> 8 === 0x13)).toBe(false);
    expect(legacySuites.length).toBeGreaterThan(300);
    expect(tls13Suites).toContain(0x1301);
  });
});

describe('serverKeyExchange', () => {
  const flight = (suite: number, body: number[]): Flight =>
    ({
      serverHello: { cipherSuite: suite },
      messages: [{ type: 12, bytes: Uint8Array.from([12, 0, 0, body.length, ...body]) }],
    }) as unknown as Flight;

  it('measures the DHE prime without its leading zero bits', () => {
    // dh_p of 3 bytes 0x00 0x01 0xff: 9 significant bits.
    expect(serverKeyExchange(flight(0x009e, [0, 3, 0, 1, 0xff, 0, 1, 2]))).toEqual({
      primeBits: 9,
    });
  });

  it('reads the named curve of an ECDHE ServerKeyExchange', () => {
    expect(serverKeyExchange(flight(0xc02f, [3, 0, 0x1d, 32]))).toEqual({ curve: 0x1d });
  });

  it('ignores a ServerKeyExchange that is not named_curve', () => {
    expect(serverKeyExchange(flight(0xc02f, [1, 0, 0x1d]))).toBeUndefined();
  });
});

describe('clientHello', () => {
  it('offers TLS 1.3 with an empty key share, so the server must answer with a HelloRetryRequest', () => {
    const hello = clientHello({
      version: 0x0303,
      supportedVersions: [0x0304],
      cipherSuites: [0x1301],
    });
    const keyShare = hello.extensions.find((e) => e.type === 51);
    expect(keyShare).toEqual({ type: 51, clientShares: [] });
  });

  it('sends no extension at all for SSL 3.0', () => {
    expect(
      clientHello({ version: 0x0300, cipherSuites: [0x002f], noExtensions: true }).extensions,
    ).toEqual([]);
  });
});

describe('findings', () => {
  it('explain why and how to fix every finding', () => {
    for (const [id, f] of Object.entries(findingCatalogue)) {
      expect(severities, id).toContain(f.severity);
      expect(f.why.length, id).toBeGreaterThan(40);
      expect(f.fix.length, id).toBeGreaterThan(10);
    }
  });
});

const hostile = '<script>alert(1)</script>';
const report: ScanReport = {
  schema: SCAN_SCHEMA,
  target: { host: '127.0.0.1', port: 1, servername: hostile, trustAnchors: 'ca-file' },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
  probes: 1,
  protocols: [{ version: 'TLSv1.3', supported: true }],
  cipherSuites: { enumeratedAt: null, accepted: [], serverOrder: null, tls13: [] },
  keyExchange: { groups: [], probedWith: null, dhePrimeBits: null },
  downgrade: {
    fallbackScsv: 'not-applicable',
    downgradeSentinel: null,
    secureRenegotiation: null,
    extendedMasterSecret: null,
    compression: null,
  },
  certificate: null,
  sni: [{ servername: null, subject: hostile, sha256: null, matchesHost: false, alert: null }],
  handshake: {
    source: 'tlskit',
    completed: false,
    version: null,
    cipherSuite: null,
    group: null,
    error: hostile,
    steps: [
      {
        from: 'server',
        message: 'alert',
        length: 2,
        encrypted: false,
        notes: [['alert', hostile]],
      },
    ],
  },
  findings: [],
};

describe('reports', () => {
  it('escape every string the server controls in HTML', () => {
    const html = formatScanHtml(report);
    expect(html).not.toContain('<script');
    expect(html).toContain('&#60;script&#62;');
  });

  it('use colour only when asked (a terminal)', () => {
    expect(formatScanText(report, false)).not.toContain('\x1b[');
    expect(formatScanText(report, true)).toContain('\x1b[');
  });
});

describe('tlskit scan command line', () => {
  it('wants exactly one HOST:PORT', async () => {
    const run = await runInProcess(['scan']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^tlskit scan: expected exactly one HOST:PORT\nusage: tlskit scan /);
  });

  it('reports a server it cannot reach in one line, as the user’s problem', async () => {
    const run = await runInProcess(['scan', '127.0.0.1:1', '--timeout', '2']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^tlskit scan: cannot connect to 127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/,
    );
    expect(run.stdout).toBe('');
  });

  it('shows progress on a terminal only, and colour only when standard output is one', async () => {
    await withSilentServer(async (port) => {
      let stderr = '';
      let stdout = '';
      await runCli(['scan', `127.0.0.1:${port}`, '--timeout', '1'], {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        readFile: async () => new Uint8Array(),
        terminal: { stdout: false, stderr: true },
      });
      expect(stderr).toMatch(/^\rscanning 127\.0\.0\.1:\d+: 1 probes/);
      expect(stdout).not.toContain('\x1b[');
    });
  });

  it('is listed by help', async () => {
    const run = await runInProcess(['help']);
    expect(run.stdout).toMatch(/\n {2}scan +probe a TLS server/);
  });
});

describe('tlskit scan against hostile or silent peers', () => {
  /** A TCP server on 127.0.0.1 that treats each connection with `handle`. */
  async function withServer(
    handle: (socket: Socket) => void,
    body: (port: number) => Promise<void>,
  ) {
    const server = createNetServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await body((server.address() as AddressInfo).port);
    } finally {
      server.close();
    }
  }

  it('names a peer that does not speak TLS', async () => {
    await withServer(
      (socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'),
      async (port) => {
        const run = await runInProcess(['scan', `127.0.0.1:${port}`, '--timeout', '2']);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/cannot scan 127\.0\.0\.1:\d+: the server does not speak TLS/);
      },
    );
  });

  it('bounds a peer that never stops sending handshake records', async () => {
    const record = Buffer.concat([Buffer.from([22, 3, 3, 0x40, 0]), Buffer.alloc(0x4000, 0xab)]);
    await withServer(
      (socket) => {
        socket.on('error', () => {});
        const pump = (): void => {
          while (!socket.destroyed && socket.write(record)) {}
        };
        socket.on('drain', pump);
        pump();
      },
      async (port) => {
        const started = Date.now();
        const run = await runInProcess(['scan', `127.0.0.1:${port}`, '--timeout', '3']);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(
          /cannot scan .*: the server sent over 262144 bytes without ending its flight/,
        );
        expect(Date.now() - started).toBeLessThan(10_000);
      },
    );
  });

  it('reports a peer that accepts and says nothing as speaking no version, within the deadline', async () => {
    await withSilentServer(async (port) => {
      const started = Date.now();
      const run = await runInProcess(['scan', `127.0.0.1:${port}`, '--timeout', '1', '--json']);
      const report = JSON.parse(run.stdout) as ScanReport;
      expect(report.protocols.every((p) => !p.supported)).toBe(true);
      expect(report.certificate).toBeNull();
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
});

describe('certificate checks on hostile input', () => {
  it('report a certificate that does not parse as one invalid-certificate finding', async () => {
    const report = await checkCertificates([Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)], {
      host: 'tlskit.test',
      trustStore: new TrustStore(),
      publicTrust: false,
      provider: nobleProvider,
      now: new Date(),
      ocspStapled: null,
      extensionScts: null,
    });
    expect(report.findings.map((f) => f.id)).toEqual(['certificate-invalid']);
    expect(report.verifyError).toMatch(/^ERR_CERT_MALFORMED/);
  });

  it('refuse a --ca file that holds no usable certificate before connecting anywhere', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tlskit-scan-ca-')), 'bad.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n');
    const run = await runInProcess(['scan', '127.0.0.1:1', '--ca', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^tlskit scan: ERR_CERT_MALFORMED: /);
    expect(run.stderr).not.toMatch(/ECONNREFUSED/);
  });
});

describe('defenceFindings', () => {
  // No peer installed here lacks these defences (OpenSSL 3 always has them and is built without
  // zlib), so the mapping from answers to findings is checked on synthetic answers.
  const base = {
    version: 0x0303,
    suites: [0xc02f],
    serverOrder: true,
    dhePrimeBits: null,
    fallback: { version: 0x0302, honoured: true },
    sentinelMissing: [],
  };
  const features = (over: Partial<LegacyFeatures>): LegacyFeatures => ({
    secureRenegotiation: true,
    extendedMasterSecret: true,
    compression: false,
    flight: { compressionMethod: 1 } as Flight,
    ...over,
  });

  it('find nothing in a server with every defence', () => {
    expect(defenceFindings({ ...base, features: features({}) })).toEqual([]);
  });

  it('name each missing defence', () => {
    const ids = defenceFindings({
      ...base,
      fallback: { version: 0x0302, honoured: false },
      sentinelMissing: ['TLSv1.2'],
      features: features({
        secureRenegotiation: false,
        extendedMasterSecret: false,
        compression: true,
      }),
    }).map((f) => f.id);
    expect(ids).toEqual([
      'fallback-scsv-ignored',
      'downgrade-sentinel-missing',
      'insecure-renegotiation',
      'no-extended-master-secret',
      'compression',
    ]);
  });

  it('do not ask SSL 3.0 for extended master secret, which it cannot carry', () => {
    const ids = defenceFindings({
      ...base,
      version: 0x0300,
      features: features({ extendedMasterSecret: false }),
    }).map((f) => f.id);
    expect(ids).toEqual([]);
  });
});
