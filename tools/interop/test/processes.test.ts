import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  freePort,
  interopCerts,
  listeningAddresses,
  startNodeTlsServer,
  startOpensslServer,
  runInNetns,
  missingPeers,
  runPeer,
  shellQuote,
  spawnPeer,
  startSilentServer,
  stopAllPeers,
  waitForListener,
  waitForPort,
} from '../src/index.js';

describe('bounded processes and ports', () => {
  it('a wait for output that never comes fails at its deadline with the output so far', async () => {
    const peer = spawnPeer('sh', ['-c', 'echo started; sleep 30']);
    const started = Date.now();
    await expect(peer.waitForOutput('never printed', { timeoutMs: 300 })).rejects.toThrow(
      /timed out after 300 ms[\s\S]*started/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    await peer.stop();
  });

  it('stopAllPeers stops a shell and the children it started (the whole process group)', async () => {
    const peer = spawnPeer('sh', ['-c', 'sleep 30 & echo child $!; wait']);
    const match = await peer.waitForOutput(/child (\d+)/);
    const child = Number(match[1]);
    await stopAllPeers();
    expect(peer.exitStatus).toBeDefined();
    await new Promise((r) => setTimeout(r, 100));
    // Gone, or a zombie waiting for a reaper: either way no longer running.
    const state = (() => {
      try {
        return readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.[0];
      } catch {
        return 'gone';
      }
    })();
    expect(['gone', 'Z']).toContain(state);
  });

  it('runPeer kills a process that outlives its deadline', async () => {
    const result = await runPeer('sleep', ['30'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGTERM');
  });

  it('waitForPort and waitForListener see a listening port and time out on a closed one', async () => {
    const server = await startSilentServer();
    await waitForPort(server.port, { timeoutMs: 2000 });
    await waitForListener(server.port, { timeoutMs: 2000 });
    await server.stop();
    const closed = await freePort();
    await expect(waitForPort(closed, { timeoutMs: 300 })).rejects.toThrow(/within 300 ms/);
    await expect(waitForListener(closed, { timeoutMs: 300 })).rejects.toThrow(/within 300 ms/);
  });

  it('openssl s_server and node:tls servers listen on 127.0.0.1 only', async () => {
    const certs = interopCerts();
    for (const mode of ['echo', 'stdio'] as const) {
      const server = await startOpensslServer({ credential: certs.server.ecdsaP256, mode });
      expect(await listeningAddresses(server.port)).toEqual(['127.0.0.1']);
    }
    const node = await startNodeTlsServer({
      cert: certs.server.ecdsaP256.chain.pem,
      key: certs.server.ecdsaP256.key.pem,
    });
    expect(await listeningAddresses(node.port)).toEqual(['127.0.0.1']);
    await stopAllPeers();
  });

  it('shellQuote keeps arguments intact through sh', async () => {
    const word = `it's "quoted" $HOME; rm -rf /`;
    const result = await runPeer('sh', ['-c', `printf %s ${shellQuote(word)}`]);
    expect(result.stdout).toBe(word);
  });
});

const skipNetns = missingPeers('netns');
describe.skipIf(skipNetns)(
  `network namespaces${skipNetns ? ` (skipped: ${skipNetns})` : ''}`,
  () => {
    it('a server in the namespace is reachable inside it and not from the host', async () => {
      const port = 4433;
      const result = await runInNetns({
        background: [
          {
            argv: [
              'node',
              '-e',
              `require('net').createServer(s=>s.end('inside\\n')).listen(${port})`,
            ],
          },
        ],
        waitForPorts: [port],
        command: {
          argv: ['node', '-e', `require('net').connect(${port},'127.0.0.1').pipe(process.stdout)`],
        },
        timeoutMs: 10_000,
      });
      expect(result.command.code, result.command.stderr).toBe(0);
      expect(result.command.stdout).toBe('inside\n');
      await expect(waitForPort(port, { timeoutMs: 200 }).catch(() => 'unreachable')).resolves.toBe(
        'unreachable',
      );
    });
  },
);
