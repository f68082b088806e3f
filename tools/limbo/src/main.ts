import { writeFileSync } from 'node:fs';
import { loadTestcases, runTestcase, tally } from './harness.js';
import { runSharded, type TimedResult } from './shard.js';

/**
 * `pnpm limbo [filter]`: runs every x509-limbo case (or those whose id contains `filter`) in
 * one process per core, writes tools/limbo/results.json in limbo's results format and prints
 * agreement per family. `--shard k/n --out file` is the child mode: every n-th case from k,
 * timed results as JSON to `file`.
 */
async function main(): Promise<void> {
  let filter = '';
  let shard: string | undefined;
  let out: string | undefined;
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--shard') shard = args[++i];
    else if (args[i] === '--out') out = args[++i];
    else filter = args[i]!;
  }
  const testcases = loadTestcases().filter((t) => t.id.includes(filter));

  if (shard !== undefined && out !== undefined) {
    const [k, n] = shard.split('/').map(Number) as [number, number];
    const results: TimedResult[] = [];
    for (let i = k; i < testcases.length; i += n) results.push(await runTestcase(testcases[i]!));
    writeFileSync(out, JSON.stringify(results));
    return;
  }

  const started = performance.now();
  const timed = await runSharded(filter);
  const seconds = (performance.now() - started) / 1000;
  const results = timed.map(({ ms: _, ...result }) => result);
  writeFileSync(
    new URL('../results.json', import.meta.url),
    `${JSON.stringify({ version: 1, harness: 'tlskit-x509', results }, null, 1)}\n`,
  );
  const expected = new Map(testcases.map((t) => [t.id, t.expected_result]));
  if (process.env.LIMBO_VERBOSE) {
    for (const r of results) {
      if (r.actual_result !== expected.get(r.id))
        console.log(`DISAGREE ${r.id} expected ${expected.get(r.id)}: ${r.context}`);
    }
  }
  console.log('| family | cases | agree | % |');
  console.log('|---|---:|---:|---:|');
  for (const row of tally(testcases, results)) {
    console.log(
      `| ${row.family} | ${row.total} | ${row.agree} | ${((100 * row.agree) / row.total).toFixed(2)} |`,
    );
  }
  console.log(`${testcases.length} cases in ${seconds.toFixed(1)} s`);
  for (const r of timed) {
    if (r.ms > 1000 || (r.id.startsWith('pathological::') && r.ms > 250))
      console.log(`slow: ${r.id} ${r.ms.toFixed(0)} ms`);
  }
}

await main();
