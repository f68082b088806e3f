import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every Wycheproof file in vectors must be run by some test here, so a file added
// to the shared vectors cannot be silently skipped.
const here = fileURLToPath(new URL('./', import.meta.url));
const vectors = fileURLToPath(new URL('../../../vectors/wycheproof/', import.meta.url));

describe('Wycheproof coverage', () => {
  it('names every file of vectors/wycheproof in a test', () => {
    const sources = readdirSync(here)
      .filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts')
      .map((f) => readFileSync(`${here}${f}`, 'utf8'))
      .join('\n');
    const files = readdirSync(vectors).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(16);
    expect(files.filter((f) => !sources.includes(`'${f}'`))).toEqual([]);
  });
});
