/**
 * Malformed input: `tlskit inspect` exits non-zero with exactly one line that names the error
 * code, never a stack trace. Run as a child process, the way a user runs it.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun, fixtureBytes, fixturesDir, runInProcess, spawnCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tlskit-cli-malformed-'));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function expectOneLineError(run: CliRun, code: string): void {
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^tlskit inspect: ${code}: `));
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

const hello = fixtureBytes('openssl-s_client.hex');

describe('inspect on malformed input', () => {
  it('rejects a record cut short with ERR_DECODE and where it stopped', () => {
    const run = spawnCli(['inspect', file('cut.bin', hello.subarray(0, hello.length - 1))]);
    expectOneLineError(run, 'ERR_DECODE');
    expect(run.stderr).toContain('record 1 at byte 0');
  });

  it('rejects an incomplete record header after a good record', () => {
    const run = spawnCli([
      'inspect',
      file('tail.bin', Buffer.concat([hello, hello.subarray(0, 3)])),
    ]);
    expectOneLineError(run, 'ERR_DECODE');
    expect(run.stderr).toContain(`record 2 at byte ${hello.length}`);
  });

  it('rejects a ClientHello whose record ends inside the handshake message', () => {
    // Shrink the record length by 10 and drop those bytes: the record is whole, the message not.
    const short = Buffer.from(hello.subarray(0, hello.length - 10));
    short.writeUInt16BE(hello.readUInt16BE(3) - 10, 3);
    const run = spawnCli(['inspect', file('short.bin', short)]);
    expectOneLineError(run, 'ERR_DECODE');
    expect(run.stderr).toContain('end of input');
  });

  it('rejects a record longer than 2^14 + 2048 with ERR_RECORD_OVERFLOW', () => {
    const run = spawnCli(['inspect', file('overflow.hex', '16 0303 4801 00')]);
    expectOneLineError(run, 'ERR_RECORD_OVERFLOW');
  });

  it('rejects hex text with an odd number of digits with ERR_INPUT', () => {
    const run = spawnCli(['inspect', file('odd.hex', '16 03 01 0')]);
    expectOneLineError(run, 'ERR_INPUT');
  });

  it('rejects text that is not hex with ERR_INPUT naming the character', () => {
    const run = spawnCli(['inspect', file('colons.txt', '16:03:01:00:05\n')]);
    expectOneLineError(run, 'ERR_INPUT');
    expect(run.stderr).toContain('":" at byte 2');
  });

  it('rejects an empty file and a file of only whitespace', async () => {
    expectOneLineError(spawnCli(['inspect', file('empty.bin', '')]), 'ERR_DECODE');
    const blank = await runInProcess(['inspect', file('blank.hex', ' \n\t\n')]);
    expect(blank.status).toBe(1);
    expect(blank.stderr).toBe('tlskit inspect: ERR_INPUT: input holds only whitespace\n');
  });

  it('rejects a handshake message type the codec does not know', () => {
    const run = spawnCli(['inspect', file('type.hex', '16 0303 0004 63 000000')]);
    expectOneLineError(run, 'ERR_UNEXPECTED_MESSAGE');
  });

  it('rejects a ClientHello with a duplicated extension with ERR_ILLEGAL_PARAMETER', () => {
    // RFC 8446 section 4.2: two extended_master_secret (0x0017) extensions.
    const body = Buffer.concat([
      Buffer.from('0303', 'hex'),
      Buffer.alloc(32),
      Buffer.from('00 0002 1301 01 00 0008 0017 0000 0017 0000'.replace(/ /g, ''), 'hex'),
    ]);
    const message = Buffer.concat([
      Buffer.from([1, 0, body.length >> 8, body.length & 0xff]),
      body,
    ]);
    const record = Buffer.concat([Buffer.from([22, 3, 1, 0, message.length]), message]);
    expectOneLineError(spawnCli(['inspect', file('dup.bin', record)]), 'ERR_ILLEGAL_PARAMETER');
  });

  it('reports a missing file in one line', () => {
    const run = spawnCli(['inspect', join(dir, 'does-not-exist')]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('ENOENT');
  });
});

describe('inspect on damaged copies of every fixture', () => {
  // Truncations, extensions and bit flips at a spread of positions: each run must either
  // decode or fail with a TlsError code, never an internal error. Bounded: 3 kinds x <= 40
  // positions x 7 fixtures.
  const fixtures = readdirSync(fixturesDir).filter((name) => name.endsWith('.hex'));
  for (const name of fixtures) {
    it(`never fails with an internal error on damaged ${name}`, async () => {
      const original = fixtureBytes(name);
      const step = Math.max(1, Math.floor(original.length / 40));
      const path = join(dir, `damaged-${name}.bin`);
      let failures = 0;
      for (let at = 0; at < original.length; at += step) {
        const flipped = Buffer.from(original);
        flipped[at] = flipped[at]! ^ (1 << (at % 8));
        for (const damaged of [
          original.subarray(0, at),
          Buffer.concat([original, original.subarray(0, at)]),
          flipped,
        ]) {
          writeFileSync(path, damaged);
          const run = await runInProcess(['inspect', path]);
          if (run.status !== 0) {
            failures++;
            expect(run.stderr, `${name} damaged at ${at}`).toMatch(
              /^tlskit inspect: (ERR_[A-Z_]+): [^\n]*\n$/,
            );
          }
        }
      }
      expect(failures).toBeGreaterThan(0);
    });
  }
});
