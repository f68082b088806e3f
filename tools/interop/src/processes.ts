/**
 * Spawned peers with bounded waits and guaranteed cleanup. Every process started here is tracked
 * until it exits; {@link stopAllPeers} (call it in `afterEach`) stops whatever is left, and a
 * process `exit` hook kills stragglers so no peer outlives the test run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** How a process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Something a test started that must be stopped at the end (a peer, a server, a capture). */
export interface Stoppable {
  stop(): Promise<unknown>;
}

const live = new Set<Stoppable>();
const liveGroups = new Set<number>();

/** Registers `resource` for {@link stopAllPeers}; returns a function that unregisters it. */
export function trackResource(resource: Stoppable): () => void {
  live.add(resource);
  return () => live.delete(resource);
}

/** Stops every tracked process and resource still running. Use as `afterEach(stopAllPeers)`. */
export async function stopAllPeers(): Promise<void> {
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map((r) => r.stop()));
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test forgot stopAllPeers or the worker is torn down: kill whole groups.
  process.once('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Options of {@link spawnPeer}. */
export interface SpawnPeerOptions {
  /** A name for messages; default the command. */
  readonly name?: string;
  readonly cwd?: string;
  /** Added to the current environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Output kept per stream; older output is dropped beyond it. Default 4 MiB. */
  readonly maxOutputChars?: number;
}

/** Options of waits: every wait has a deadline. */
export interface WaitOptions {
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Which output to search; default both. */
  readonly stream?: 'stdout' | 'stderr' | 'both';
}

/** Tail of a text for error messages. */
function tail(text: string, chars = 1500): string {
  return text.length > chars ? `...${text.slice(-chars)}` : text;
}

/**
 * A running peer process in its own process group (so a shell and everything it started are
 * stopped together), with its output collected as text.
 */
export class PeerProcess implements Stoppable {
  readonly name: string;
  readonly child: ChildProcess;
  /** Settles when the process has exited; never rejects. */
  readonly exited: Promise<ExitStatus>;
  private out = '';
  private err = '';
  private status: ExitStatus | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly untrack: () => void;

  constructor(command: string, args: readonly string[], options: SpawnPeerOptions = {}) {
    installExitHook();
    this.name = options.name ?? command;
    const max = options.maxOutputChars ?? 4 * 1024 * 1024;
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = this.child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    this.untrack = trackResource(this);
    const keep = (text: string): string => (text.length > max ? text.slice(-max) : text);
    // Streams stay binary (a listener on child.stdout gets the bytes, e.g. to echo them); the
    // text kept here is decoded without splitting multi-byte characters across chunks.
    const outText = new StringDecoder('utf8');
    const errText = new StringDecoder('utf8');
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.out = keep(this.out + outText.write(chunk));
      this.notify();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.err = keep(this.err + errText.write(chunk));
      this.notify();
    });
    // A peer that exits before reading its input must not crash the test with EPIPE.
    this.child.stdin?.on('error', () => {});
    this.exited = new Promise((resolve) => {
      const done = (status: ExitStatus): void => {
        if (this.status) return;
        this.status = status;
        if (pid !== undefined) liveGroups.delete(pid);
        this.untrack();
        this.notify();
        resolve(status);
      };
      this.child.on('error', (error) => {
        this.err += `\n[spawn ${command}: ${error.message}]`;
        done({ code: null, signal: null });
      });
      // 'close' (not 'exit') so that all output has been read.
      this.child.on('close', (code, signal) => done({ code, signal }));
    });
  }

  /** Everything written to stdout so far. */
  get stdout(): string {
    return this.out;
  }

  /** Everything written to stderr so far. */
  get stderr(): string {
    return this.err;
  }

  /** The exit status once the process has exited, else undefined. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Resolves with the first match of `pattern` in the output (searched from the start), or
   * rejects when the deadline passes or the process exits without it.
   */
  waitForOutput(pattern: string | RegExp, options: WaitOptions = {}): Promise<RegExpMatchArray> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const stream = options.stream ?? 'both';
    const regex = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    const text = (): string =>
      stream === 'stdout' ? this.out : stream === 'stderr' ? this.err : `${this.out}\n${this.err}`;
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, match?: RegExpMatchArray): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve(match as RegExpMatchArray);
      };
      const fail = (why: string): Error =>
        new Error(
          `${this.name}: ${why} waiting for ${regex}\n--- stdout ---\n${tail(this.out)}\n--- stderr ---\n${tail(this.err)}`,
        );
      const check = (): void => {
        const match = text().match(regex);
        if (match) finish(undefined, match);
        else if (this.status) finish(fail(`exited (${describeExit(this.status)})`));
      };
      const timer = setTimeout(() => finish(fail(`timed out after ${timeoutMs} ms`)), timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Writes to the process's stdin. */
  write(data: string | Uint8Array): void {
    this.child.stdin?.write(data);
  }

  /** Closes the process's stdin (EOF). */
  endInput(): void {
    this.child.stdin?.end();
  }

  /** Resolves with the exit status, or rejects when it has not exited within `timeoutMs`. */
  async waitForExit(timeoutMs = 10_000): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name}: did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops the process group: `signal` (default SIGTERM), then SIGKILL after `graceMs`. Resolves
   * once it has exited; safe to call more than once.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 2000): Promise<ExitStatus> {
    const pid = this.child.pid;
    if (this.status || pid === undefined) return this.exited;
    killGroup(pid, signal);
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Starts `command` as a tracked {@link PeerProcess}. */
export function spawnPeer(
  command: string,
  args: readonly string[],
  options: SpawnPeerOptions = {},
): PeerProcess {
  return new PeerProcess(command, args, options);
}

/** The result of a process run to completion by {@link runPeer}. */
export interface RunResult extends ExitStatus {
  readonly stdout: string;
  readonly stderr: string;
  /** True when the deadline passed and the process was killed. */
  readonly timedOut: boolean;
}

/** Options of {@link runPeer}. */
export interface RunPeerOptions extends SpawnPeerOptions {
  /** Written to stdin, which is then closed (unless `keepInputOpen`). */
  readonly input?: string | Uint8Array;
  /** Leave stdin open until the process exits (peers that quit on EOF). */
  readonly keepInputOpen?: boolean;
  /** Default 20 s; the process is killed after it. */
  readonly timeoutMs?: number;
}

/** Runs `command` to completion (or to its deadline) and returns its output. */
export async function runPeer(
  command: string,
  args: readonly string[],
  options: RunPeerOptions = {},
): Promise<RunResult> {
  const peer = spawnPeer(command, args, options);
  if (options.input !== undefined) peer.write(options.input);
  if (!options.keepInputOpen) peer.endInput();
  let timedOut = false;
  try {
    await peer.waitForExit(options.timeoutMs ?? 20_000);
  } catch {
    timedOut = true;
  }
  const status = await peer.stop();
  return { ...status, stdout: peer.stdout, stderr: peer.stderr, timedOut };
}

/**
 * A fresh directory under the system temp directory, removed by the next {@link stopAllPeers}
 * (so at the end of the test that made it, when used with `afterEach(stopAllPeers)`).
 */
export function tempDir(prefix = 'tlskit-interop-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  trackResource({
    stop: async () => rmSync(dir, { recursive: true, force: true }),
  });
  return dir;
}
