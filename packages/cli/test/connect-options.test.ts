/** `tlskit connect` command-line and input errors: each is one line and an exit code, no stack. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fixturePath, runInProcess } from './helpers.js';

describe('tlskit connect option errors', () => {
  it.each([
    [['connect'], 'missing HOST:PORT'],
    [['connect', 'example.com'], 'expected HOST:PORT, not example.com'],
    [['connect', 'example.com:99999'], 'expected HOST:PORT'],
    [['connect', '--min-version', '1.1', 'h:1'], '--min-version must be 1.2 or 1.3, not 1.1'],
    [
      ['connect', '--groups', 'x25519,ffdhe9999', 'h:1'],
      '--groups: unknown named group "ffdhe9999"',
    ],
    [['connect', '--ciphers', 'RC4', 'h:1'], '--ciphers: unknown cipher suite "RC4"'],
    [['connect', '--cert', 'c.pem', 'h:1'], '--cert and --key go together'],
    [['connect', '--provider', 'wasm', 'h:1'], '--provider must be one of noble, node, webcrypto'],
    [['connect', '--timeout', '0', 'h:1'], '--timeout must be a positive number of seconds'],
  ])('%j is a usage error: exit 2, %s', async (argv, message) => {
    const run = await runInProcess(argv);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: tlskit connect');
  });

  it('refuses a --ca file without a certificate as ERR_INPUT before connecting', async () => {
    const run = await runInProcess(['connect', '--ca', fixturePath('README.md'), '127.0.0.1:1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^tlskit connect: ERR_INPUT: .*README\.md: no PEM CERTIFICATE block\n$/,
    );
  });

  it('reports a refused TCP connection by its system code', async () => {
    // A port that was free a moment ago: nobody listens there now.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const run = await runInProcess(['connect', `127.0.0.1:${port}`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`tlskit connect: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('closes the connection with an ERR_ code when the server hangs up mid-handshake', async () => {
    // A TCP server that reads the ClientHello and closes: not TLS at all.
    const server = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const run = await runInProcess(['connect', '--timeout', '10', `127.0.0.1:${port}`]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^tlskit connect: (ERR_[A-Z_]+|ECONNRESET)[^\n]*\n$/);
    } finally {
      server.close();
    }
  });
});
