/**
 * Entry point: `pnpm tlskit <command>` runs this file with the `tlskit-source` condition, so the
 * workspace packages are used from source without a build.
 */
import { readFile } from 'node:fs/promises';
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: async (path) => new Uint8Array(await readFile(path)),
});
