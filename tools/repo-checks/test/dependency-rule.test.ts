import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDependencyRule, importSpecifiers } from '../src/dependency-rule.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

function fakeRepo(packages: Record<string, { deps?: string[]; files: Record<string, string> }>) {
  const root = mkdtempSync(join(tmpdir(), 'tlskit-deps-'));
  for (const [name, { deps = [], files }] of Object.entries(packages)) {
    const dir = join(root, 'packages', name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const dependencies = Object.fromEntries(deps.map((d) => [`@tlskit/${d}`, 'workspace:^']));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: `@tlskit/${name}`, dependencies }),
    );
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'src', file), text);
  }
  return root;
}

describe('dependency rule', () => {
  it('holds for this repository', () => {
    expect(checkDependencyRule(repoRoot)).toEqual([]);
  });

  it('finds import, re-export and dynamic import specifiers', () => {
    const text = `import { a } from '@tlskit/wire';\nexport * from './x.js';\nimport type { B } from "@tlskit/crypto";\nconst m = await import('@tlskit/record');\nimport './side.js';`;
    expect(importSpecifiers(text)).toEqual([
      '@tlskit/wire',
      './x.js',
      '@tlskit/crypto',
      '@tlskit/record',
      './side.js',
    ]);
  });

  it('rejects an upward import', () => {
    const root = fakeRepo({
      wire: { deps: ['crypto'], files: { 'index.ts': `import { x } from '@tlskit/crypto';\n` } },
      crypto: { deps: [], files: { 'index.ts': 'export const x = 1;\n' } },
    });
    const rules = checkDependencyRule(root, { wire: [], crypto: ['wire'] }).map((v) => v.rule);
    expect(rules).toContain('upward-or-undeclared');
  });

  it('rejects an import that package.json does not declare', () => {
    const root = fakeRepo({
      wire: { files: { 'index.ts': 'export const x = 1;\n' } },
      crypto: { files: { 'index.ts': `export { x } from '@tlskit/wire';\n` } },
    });
    const violations = checkDependencyRule(root, { wire: [], crypto: ['wire'] });
    expect(violations.map((v) => v.detail)).toEqual([
      '@tlskit/wire is not declared in package.json',
    ]);
  });

  it('rejects a cycle', () => {
    const root = fakeRepo({
      a: { deps: ['b'], files: { 'index.ts': `import '@tlskit/b';\n` } },
      b: { deps: ['a'], files: { 'index.ts': `import '@tlskit/a';\n` } },
    });
    const cycles = checkDependencyRule(root, { a: ['b'], b: ['a'] }).filter(
      (v) => v.rule === 'cycle',
    );
    expect(cycles.length).toBeGreaterThan(0);
    expect(cycles[0]?.detail).toMatch(/a -> b -> a|b -> a -> b/);
  });

  it('allows the private test harness as a devDependency only', () => {
    const harness = 'export const sendRaw = 1;\n';
    const root = fakeRepo({
      wire: { files: { 'index.ts': 'export const x = 1;\n' } },
      crypto: { files: { 'index.ts': harness } },
    });
    // Tests of wire use @tlskit/interop: a devDependency, not checked.
    writeFileSync(
      join(root, 'packages', 'wire', 'package.json'),
      JSON.stringify({
        name: '@tlskit/wire',
        devDependencies: { '@tlskit/interop': 'workspace:*' },
      }),
    );
    expect(checkDependencyRule(root, { wire: [], crypto: [] })).toEqual([]);
    // The same package in dependencies, or imported by src, is a runtime dependency: refused.
    writeFileSync(
      join(root, 'packages', 'wire', 'package.json'),
      JSON.stringify({ name: '@tlskit/wire', dependencies: { '@tlskit/interop': 'workspace:*' } }),
    );
    writeFileSync(
      join(root, 'packages', 'wire', 'src', 'index.ts'),
      `import { sendRaw } from '@tlskit/interop';\n`,
    );
    const details = checkDependencyRule(root, { wire: [], crypto: [] }).map((v) => v.detail);
    expect(details).toEqual([
      'wire -> interop (package.json)',
      'wire -> interop (@tlskit/interop)',
    ]);
  });

  it("rejects an import into another package's src", () => {
    const root = fakeRepo({
      wire: { files: { 'index.ts': 'export const x = 1;\n' } },
      crypto: {
        deps: ['wire'],
        files: {
          'a.ts': `import { x } from '@tlskit/wire/src/index.ts';\n`,
          'b.ts': `import { x } from '../../wire/src/index.ts';\n`,
        },
      },
    });
    const rules = checkDependencyRule(root, { wire: [], crypto: ['wire'] })
      .map((v) => v.rule)
      .sort();
    expect(rules).toEqual(['escapes-package', 'into-src']);
  });
});

describe('third-party imports', () => {
  it('rejects a library the package does not declare', () => {
    const root = fakeRepo({
      wire: {
        files: {
          'index.ts': `import { sha256 } from '@noble/hashes/sha2.js';\nimport { x } from 'node:fs';\n`,
        },
      },
    });
    const violations = checkDependencyRule(root, { wire: [] });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.rule).toBe('undeclared-external');
  });
});
