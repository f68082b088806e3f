/**
 * The API reference (typedoc, `pnpm docs`): every export of every published entry point is in
 * it, and an export without a doc comment fails the build (validation.notDocumented, warnings
 * treated as errors).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
  entryPoints: string[];
  validation: { notDocumented: boolean };
  treatValidationWarningsAsErrors: boolean;
  packagesRequiringDocumentation: string[];
};

/** Every source entry point of every published package's exports map (browser branch included). */
function publishedEntryPoints(): { name: string; files: string[] }[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir).flatMap((folder) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, folder, 'package.json'), 'utf8'));
    if (manifest.private === true) return [];
    const files = Object.values<Record<string, unknown>>(manifest.exports ?? {})
      .map((entry) => entry?.['tlskit-source'])
      .flatMap((source) =>
        typeof source === 'string'
          ? [source]
          : source && typeof source === 'object'
            ? [(source as { default: string }).default]
            : [],
      )
      .map((file) => join('packages', folder, file.replace(/^\.\//, '')));
    return [{ name: manifest.name as string, files }];
  });
}

describe('API reference', () => {
  it('covers every published entry point, and requires documentation of each package', () => {
    const published = publishedEntryPoints();
    const withExports = published.filter((p) => p.files.length > 0);
    expect(config.entryPoints.toSorted()).toEqual(withExports.flatMap((p) => p.files).toSorted());
    expect(config.packagesRequiringDocumentation.toSorted()).toEqual(
      withExports.map((p) => p.name).toSorted(),
    );
    expect(config.validation.notDocumented).toBe(true);
    expect(config.treatValidationWarningsAsErrors).toBe(true);
  });

  it('builds with no undocumented export and no broken link', async () => {
    const typedoc = join(root, 'node_modules/typedoc/bin/typedoc');
    const run = await promisify(execFile)(process.execPath, [typedoc, '--emit', 'none'], {
      cwd: root,
      timeout: 170_000,
    }).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);
    expect(`${run.stdout ?? ''}${run.stderr ?? ''}`).not.toMatch(/warning|error/i);
    expect((run as { code?: number }).code ?? 0).toBe(0);
  }, 180_000);
});
