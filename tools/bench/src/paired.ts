/**
 * Server CPU per handshake of several servers, measured in many short interleaved rounds
 * (issue 14). This host's speed drifts by up to 2x within minutes, so two servers measured one
 * after the other can differ by more than any change being judged. Here every server is up at
 * once and each round runs `openssl s_time -new` for a few seconds against each in turn; a
 * drift then moves every server's figure of that round alike, and the per-round comparison
 * (how many rounds a server beat the first one, and by how much on average) is what to read.
 *
 * A server is `node` (node:tls), `tlskit` (this checkout), or `tlskit@DIR`: tlskit as built in
 * another checkout DIR (a `git worktree` of the commit to compare with, after `pnpm install`
 * and `pnpm turbo run build` there). Each runs as `perf-server.ts` from its own checkout.
 *
 * `node --import tsx tools/bench/src/paired.ts [--tls 1.2|1.3] [--rounds N] [--seconds S] SERVER...`
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchCredential, type TlsVersion } from './peers.js';
import { sTimeArgs } from './s-time.js';

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** The CPU per handshake that perf-server.ts prints on SIGUSR2. */
export function parseCpuLine(line: string): number | undefined {
  const m = /^handshakes (\d+) cpu_us_per_handshake (\d+)/.exec(line);
  return m !== null && Number(m[1]) > 0 ? Number(m[2]) : undefined;
}

/** One server's rounds against the first server's, round by round. */
export interface PairedSummary {
  readonly mean: number;
  /** Rounds in which this server cost less than the first one. */
  readonly wins: number;
  /** Mean of (this - first) / first over the rounds, e.g. -0.1 for 10% cheaper. */
  readonly meanChange: number;
}

export function summarise(rounds: readonly number[], first: readonly number[]): PairedSummary {
  const n = Math.min(rounds.length, first.length);
  if (n === 0) throw new Error('no rounds to summarise');
  let wins = 0;
  let change = 0;
  for (let i = 0; i < n; i++) {
    const [mine, theirs] = [rounds[i] as number, first[i] as number];
    if (mine < theirs) wins++;
    change += (mine - theirs) / theirs;
  }
  const mean = rounds.slice(0, n).reduce((a, b) => a + b, 0) / n;
  return { mean, wins, meanChange: change / n };
}

/** Mean over the rounds of reference / mine: above 1 when this server costs less. */
export function pairedRatio(reference: readonly number[], mine: readonly number[]): number {
  const n = Math.min(reference.length, mine.length);
  if (n === 0) throw new Error('no rounds to compare');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (reference[i] as number) / (mine[i] as number);
  return sum / n;
}

interface Server {
  readonly label: string;
  readonly child: ChildProcess;
  readonly port: number;
  readonly lines: string[];
}

/** Starts perf-server.ts from the checkout `spec` names; resolves once it listens. */
function start(spec: string, version: TlsVersion): Promise<Server> {
  const [name, dir] = spec.split('@') as [string, string | undefined];
  const script =
    dir === undefined
      ? resolve(HERE, 'perf-server.ts')
      : resolve(dir, 'tools/bench/src/perf-server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, name, version], {
    cwd: dir ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${spec} did not start in 30 s`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) {
        if (line === '') continue;
        lines.push(line);
        const m = /^listening (\d+)/.exec(line);
        if (m !== null) {
          clearTimeout(timer);
          resolvePort({ label: spec, child, port: Number(m[1]), lines });
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`${spec} exited with ${code}`)));
  });
}

/** `s_time -new` as `pnpm bench s_time` runs it, against perf-server.ts's profile. */
async function sTime(port: number, seconds: number, version: TlsVersion): Promise<void> {
  const profile = { version, cert: 'ECDSA P-256' } as const;
  const caFile = benchCredential(profile.cert).ca.file;
  await run('openssl', sTimeArgs(port, profile, 'new', seconds, caFile), {
    timeout: (seconds + 30) * 1000,
  });
}

/** The next CPU line a server prints after SIGUSR2, bounded in time. */
async function reading(server: Server): Promise<number | undefined> {
  const before = server.lines.length;
  server.child.kill('SIGUSR2');
  for (let waited = 0; waited < 5000; waited += 20) {
    for (const line of server.lines.slice(before)) {
      if (line.startsWith('handshakes ')) return parseCpuLine(line);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${server.label} printed no reading`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (flag: string, fallback: string) => {
    const i = args.indexOf(flag);
    return i < 0 ? fallback : (args.splice(i, 2)[1] ?? fallback);
  };
  const version: TlsVersion = option('--tls', '1.3') === '1.2' ? 'TLSv1.2' : 'TLSv1.3';
  const rounds = Number(option('--rounds', '16'));
  const seconds = Number(option('--seconds', '2'));
  if (args.length === 0 || !(rounds > 0) || !(seconds > 0)) {
    console.error(
      'usage: paired.ts [--tls 1.2|1.3] [--rounds N] [--seconds S] node|tlskit|tlskit@DIR ...',
    );
    process.exit(2);
  }
  const servers: Server[] = [];
  try {
    for (const spec of args) {
      const server = await start(spec, version);
      servers.push(server);
      await sTime(server.port, 4, version); // warm-up: V8 compiles once per process
    }
    const results = new Map<string, number[]>(servers.map((s) => [s.label, []]));
    for (let round = 0; round < rounds; round++) {
      for (const server of servers) {
        await reading(server);
        await sTime(server.port, seconds, version);
        const us = await reading(server);
        if (us !== undefined) results.get(server.label)!.push(us);
      }
    }
    const first = results.get(servers[0]!.label)!;
    console.log(
      `${version}, ${rounds} rounds of s_time -new -time ${seconds}, server CPU us per handshake`,
    );
    for (const server of servers) {
      const mine = results.get(server.label)!;
      const s = summarise(mine, first);
      const against =
        server === servers[0]
          ? ''
          : `; vs ${servers[0]!.label}: ${(s.meanChange * 100).toFixed(1)}%, cheaper in ${s.wins} of ${mine.length} rounds`;
      console.log(`${server.label}: mean ${s.mean.toFixed(0)}${against} (${mine.join(' ')})`);
    }
    // As `pnpm bench s_time` reports it: node:tls's cost over this server's, round by round.
    const nodeRounds = results.get('node');
    if (nodeRounds !== undefined) {
      for (const server of servers.filter((x) => x.label !== 'node')) {
        const mine = results.get(server.label)!;
        console.log(
          `${server.label}: ${pairedRatio(nodeRounds, mine).toFixed(2)}x node:tls, paired`,
        );
      }
    }
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
  }
}
