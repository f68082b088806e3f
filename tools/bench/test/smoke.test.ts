import { describe, expect, it } from 'vitest';
import { runBench } from '../src/cli.js';

describe('pnpm bench --smoke', () => {
  it('runs the record suite end to end and prints one row per AEAD and operation', async () => {
    const lines: string[] = [];
    const markdown = await runBench(['record', '--smoke'], {
      out: (line) => lines.push(line),
      // Never written in smoke mode; pointing elsewhere makes sure of it.
      root: new URL('file:///nonexistent/'),
    });
    const rows = markdown.split('\n').filter((line) => /^\| (AES|CHACHA)/.test(line));
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const numbers = row.split('|').slice(3, 6).map(Number);
      expect(numbers.every((n) => Number.isFinite(n) && n > 0)).toBe(true);
    }
    expect(lines.join('\n')).not.toContain('written to');
  });

  it('refuses an unknown suite or flag with a message that lists the valid ones', async () => {
    await expect(
      runBench(['nope'], { out: () => {}, root: new URL('file:///nonexistent/') }),
    ).rejects.toThrow(/suites: record/);
  });
});
