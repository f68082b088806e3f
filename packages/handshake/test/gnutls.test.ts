/**
 * Engine-level interop with GnuTLS (a second independent implementation): our client engine over
 * a net.Socket against `gnutls-serv --echo`, in TLS 1.3 and TLS 1.2. gnutls-serv listens on every
 * address, so both run inside a private network namespace (@tlskit/interop's
 * runWithGnutlsServer); the client is test/peers/engine-client.ts in its own node process.
 */
import { fileURLToPath } from 'node:url';
import {
  type Credential,
  interopCerts,
  missingPeers,
  nodeScriptArgv,
  runWithGnutlsServer,
  stopAllPeers,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineClientReport } from './peers/engine-client.js';

const certs = interopCerts();
const engineClient = fileURLToPath(new URL('./peers/engine-client.ts', import.meta.url));
afterEach(stopAllPeers);

describe.skipIf(missingPeers('gnutls', 'netns'))('interop with gnutls-serv', () => {
  it.each([
    ['NORMAL:-VERS-ALL:+VERS-TLS1.3', 'TLSv1.3', 'ECDSA', certs.server.ecdsaP256],
    ['NORMAL:-VERS-ALL:+VERS-TLS1.3', 'TLSv1.3', 'RSA', certs.server.rsa2048],
    ['NORMAL:-VERS-ALL:+VERS-TLS1.2', 'TLSv1.2', 'ECDSA', certs.server.ecdsaP256],
    ['NORMAL:-VERS-ALL:+VERS-TLS1.2', 'TLSv1.2', 'RSA', certs.server.rsa2048],
  ] as const)(
    'our client completes %s (%s, %s certificate) and gets its data echoed',
    async (priority, version, _key, credential: Credential) => {
      const result = await runWithGnutlsServer({
        server: { credential, priority },
        client: {
          argv: nodeScriptArgv(engineClient),
          env: { TLSKIT_ENGINE_CA: certs.ca.cert.file },
        },
        timeoutMs: 30_000,
      });
      const report = JSON.parse(
        result.client.stdout.trim().split('\n').at(-1) ?? '{}',
      ) as EngineClientReport;
      expect(report, `${result.client.stderr}\n${result.server.stderr}`).toEqual({
        version,
        peerVerified: true,
        echoed: 'hello gnutls\n',
        exporterLength: 16,
      });
    },
  );
});
