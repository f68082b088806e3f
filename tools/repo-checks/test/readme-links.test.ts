/**
 * Package READMEs are shown on npm, where a relative link (`../handshake`) leads nowhere: every
 * link is absolute, and every link into this repository points at a file that exists, under the
 * `repository` URL of the package's package.json.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const packagesDir = join(root, 'packages');
const linkPattern = /\]\(([^)\s]+)\)/g;

function links(text: string): string[] {
  return [...text.matchAll(linkPattern)].map((match) => match[1]!);
}

describe('package READMEs', () => {
  for (const folder of readdirSync(packagesDir)) {
    const readme = join(packagesDir, folder, 'README.md');
    if (!existsSync(readme)) continue;
    it(`${folder}: links work on npm (absolute, into files of the repository that exist)`, () => {
      const manifest = JSON.parse(readFileSync(join(packagesDir, folder, 'package.json'), 'utf8'));
      const repository = String(manifest.repository?.url ?? '')
        .replace(/^git\+/, '')
        .replace(/\.git$/, '');
      expect(repository).toMatch(/^https:\/\/github\.com\//);
      const found = links(readFileSync(readme, 'utf8'));
      expect(found.filter((link) => !/^(https?:|mailto:|#)/.test(link))).toEqual([]);
      const inRepo = found
        .filter((link) => link.startsWith(`${repository}/`))
        .map((link) => link.slice(repository.length + 1).replace(/^(tree|blob)\/main\//, ''))
        .map((path) => path.split('#')[0]!);
      expect(inRepo.filter((path) => !existsSync(join(root, path)))).toEqual([]);
    });
  }
});
