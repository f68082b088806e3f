/** Shared by the CLI tests: fixtures, and two ways to run the CLI (in-process, and spawned). */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type PeerProcess, runPeer, spawnPeer } from '@tlskit/interop';
import { runCli } from '../src/cli.js';

/** The repository root, where `pnpm tlskit` runs. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Captured records (see packages/wire/test/fixtures/README.md). */
export const fixturesDir = fileURLToPath(
  new URL('../../../packages/wire/test/fixtures/', import.meta.url),
);
/** The built bin, what `npx tlskit` and `pnpm tlskit` run (turbo builds it before `test`). */
const mainPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function builtMain(): string {
  if (!existsSync(mainPath)) {
    throw new Error(`${mainPath} is missing: run \`pnpm build\` (turbo does before \`test\`)`);
  }
  return mainPath;
}

/** The path of fixture `name` (e.g. `chromium.hex`). */
export function fixturePath(name: string): string {
  return `${fixturesDir}${name}`;
}

/** The bytes of fixture `name`, decoded from its hex text independently of the CLI. */
export function fixtureBytes(name: string): Buffer {
  return Buffer.from(readFileSync(fixturePath(name), 'utf8').replace(/\s+/g, ''), 'hex');
}

/** What a CLI run produced. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tlskit ...argv` in this process, capturing its output. */
export async function runInProcess(argv: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readFile: async (path) => new Uint8Array(await readFile(path)),
  });
  return { status, stdout, stderr };
}

/** Runs the real entry point the way `pnpm tlskit` does, as a child process. */
export function spawnCli(argv: readonly string[], input?: Uint8Array): CliRun {
  const result = spawnSync(process.execPath, [builtMain(), ...argv], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input ? { input } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `inspect --json` in-process on a file and returns the parsed JSON. */
export async function inspectJson(path: string, ...options: string[]): Promise<InspectJson> {
  const run = await runInProcess(['inspect', '--json', ...options, path]);
  if (run.status !== 0) throw new Error(`inspect failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as InspectJson;
}

/** A code point as `inspect --json` prints it. */
export interface JsonCode {
  readonly code: number;
  readonly name?: string;
}

/** The loosely typed shape of `inspect --json` output that the tests read. */
export interface InspectJson {
  readonly records: ReadonlyArray<{
    readonly type: JsonCode;
    readonly length: number;
    readonly messages?: ReadonlyArray<JsonMessage>;
    readonly [field: string]: unknown;
  }>;
}

/** A handshake message in `inspect --json` output. */
export interface JsonMessage {
  readonly msg_type: JsonCode;
  readonly extensions?: ReadonlyArray<JsonExtension>;
  readonly [field: string]: unknown;
}

/** An extension in `inspect --json` output. */
export interface JsonExtension {
  readonly extension_type: JsonCode;
  readonly [field: string]: unknown;
}

/** The extension of type `code` in `message`, or a test failure. */
export function extension(message: JsonMessage, code: number): JsonExtension {
  const found = message.extensions?.find((e) => e.extension_type.code === code);
  if (found === undefined) throw new Error(`no extension ${code}`);
  return found;
}

/** The first handshake message of the first record. */
export function firstMessage(json: InspectJson): JsonMessage {
  const message = json.records[0]?.messages?.[0];
  if (message === undefined) throw new Error('no handshake message');
  return message;
}

/**
 * Cipher suite code points from `openssl ciphers -V` output lines like
 * `0x13,0x02 - TLS_AES_256_GCM_SHA384 ...`.
 */
export function opensslCipherCodes(output: string): number[] {
  return [...output.matchAll(/0x([0-9A-F]{2}),0x([0-9A-F]{2})/gi)].map((m) =>
    Number.parseInt(`${m[1]}${m[2]}`, 16),
  );
}

/** The command that runs the CLI as the installed bin does: node on the built JavaScript. */
export const cliCommand = {
  command: process.execPath,
  get args(): readonly string[] {
    return [builtMain()];
  },
};

/**
 * Runs the CLI as a child process without blocking this one (so servers in the test process
 * keep answering), with a deadline; the process is killed if it is still running then.
 */
export async function runCliAsync(
  argv: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const run = await runPeer(cliCommand.command, [...cliCommand.args, ...argv], {
    name: `tlskit ${argv[0] ?? ''}`,
    cwd: repoRoot,
    timeoutMs: options.timeoutMs ?? 45_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  if (run.timedOut) throw new Error(`tlskit ${argv.join(' ')} timed out: ${run.stderr}`);
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

/** A running `tlskit serve` and the port it printed. */
export interface ServeProcess {
  readonly port: number;
  readonly process: PeerProcess;
}

/** Starts `tlskit serve ...argv --port 0` and waits (bounded) for its `listening on` line. */
export async function startServe(argv: readonly string[]): Promise<ServeProcess> {
  const peer = spawnPeer(
    cliCommand.command,
    [...cliCommand.args, 'serve', '--port', '0', ...argv],
    {
      name: 'tlskit serve',
      cwd: repoRoot,
    },
  );
  try {
    const match = await peer.waitForOutput(/^listening on 127\.0\.0\.1:(\d+)$/m, {
      timeoutMs: 30_000,
    });
    return { port: Number(match[1]), process: peer };
  } catch (error) {
    await peer.stop();
    throw error;
  }
}
