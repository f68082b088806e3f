import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('runs its example and prints what the comments say', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    // Inside the package, so that `@tlskit/record` resolves like it does for a user.
    const file = new URL('../.readme-example.ts', import.meta.url);
    writeFileSync(file, example ?? '');
    try {
      const output = execFileSync(
        process.execPath,
        ['--conditions=tlskit-source', '--import', 'tsx', file.pathname],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(output).toContain("type: 'handshake'");
      expect(output).toContain('hello');
      expect(output).toContain("type: 'alert', level: 1, description: 0");
      expect(output.trim().endsWith('undefined')).toBe(true);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
