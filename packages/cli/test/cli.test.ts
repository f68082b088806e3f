/** The command line itself: help, usage errors, and the demo, run as `pnpm tlskit` runs them. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixtureBytes, fixturePath, runInProcess, spawnCli } from './helpers.js';

describe('tlskit command line', () => {
  it('lists the commands for `help` and exits 0', async () => {
    const run = await runInProcess(['help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: tlskit <command>/);
    expect(run.stdout).toMatch(/\n {2}inspect +decode TLS records/);
    expect(run.stdout).toMatch(/\n {2}demo +run a TLS 1.3 and a TLS 1.2 handshake/);
    expect(run.stdout).toMatch(/\n {2}connect +connect to a TLS server/);
    expect(run.stdout).toMatch(/\n {2}serve +run a TLS server/);
  });

  it('prints the usage to stderr and exits 2 without a command', async () => {
    const run = await runInProcess([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: tlskit <command>');
  });

  it('rejects an unknown command with exit code 2', async () => {
    const run = await runInProcess(['frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^tlskit: unknown command frobnicate\n/);
  });

  it('rejects an unknown option with the command usage and exit code 2', async () => {
    const run = await runInProcess(['inspect', '--colour', 'x.hex']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--colour'");
    expect(run.stderr).toContain('usage: tlskit inspect [--json]');
  });

  it('rejects inspect without a FILE and a bad --protocol', async () => {
    expect((await runInProcess(['inspect'])).stderr).toMatch(/^tlskit inspect: missing FILE\n/);
    const run = await runInProcess(['inspect', '--protocol', 'tls11', 'x.hex']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--protocol must be tls12 or tls13');
  });

  it('prints a command help for `inspect --help` and `help inspect`', async () => {
    const viaFlag = await runInProcess(['inspect', '--help']);
    const viaHelp = await runInProcess(['help', 'inspect']);
    expect(viaFlag.status).toBe(0);
    expect(viaFlag.stdout).toBe(viaHelp.stdout);
    expect(viaFlag.stdout).toContain('--json');
  });

  it('inspects records piped to standard input with FILE -', () => {
    const run = spawnCli(['inspect', '--json', '-'], readFileSync(fixturePath('node-tls.hex')));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).records[0].messages[0].msg_type.name).toBe('client_hello');
  });

  it('runs demo --clienthello: a Chromium ClientHello with its post-quantum key share', () => {
    const run = spawnCli(['demo', '--clienthello']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('A ClientHello sent by headless Chromium');
    expect(run.stdout).toContain('host_name: tlskit.test');
    expect(run.stdout).toMatch(/key shares: GREASE \(1 byte\), X25519MLKEM768 \(1216 bytes\)/);
    // The fixture is one record: 5-byte record header, then the whole handshake message.
    expect(run.stdout).toContain(
      `re-encoded by @tlskit/wire: identical to the captured bytes (${fixtureBytes('chromium.hex').length - 5} bytes)`,
    );
  });

  it('runs demo --clienthello on another client and as JSON', async () => {
    const run = await runInProcess(['demo', '--clienthello', '--client', 'openssl-s_client']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('versions: TLSv1_3, TLSv1_2, TLSv1_1, TLSv1_0');
    const json = await runInProcess(['demo', '--clienthello', '--client', 'node-tls', '--json']);
    expect(JSON.parse(json.stdout).records[0].messages[0].msg_type).toEqual({
      code: 1,
      name: 'client_hello',
    });
    expect((await runInProcess(['demo', '--clienthello', '--client', 'lynx'])).status).toBe(2);
    // --client without --clienthello is a usage error, not a silently ignored option.
    expect((await runInProcess(['demo', '--client', 'node-tls'])).status).toBe(2);
  });
});
