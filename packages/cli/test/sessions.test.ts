/**
 * Portable sessions on the command line: `tlskit connect --session-out FILE` saves the session a
 * server gives, `--session-in FILE` resumes it in a later process. The servers say whether they
 * resumed: `openssl s_server -www` prints "Reused" in its page, `tlskit serve` logs "resumed".
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  interopCerts,
  missingPeers,
  startOpensslServer,
  stopAllPeers,
  tempDir,
} from '@tlskit/interop';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync, startServe } from './helpers.js';

const certs = interopCerts();
const credential = certs.server.ecdsaP256;

afterAll(() => stopAllPeers());

interface ConnectJson {
  version: string;
  resumed: boolean;
  response?: string;
}

async function connectJson(port: number, ...extra: string[]): Promise<ConnectJson> {
  const run = await runCliAsync([
    'connect',
    '--ca',
    certs.ca.cert.file,
    '--servername',
    'localhost',
    '--json',
    ...extra,
    `127.0.0.1:${port}`,
  ]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as ConnectJson;
}

describe.skipIf(missingPeers('openssl'))(
  'connect --session-out / --session-in against openssl s_server',
  () => {
    for (const [label, version, noTicket] of [
      ['a TLS 1.3 ticket', 'TLSv1.3', false],
      ['a TLS 1.2 session ticket', 'TLSv1.2', false],
      ['a TLS 1.2 session ID (-no_ticket)', 'TLSv1.2', true],
    ] as const) {
      it(`saves ${label} to a file and resumes from it in a new process`, async () => {
        const server = await startOpensslServer({ credential, version, mode: 'www', noTicket });
        const file = join(tempDir(), `${version}-${noTicket}.session`);
        try {
          const first = await connectJson(server.port, '--http', '/', '--session-out', file);
          expect(first).toMatchObject({ version, resumed: false });
          expect(first.response).toMatch(/^New, /m);
          // Owner-only: the file holds the session secret.
          expect(statSync(file).mode & 0o077).toBe(0);
          const second = await connectJson(server.port, '--http', '/', '--session-in', file);
          expect(second).toMatchObject({ version, resumed: true });
          expect(second.response).toMatch(/^Reused, /m);
        } finally {
          await server.stop();
        }
      });
    }
  },
);

describe('connect --session-out / --session-in against tlskit serve', () => {
  it('resumes a session saved from tlskit serve, which logs the connection as resumed', async () => {
    const server = await startServe([
      '--cert',
      credential.chain.file,
      '--key',
      credential.key.file,
    ]);
    const file = join(tempDir(), 'tlskit-serve.session');
    try {
      expect(await connectJson(server.port, '--session-out', file)).toMatchObject({
        resumed: false,
      });
      expect(await connectJson(server.port, '--session-in', file)).toMatchObject({
        version: 'TLSv1.3',
        resumed: true,
      });
      await server.process.waitForOutput(/TLSv1\.3 .* resumed$/m, { stream: 'stderr' });
    } finally {
      await server.process.stop();
    }
  });

  it('refuses a file that is not a saved session before connecting: exit 1, ERR_INPUT', async () => {
    const file = join(tempDir(), 'not-a-session');
    writeFileSync(file, 'hello');
    const run = await runCliAsync(['connect', '--session-in', file, '127.0.0.1:1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ERR_INPUT');
    expect(run.stderr).toContain('not a saved session');
  });
});
