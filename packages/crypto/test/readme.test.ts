import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The README's example must run as printed: extract the first ts block and execute it.
const pkg = fileURLToPath(new URL('../', import.meta.url));
const tmp = `${pkg}.tmp/`;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README', () => {
  it('runs the example and prints what its comments say', () => {
    const readme = readFileSync(`${pkg}README.md`, 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    mkdirSync(tmp, { recursive: true });
    writeFileSync(`${tmp}example.ts`, code ?? '');
    const out = execFileSync(
      process.execPath,
      ['--conditions=tlskit-source', '--import', 'tsx', `${tmp}example.ts`],
      { cwd: pkg, encoding: 'utf8' },
    );
    expect(out).toContain('Uint8Array(5) [ 104, 101, 108, 108, 111 ]');
    expect(out).toContain('true');
    expect(out).toContain('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256');
  });
});
