/**
 * The client in a real browser (issue 5): the streams entry point bundled for the browser, run in
 * headless Chromium, tunnelled over a WebSocket to a node:tls server. The node:tls side is the
 * independent truth for the negotiated parameters.
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as netConnect } from 'node:net';
import { resolve } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { interopCerts } from '@tlskit/interop';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { BrowserRunParams, BrowserRunResult } from './browser/entry.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// Locally a missing browser skips; under CI it must fail (.ci/run installs chromium).
const enabled = hasChromium || process.env.CI !== undefined;
const title = hasChromium
  ? 'the client in headless Chromium'
  : `the client in headless Chromium (skipped: ${CHROMIUM} not found and CI is unset)`;

const certs = interopCerts();
const TEXT = 'hello from the browser\n';
const WAIT_MS = 20_000;

/** What node:tls saw for the last secure connection on a server. */
interface ServerView {
  protocol: string | null;
  cipher: string | undefined;
}

async function listenTls(
  credential: { key: { pem: string }; cert: { pem: string } },
  view: ServerView,
): Promise<TlsServer> {
  // ecdhCurve pins the group, so the browser's report of it is checked against a known value.
  const server = createTlsServer(
    { key: credential.key.pem, cert: credential.cert.pem, ecdhCurve: 'X25519' },
    (socket) => {
      view.protocol = socket.getProtocol();
      view.cipher = socket.getCipher().standardName;
      socket.on('error', () => {});
      socket.pipe(socket);
    },
  );
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const portOf = (server: { address(): unknown }): number => (server.address() as AddressInfo).port;

/** Page + bundle over HTTP, and a WebSocket-to-TCP bridge at /bridge?port=N (allowed ports only). */
async function listenHttp(bundle: string, allowed: ReadonlySet<number>): Promise<HttpServer> {
  const http = createHttpServer((request, response) => {
    if (request.url === '/entry.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (request.url === '/') {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><meta charset="utf-8"><script type="module" src="/entry.js"></script>',
        );
    } else {
      response.writeHead(404).end();
    }
  });
  const bridge = new WebSocketServer({ server: http, path: '/bridge' });
  bridge.on('connection', (ws, request) => {
    const port = Number(new URL(request.url ?? '', 'http://127.0.0.1').searchParams.get('port'));
    if (!allowed.has(port)) {
      ws.close(1008, 'port not allowed');
      return;
    }
    const tcp = netConnect({ host: '127.0.0.1', port });
    // net.Socket buffers writes made before 'connect', so early frames need no queue here.
    ws.on('message', (data: Buffer) => tcp.write(data));
    ws.on('close', () => tcp.end());
    ws.on('error', () => tcp.destroy());
    tcp.on('data', (chunk) => ws.send(chunk));
    tcp.on('close', () => ws.close());
    tcp.on('error', () => ws.close());
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return http;
}

describe.skipIf(!enabled)(title, () => {
  const trustedView: ServerView = { protocol: null, cipher: undefined };
  const untrustedView: ServerView = { protocol: null, cipher: undefined };
  let trusted: TlsServer | undefined;
  let untrusted: TlsServer | undefined;
  let http: HttpServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI is set but ${CHROMIUM} is missing (.ci/run installs it)`);
    // platform 'browser' makes esbuild reject any node: import: that is the no-Node check.
    const bundled = await build({
      entryPoints: [resolve(import.meta.dirname, 'browser/entry.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['tlskit-source'],
      logLevel: 'silent',
    });
    const bundle = bundled.outputFiles[0]?.text ?? '';
    expect(bundle).not.toMatch(/from\s*["']node:/);

    trusted = await listenTls(certs.server.ecdsaP256, trustedView);
    untrusted = await listenTls(certs.server.untrusted, untrustedView);
    http = await listenHttp(bundle, new Set([portOf(trusted), portOf(untrusted)]));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: WAIT_MS,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`http://127.0.0.1:${portOf(http)}/`);
    await page.waitForFunction(() => typeof window.__tlskitRun === 'function');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    trusted?.close();
    untrusted?.close();
    http?.closeAllConnections();
    http?.close();
  });

  /** Runs the browser side against `server`, bounded by WAIT_MS. */
  const runInPage = async (
    server: TlsServer | undefined,
    ca: string,
  ): Promise<BrowserRunResult> => {
    if (page === undefined || http === undefined || server === undefined) {
      throw new Error('setup failed');
    }
    const params: BrowserRunParams = {
      url: `ws://127.0.0.1:${portOf(http)}/bridge?port=${portOf(server)}`,
      servername: 'tlskit.test',
      ca,
      text: TEXT,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result within ${WAIT_MS} ms`)), WAIT_MS);
    });
    try {
      return await Promise.race([page.evaluate((p) => window.__tlskitRun(p), params), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  it('completes a TLS 1.3 handshake over a WebSocket and reads the echo', async () => {
    const result = await runInPage(trusted, certs.server.ecdsaP256.ca.pem);
    expect(result).toMatchObject({ ok: true, echoed: TEXT });
    if (!result.ok) return;
    expect(trustedView.protocol).toBe('TLSv1.3');
    expect(result.version).toBe(trustedView.protocol);
    expect(result.cipherSuite).toBe(trustedView.cipher);
    expect(result.group).toBe('x25519');
    // The page keeps the last result too, for anyone debugging it by hand.
    expect(await page?.evaluate(() => window.__result)).toEqual(result);
  });

  it('rejects a server whose chain does not lead to the given CA', async () => {
    const result = await runInPage(untrusted, certs.ca.cert.pem);
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_UNKNOWN_ISSUER' });
    expect(untrustedView.protocol).toBeNull();
  });
});
