import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The main entry and the webcrypto provider run in browsers and workers: only node.ts may
// import a Node built-in (it is reachable only through the `./node` subpath export).
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

describe('entry points', () => {
  it('imports node: modules only from node.ts', () => {
    const offenders = readdirSync(SRC)
      .filter((f) => f.endsWith('.ts') && f !== 'node.ts')
      .filter((f) => /from 'node:|require\(/.test(readFileSync(`${SRC}${f}`, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('never imports node.ts from another module', () => {
    const importers = readdirSync(SRC)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from '\.\/node\.js'/.test(readFileSync(`${SRC}${f}`, 'utf8')));
    expect(importers).toEqual([]);
  });
});
