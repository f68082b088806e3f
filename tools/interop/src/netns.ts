/**
 * Private network namespaces (`unshare -n`) for peers that cannot be told to bind 127.0.0.1:
 * `gnutls-serv` listens on every address. Inside a fresh namespace the only interface is a
 * loopback that nothing else can reach, so such a server is safe, every port is free, and the
 * client (a CLI peer or a node script running our code) runs beside it in the same namespace.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type RunResult, runPeer } from './processes.js';

/** A command line with extra environment variables. */
export interface NetnsCommand {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Options of {@link runInNetns}. */
export interface NetnsRunOptions {
  /** Started first, in the background (servers); stopped after `command` has finished. */
  readonly background?: readonly NetnsCommand[];
  /** `command` starts only once something listens on each of these ports (at most 10 s). */
  readonly waitForPorts?: readonly number[];
  /** Runs in the foreground; its exit code is the result. */
  readonly command: NetnsCommand;
  /** Written to `command`'s stdin. */
  readonly input?: string;
  /** Whole run deadline; default 30 s. `command` alone gets this minus one second. */
  readonly timeoutMs?: number;
}

/** Output of one background command. */
export interface BackgroundOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** The outcome of {@link runInNetns}. */
export interface NetnsRunResult {
  /** The foreground command (exit code 97: the namespace could not be set up; 98: a port never listened). */
  readonly command: RunResult;
  readonly background: readonly BackgroundOutput[];
}

/** Quotes a word for sh. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function commandLine(c: NetnsCommand): string {
  const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const words = [...(env.length > 0 ? ['env', ...env] : []), ...c.argv.map(shellQuote)];
  return words.join(' ');
}

/**
 * Runs `command` (and `background` servers) inside a new network namespace with only `lo`, up.
 * Needs `unshare -n` to work (root, or user namespaces). Every process is stopped at the end:
 * the background ones by the script, everything by the deadline.
 */
export async function runInNetns(options: NetnsRunOptions): Promise<NetnsRunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'tlskit-netns-'));
  const background = options.background ?? [];
  const lines = [
    'pids=',
    'ip link set lo up || { echo "netns: ip link set lo up failed" >&2; exit 97; }',
  ];
  background.forEach((c, i) => {
    const out = shellQuote(join(dir, `bg${i}.out`));
    const err = shellQuote(join(dir, `bg${i}.err`));
    lines.push(`${commandLine(c)} </dev/null >${out} 2>${err} &`, 'pids="$pids $!"');
  });
  for (const port of options.waitForPorts ?? []) {
    // 200 x 50 ms: a bounded wait for the listening socket, as seen by `ss` in this namespace.
    lines.push(
      `i=0; until ss -Hltn 'sport = :${port}' | grep -q .; do i=$((i+1)); if [ $i -gt 200 ]; then echo "netns: nothing listened on ${port}" >&2; kill $pids 2>/dev/null; exit 98; fi; sleep 0.05; done`,
    );
  }
  const seconds = Math.max(1, Math.floor(timeoutMs / 1000) - 1);
  lines.push(`timeout -k 1 ${seconds} ${commandLine(options.command)}`, 'rc=$?');
  lines.push('[ -n "$pids" ] && kill $pids 2>/dev/null; wait', 'exit $rc');
  try {
    const command = await runPeer('unshare', ['-n', 'sh', '-c', lines.join('\n')], {
      name: `netns ${options.command.argv[0] ?? ''}`,
      timeoutMs,
      ...(options.input !== undefined ? { input: options.input } : {}),
    });
    const read = (file: string): string => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return '';
      }
    };
    return {
      command,
      background: background.map((_, i) => ({
        stdout: read(`bg${i}.out`),
        stderr: read(`bg${i}.err`),
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The command line that runs a TypeScript file of this repository with node the way the tests
 * do: workspace packages resolved to their sources (`tlskit-source`), TypeScript through tsx.
 * Use it as `command.argv` of {@link runInNetns} to run our own client beside a peer.
 */
export function nodeScriptArgv(script: string, args: readonly string[] = []): string[] {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [process.execPath, '--conditions=tlskit-source', '--import', tsx, script, ...args];
}
