import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  folderRuleBreaches,
  importCycles,
  moduleGraph,
  sourceRoots,
} from '../src/module-cycles.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

/**
 * Knots this repository still has, by source folder, each waiting for a named piece of work.
 * The list may only shrink: a new cycle anywhere fails, and so does an entry that no longer
 * matches. It is empty since issue 16 untied the last knots of @tlskit/handshake (the
 * configuration types and the version dispatch moved to core/config.ts and the role hubs).
 */
const knownKnots: Readonly<Record<string, readonly (readonly string[])[]>> = {};

function fakeSrc(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tlskit-cycles-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('import cycles inside a package', () => {
  it('none in this repository beyond the known knots', () => {
    const found: Record<string, string[][]> = {};
    for (const src of sourceRoots(repoRoot)) {
      const knots = importCycles(moduleGraph(src));
      if (knots.length > 0) found[relative(repoRoot, src)] = knots;
    }
    expect(found).toEqual(knownKnots);
  });

  it('finds a cycle through a type-only import and a .js specifier', () => {
    const src = fakeSrc({
      'a.ts': `import type { B } from './b.js';\nexport type A = B;\n`,
      'b.ts': `import { c } from './c.js';\nexport type B = number;\n`,
      'c.ts': `import type { A } from './a.js';\nexport const c = 1;\n`,
      'd.ts': `import { c } from './c.js';\n`,
    });
    expect(importCycles(moduleGraph(src))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('finds no cycle in a tree', () => {
    const src = fakeSrc({
      'index.ts': `export * from './core/engine.js';\nexport * from './tls13/client.js';\n`,
      'core/engine.ts': 'export const e = 1;\n',
      'tls13/client.ts': `import { e } from '../core/engine.js';\n`,
    });
    expect(importCycles(moduleGraph(src))).toEqual([]);
  });

  it('reports a folder that imports one it must not', () => {
    const src = fakeSrc({
      'core/engine.ts': `import { x } from '../tls13/client.js';\n`,
      'tls13/client.ts': `import { y } from '../tls12/client.js';\nexport const x = 1;\n`,
      'tls12/client.ts': `import { e } from '../core/engine.js';\nexport const y = 1;\n`,
    });
    const rule = { core: ['tls12', 'tls13'], tls12: ['tls13'], tls13: ['tls12'] };
    expect(folderRuleBreaches(moduleGraph(src), rule)).toEqual([
      'core/engine.ts -> tls13/client.ts',
      'tls13/client.ts -> tls12/client.ts',
    ]);
  });

  it('reports a folder file that imports a top-level hub', () => {
    const src = fakeSrc({
      'client.ts': `import { x } from './tls13/client.js';\nexport const hub = 1;\n`,
      'tls13/client.ts': `import { hub } from '../client.js';\nexport const x = 1;\n`,
      'core/engine.ts': 'export const e = 1;\n',
    });
    expect(folderRuleBreaches(moduleGraph(src), handshakeFolderRule)).toEqual([
      'tls13/client.ts -> client.ts',
    ]);
  });
});

/**
 * The handshake package's layering (docs/architecture.md): the core imports no other folder,
 * certificate handling only the core, and a version folder the core and certs but never the
 * other version. The role hubs at the top (`client.ts`, `server.ts`, `index.ts`) may import
 * anything and nothing imports them back.
 */
const handshakeFolderRule: Readonly<Record<string, readonly string[]>> = {
  core: ['.', 'certs', 'tls12', 'tls13'],
  certs: ['.', 'tls12', 'tls13'],
  tls12: ['.', 'tls13'],
  tls13: ['.', 'tls12'],
};

/** Breaches still to remove; none since issue 16. The list may only shrink. */
const knownFolderBreaches: readonly string[] = [];

describe('folder rule of @tlskit/handshake', () => {
  it('version folders import the core and certs, never each other nor the hubs', () => {
    const graph = moduleGraph(join(repoRoot, 'packages/handshake/src'));
    expect(folderRuleBreaches(graph, handshakeFolderRule)).toEqual(knownFolderBreaches);
  });
});
