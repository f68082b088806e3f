import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The main entry and the webcrypto provider run in browsers and workers: only node.ts and its
// node-*.ts helpers may import a Node built-in (node.ts is reachable only through the `./node`
// subpath export, and through `./default` under the `node` export condition, which browser
// bundlers do not set).
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const NODE_ONLY = /^node(-[a-z-]+)?\.ts$/;

describe('entry points', () => {
  it('imports node: modules only from node.ts and its node-*.ts helpers', () => {
    const offenders = readdirSync(SRC)
      .filter((f) => f.endsWith('.ts') && !NODE_ONLY.test(f))
      .filter((f) => /from 'node:|require\(/.test(readFileSync(`${SRC}${f}`, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('imports the node-*.ts helpers only from node.ts', () => {
    const importers = readdirSync(SRC)
      .filter((f) => f.endsWith('.ts') && !NODE_ONLY.test(f))
      .filter((f) => /from '\.\/node-[a-z-]+\.js'/.test(readFileSync(`${SRC}${f}`, 'utf8')));
    expect(importers).toEqual([]);
  });

  it('imports node.ts only from default-node.ts (reached only under the node condition)', () => {
    const importers = readdirSync(SRC)
      .filter((f) => f.endsWith('.ts') && f !== 'default-node.ts')
      .filter((f) => /from '\.\/node\.js'/.test(readFileSync(`${SRC}${f}`, 'utf8')));
    expect(importers).toEqual([]);
  });
});

describe('./default export', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  it('points the node condition at default-node and every other runtime at default', () => {
    const entry = manifest.exports['./default'];
    expect(entry.node).toBe('./dist/default-node.js');
    expect(entry.default).toBe('./dist/default.js');
    expect(entry['tlskit-source']).toEqual({
      node: './src/default-node.ts',
      default: './src/default.ts',
    });
  });
});
