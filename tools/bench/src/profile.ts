/**
 * Where a handshake's time goes (issue 7: "the protocol's own work is under 10%"). `pnpm bench
 * profile` runs a loop of full TLS 1.3 handshakes (tlskit client and server, noble provider,
 * ECDSA P-256, x25519) in a child process under `node --cpu-prof`, then attributes the profile's
 * self time, sample by sample, to whoever owns the function's source file: each @noble/* package,
 * each @tlskit/* package, Node's own JavaScript (sockets, streams, timers), the garbage collector,
 * V8 builtins. Only samples taken while the loop ran count (module loading and the warm-up do
 * not): the child prints the loop's start and end on the profiler's clock (both are
 * CLOCK_MONOTONIC in microseconds).
 *
 * Also a script: `node --conditions=tlskit-source --import tsx tools/bench/src/profile.ts FILE`
 * prints the attribution of any .cpuprofile (all its samples).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handshakeLoop } from './handshake.js';
import { availableProviders, tlskit } from './peers.js';
import { markdownTable, sectionBody } from './report.js';
import { childExecArgv } from './runtime.js';

/** The parts of a V8 .cpuprofile this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
  }[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Microseconds on the profiler's clock, inclusive. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

export interface Attribution {
  /** Self microseconds per category, largest first. */
  readonly categories: readonly { readonly name: string; readonly micros: number }[];
  /** Self microseconds per function of the @tlskit/* packages, largest first. */
  readonly protocolFunctions: readonly { readonly name: string; readonly micros: number }[];
  /** Every non-idle sampled microsecond in the window. */
  readonly total: number;
}

/** Groups of categories, for the summary line. */
export const groups = {
  curve: ['@noble/curves'],
  symmetric: ['@noble/hashes', '@noble/ciphers', '@noble/post-quantum'],
} as const;

/** Who owns a function: a package, Node, V8, the GC. */
export function category(functionName: string, url: string): string {
  const noble = /\/node_modules\/(@noble\/[^/]+)\//.exec(url);
  if (noble) return noble[1]!;
  const ours = /\/packages\/([^/]+)\//.exec(url);
  if (ours) return `@tlskit/${ours[1]}`;
  if (/\/tools\//.test(url)) return 'benchmark harness';
  const dependency =
    /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return `dependency: ${dependency[1]}`;
  if (/^node:(internal\/)?crypto/.test(url)) return 'node:crypto (JS side)';
  if (url.startsWith('node:')) return 'Node.js internals (net, streams, timers)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8/native (program)';
  return 'V8 builtins and native code';
}

export const isProtocol = (name: string) => name.startsWith('@tlskit/');

/** Self time per category, over the samples inside `window` (all when none). */
export function attribute(profile: CpuProfile, window?: Window): Attribution {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const micros = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, delta: number) =>
    map.set(key, (map.get(key) ?? 0) + delta);
  let time = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (window && (time < window.start || time > window.end)) continue;
    const frame = frames.get(profile.samples[i]!);
    const name = frame ? category(frame.functionName, frame.url) : 'unknown';
    if (name === 'idle') continue;
    add(micros, name, delta);
    total += delta;
    if (frame && isProtocol(name)) {
      const file = `${name.slice('@tlskit/'.length)}/${frame.url.split('/').at(-1)}`;
      add(functions, `${frame.functionName || '(anonymous)'} (${file})`, delta);
    }
  }
  const sorted = (map: Map<string, number>) =>
    [...map].map(([key, m]) => ({ name: key, micros: m })).sort((a, b) => b.micros - a.micros);
  return { categories: sorted(micros), protocolFunctions: sorted(functions), total };
}

/** Share of `total` held by categories whose name passes `test`, in percent. */
export function share(attribution: Attribution, test: (name: string) => boolean): number {
  const sum = attribution.categories.filter((c) => test(c.name)).reduce((s, c) => s + c.micros, 0);
  return (sum / attribution.total) * 100;
}

const isCurve = (name: string) => (groups.curve as readonly string[]).includes(name);
const isSymmetric = (name: string) => (groups.symmetric as readonly string[]).includes(name);

/** Self time per category; per handshake when `handshakes` is given, else for the whole profile. */
export function profileTable(attribution: Attribution, handshakes?: number): string {
  const per = handshakes ?? 1;
  const rows = attribution.categories.map((c) => [
    c.name,
    (c.micros / 1000 / per).toFixed(2),
    `${((c.micros / attribution.total) * 100).toFixed(1)}%`,
  ]);
  rows.push(['**total**', (attribution.total / 1000 / per).toFixed(2), '100%']);
  const unit = handshakes === undefined ? 'ms' : 'ms per handshake';
  return markdownTable(['self time in', unit, 'share'], rows);
}

/** The `count` @tlskit/* functions with the most self time. */
export function protocolHotspots(attribution: Attribution, count = 12): string {
  return markdownTable(
    ['@tlskit/* function (package/file)', 'share of the total'],
    attribution.protocolFunctions
      .slice(0, count)
      .map((f) => [`\`${f.name}\``, `${((f.micros / attribution.total) * 100).toFixed(1)}%`]),
  );
}

/** The one-paragraph reading of an attribution. */
export function profileSummary(attribution: Attribution): string {
  const pct = (test: (name: string) => boolean) => `${share(attribution, test).toFixed(1)}%`;
  return `Curve and signature arithmetic (@noble/curves): **${pct(isCurve)}**. Hashing, HKDF and
record AEADs (@noble/hashes, @noble/ciphers): **${pct(isSymmetric)}**. The protocol's own code,
every @tlskit/* package together (wire codec, handshake engines, key schedule, record layer,
X.509 parsing and validation, facades, provider glue): **${pct(isProtocol)}**. The rest is Node's
socket and stream machinery, the garbage collector and V8 builtins.`;
}

export interface ProfileRun {
  readonly attribution: Attribution;
  readonly handshakes: number;
  readonly provider: string;
  /** Where the .cpuprofile was written (deleted unless `keep`). */
  readonly file: string;
}

/** Runs `handshakes` handshakes under `--cpu-prof` in a child and attributes the loop's samples. */
export async function runProfile(
  handshakes: number,
  provider = 'noble',
  keep = false,
): Promise<ProfileRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tlskit-profile-'));
  try {
    const output = await new Promise<string>((done, fail) => {
      const child = spawn(
        process.execPath,
        [
          ...['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200'],
          ...childExecArgv(),
          fileURLToPath(import.meta.url),
          '--profile-loop',
          String(handshakes),
          provider,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) done(text);
        else fail(new Error(`profiled handshake loop exited with ${code}`));
      });
    });
    const window = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Window;
    const name = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!name) throw new Error('node --cpu-prof wrote no profile');
    const file = join(dir, name);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    return { attribution: attribute(profile, window), handshakes, provider, file };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

export function profileSection(run: ProfileRun, command: string): string {
  return sectionBody({
    heading: "Where a handshake's time goes",
    command,
    method: `\`pnpm bench profile\` runs ${run.handshakes} full TLS 1.3 handshakes in a loop (tlskit
client and server in one process, \`${run.provider}\` provider, ECDSA P-256 certificate under an
ECDSA P-256 root, x25519, the client verifying chain and host name, a new TCP connection each, no
resumption) under \`node --cpu-prof\`, after untimed warm-up handshakes. tools/bench/src/profile.ts
then attributes each sample's self time to the package whose source file holds the function
(node_modules/@noble/* versus packages/*, Node's own \`node:\` modules, GC, V8 builtins), counting
only samples taken while the loop ran. Per-handshake figures cover both ends.`,
    table: `${profileTable(run.attribution, run.handshakes)}

The @tlskit/* functions with the most self time:

${protocolHotspots(run.attribution)}`,
    notes: `${profileSummary(run.attribution)}

The target of issue 7, "the protocol's own work is under 10% of a handshake's cost", reads off
the @tlskit/* share above. To attribute any other profile the same way:
\`node --conditions=tlskit-source --import tsx tools/bench/src/profile.ts FILE.cpuprofile\`.`,
  });
}

// ---- the profiled child, and the script mode ----

/** The loop run under the profiler; prints its window on the profiler's clock, last. */
async function profiledLoop(handshakes: number, providerName: string): Promise<void> {
  const [found] = await availableProviders([providerName]);
  if (!found) throw new Error(`no provider named ${providerName}`);
  const loop = await handshakeLoop(tlskit(found.name, found.provider), {
    version: 'TLSv1.3',
    cert: 'ECDSA P-256',
  });
  for (let n = 0; n < 10; n++) await loop.once();
  const now = () => Number(process.hrtime.bigint() / 1000n);
  const start = now();
  for (let n = 0; n < handshakes; n++) await loop.once();
  const end = now();
  await loop.server.close();
  console.log(JSON.stringify({ start, end } satisfies Window));
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const [first, second, third] = process.argv.slice(2);
  const main =
    first === '--profile-loop'
      ? profiledLoop(Number(second), third ?? 'noble')
      : Promise.resolve().then(() => {
          if (!first) throw new Error('usage: profile.ts FILE.cpuprofile');
          const attribution = attribute(JSON.parse(readFileSync(first, 'utf8')) as CpuProfile);
          console.log(profileTable(attribution));
          console.log(`\n${protocolHotspots(attribution)}`);
          console.log(`\n${profileSummary(attribution)}`);
        });
  main.then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
