/**
 * The `--html` report rendered by headless Chromium: the DOM it builds (findings, the sequence
 * diagram's arrows in handshake order) and a screenshot. Skipped, saying so, where Chromium is
 * not installed (CI installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interopCerts, startOpensslServer } from '@tlskit/interop';
import { createServer } from '@tlskit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers.js';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (chromium === undefined && process.env.CI) {
  // .ci/run installs Chromium: under CI this test must not pass by skipping.
  throw new Error('scan-html.test.ts: Chromium is missing under CI');
}
if (chromium === undefined) {
  console.warn('scan-html.test.ts: skipped, Chromium is not installed (apt-get install chromium)');
}

const dir = mkdtempSync(join(tmpdir(), 'tlskit-scan-html-'));

/** Runs headless Chromium on `file` with `args` (e.g. --dump-dom) and returns its stdout. */
function headless(file: string, args: readonly string[]): string {
  const run = spawnSync(
    chromium as string,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${join(dir, 'profile')}`,
      ...args,
      `file://${file}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.status !== 0) throw new Error(`chromium exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

const certs = interopCerts();

describe.skipIf(chromium === undefined)(
  'scan --html in headless Chromium',
  { timeout: 90_000 },
  () => {
    const server = createServer({
      cert: certs.server.ecdsaP256.chain.pem,
      key: certs.server.ecdsaP256.key.pem,
    });
    let port = 0;
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => {
      server.close();
    });

    it('draws the TLS 1.3 handshake as a sequence diagram with annotated messages', async () => {
      const file = join(dir, 'tlskit.html');
      const run = await runInProcess([
        'scan',
        `127.0.0.1:${port}`,
        '--servername',
        'tlskit.test',
        '--ca',
        certs.ca.cert.file,
        '--html',
        file,
      ]);
      expect(run.status).toBe(0);
      const dom = headless(file, ['--dump-dom']);
      const steps = [
        ...dom.matchAll(/<g class="step" data-message="([a-z_]+)" data-from="(\w+)"/g),
      ].map((m) => `${m[2]}:${m[1]}`);
      // The engine traces the server's flight in order; the client's Finished ends the handshake.
      expect(steps.slice(0, 2)).toEqual(['client:client_hello', 'server:server_hello']);
      for (const message of [
        'encrypted_extensions',
        'certificate',
        'certificate_verify',
        'finished',
      ]) {
        expect(steps).toContain(`server:${message}`);
      }
      expect(steps).toContain('client:finished');
      expect(dom).toContain('<svg id="sequence"');
      expect(dom).toMatch(/cipher suite: TLS_AES_128_GCM_SHA256/);
      expect(dom).toContain('No findings.');
      const screenshot = join(dir, 'tlskit.png');
      headless(file, ['--window-size=1200,1600', `--screenshot=${screenshot}`]);
      const png = readFileSync(screenshot);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    });

    it('shows each finding with its severity, why and fix, and nothing active', async () => {
      const server = await startOpensslServer({
        credential: certs.server.expired,
        mode: 'www',
        ciphers: ['ECDHE+AESGCM', 'ECDHE-ECDSA-AES128-SHA'],
      });
      const file = join(dir, 'openssl.html');
      try {
        await runInProcess([
          'scan',
          `127.0.0.1:${server.port}`,
          '--servername',
          'tlskit.test',
          '--ca',
          certs.ca.cert.file,
          '--html',
          file,
        ]);
      } finally {
        await server.stop();
      }
      const dom = headless(file, ['--dump-dom']);
      const findings = [...dom.matchAll(/data-id="([a-z0-9-]+)" data-severity="(\w+)"/g)].map(
        (m) => `${m[2]}:${m[1]}`,
      );
      expect(findings).toEqual([
        'critical:certificate-expired',
        'low:no-server-order',
        'low:suite-cbc',
      ]);
      expect(dom).toContain('Why it matters:');
      expect(dom).toContain('How to fix:');
      // The page runs no script and loads nothing.
      expect(dom).not.toMatch(/<script|<link|src=/);
      headless(file, ['--window-size=1200,1600', `--screenshot=${join(dir, 'openssl.png')}`]);
      expect(statSync(join(dir, 'openssl.png')).size).toBeGreaterThan(20_000);
    });
  },
);
