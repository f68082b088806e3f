import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

// The README example must run as written and print what its comments say.

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const source = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const dir = mkdtempSync(join(tmpdir(), 'tlskit-wire-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the README ClientHello example runs and prints what it promises', async () => {
  const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const file = join(dir, 'example.ts');
  writeFileSync(file, source.replace("from '@tlskit/wire'", `from ${JSON.stringify(index)}`));
  const lines: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  expect(lines[0]?.[0]).toEqual([
    'TLS_AES_128_GCM_SHA256',
    'TLS_CHACHA20_POLY1305_SHA256',
    'TLS_AES_256_GCM_SHA384',
  ]);
  expect(((lines[1]?.[0] ?? []) as string[]).slice(0, 5)).toEqual([
    'server_name',
    'renegotiation_info',
    'supported_groups',
    'session_ticket',
    'key_share',
  ]);
  expect(lines[2]).toEqual(['server']);
  expect(lines[3]?.[0]).toBe('x25519');
  expect(lines.at(-1)).toEqual([true]);
});
