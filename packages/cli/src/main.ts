#!/usr/bin/env node
/**
 * Entry point, the `tlskit` bin: runs built JavaScript (dist/main.js), the same code a user
 * installs and the benchmarks measure. `pnpm tlskit` in the repository builds first.
 */
import { readFile } from 'node:fs/promises';
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  // A getter: touching process.stdin opens it, which only `connect` needs.
  get stdin() {
    return process.stdin;
  },
  stdoutBytes: (bytes) => process.stdout.write(bytes),
  terminal: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
  // `-` is standard input, so records can be piped in (`xxd -p capture.bin | tlskit inspect -`).
  readFile: async (path) => new Uint8Array(path === '-' ? await readStdin() : await readFile(path)),
});

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
