/**
 * A plain `git clone` must test with nothing beside it: no tracked file may read the folder
 * `../shared` that only the development machines have. The vectors live in `vectors/`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');

describe('the repository stands alone', () => {
  it('has no code, config or CI script that reads ../shared', () => {
    let hits = '';
    try {
      hits = execFileSync(
        'git',
        [
          'grep',
          '-nE',
          String.raw`(\.\./)+shared/|shared[/]vectors`,
          '--',
          '*.ts',
          '*.mjs',
          '*.js',
          '*.json',
          '.ci/*',
        ],
        { cwd: repoRoot, encoding: 'utf8' },
      );
    } catch (error) {
      // git grep exits 1 when nothing matches: that is the pass.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(
      hits.split('\n').filter((line) => line && !line.startsWith('tools/repo-checks/')),
    ).toEqual([]);
  });

  it('carries the vectors the tests read', () => {
    for (const file of [
      'vectors/README.md',
      'vectors/rfc8448/transcripts.vec',
      'vectors/x509-limbo/limbo.json.gz',
      'vectors/wycheproof/aes_gcm_test.json',
    ]) {
      expect(existsSync(resolve(repoRoot, file)), file).toBe(true);
    }
  });
});
