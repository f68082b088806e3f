/**
 * `tlskit scan` against `gnutls-serv` with a legacy priority string: RC4 and 3DES, which Debian's
 * OpenSSL no longer carries at all. gnutls-serv listens on every address, so it runs in a private
 * network namespace, with the scan (a child process) beside it.
 */
import { fileURLToPath } from 'node:url';
import { interopCerts, missingPeers, nodeScriptArgv, runWithGnutlsServer } from '@tlskit/interop';
import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../src/scan/run.js';

const certs = interopCerts();
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const skip = missingPeers('gnutls', 'netns');

describe.skipIf(skip)(
  `tlskit scan against gnutls-serv${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    it('finds RC4, 3DES, TLS 1.0 and client order', async () => {
      const { client, server } = await runWithGnutlsServer({
        server: {
          credential: certs.server.rsa2048,
          priority:
            'NONE:+VERS-TLS1.2:+VERS-TLS1.0:+ECDHE-RSA:+ARCFOUR-128:+3DES-CBC:+AES-128-GCM:+SHA1:+AEAD:+COMP-NULL:+SIGN-ALL:+CURVE-ALL:+CTYPE-X509',
          mode: 'http',
        },
        client: {
          argv: nodeScriptArgv(main, [
            'scan',
            '127.0.0.1:4433',
            '--servername',
            'tlskit.test',
            '--ca',
            certs.ca.cert.file,
            '--json',
          ]),
        },
        timeoutMs: 80_000,
      });
      expect(client.stdout, `${client.stderr}\n${server.stderr}`).not.toBe('');
      const report = JSON.parse(client.stdout) as ScanReport;
      expect(report.findings.map((f) => f.id).sort()).toEqual(
        [
          'no-server-order',
          'protocol-no-tls13',
          'protocol-tls10',
          'suite-3des',
          'suite-rc4',
        ].sort(),
      );
      expect(report.cipherSuites.accepted.map((s) => s.name).sort()).toEqual(
        [
          'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
          'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
          'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
        ].sort(),
      );
    });
  },
);
