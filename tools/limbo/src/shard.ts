import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from './harness.js';

/** A result with its wall time, as a shard reports it. */
export type TimedResult = Result & { readonly ms: number };

const mainScript = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * Runs the cases whose id contains `filter` in `shards` child processes (one per core by
 * default; signature checks are CPU-bound) and returns their results in bundle order.
 */
export async function runSharded(
  filter = '',
  shards = Math.min(2, availableParallelism()),
  provider: 'noble' | 'node' | undefined = undefined,
): Promise<TimedResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'limbo-'));
  try {
    const runs = Array.from({ length: shards }, (_, index) => {
      const out = join(dir, `shard-${index}.json`);
      const args = [
        '--conditions=tlskit-source',
        '--import',
        'tsx',
        mainScript,
        '--shard',
        `${index}/${shards}`,
        '--out',
        out,
      ];
      if (filter !== '') args.push(filter);
      return new Promise<TimedResult[]>((resolve, reject) => {
        const env =
          provider === undefined ? process.env : { ...process.env, LIMBO_PROVIDER: provider };
        const child = spawn(process.execPath, args, {
          stdio: ['ignore', 'ignore', 'inherit'],
          env,
        });
        child.on('error', reject);
        child.on('exit', (code) => {
          if (code !== 0) reject(new Error(`limbo shard ${index} exited with ${code}`));
          else resolve(JSON.parse(readFileSync(out, 'utf8')) as TimedResult[]);
        });
      });
    });
    const parts = await Promise.all(runs);
    // Shard k took cases k, k + n, k + 2n, ...: interleave back into bundle order.
    const merged: TimedResult[] = [];
    for (let i = 0; merged.length < parts.reduce((n, p) => n + p.length, 0); i++) {
      for (const part of parts) {
        const item = part[i];
        if (item !== undefined) merged.push(item);
      }
    }
    return merged;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
