import { writeFileSync } from 'node:fs';
import { loadTestcases, type Result, runTestcase, tally } from './harness.js';

/**
 * `pnpm limbo [filter]`: runs every x509-limbo case (or those whose id contains `filter`),
 * writes tools/limbo/results.json in limbo's results format and prints agreement per family.
 */
async function main(): Promise<void> {
  const filter = process.argv[2];
  const testcases = loadTestcases().filter((t) => filter === undefined || t.id.includes(filter));
  const results: Result[] = [];
  const slow: string[] = [];
  const started = performance.now();
  for (const testcase of testcases) {
    const { ms, ...result } = await runTestcase(testcase);
    results.push(result);
    if (ms > 1000 || (testcase.id.startsWith('pathological::') && ms > 250))
      slow.push(`${testcase.id} ${ms.toFixed(0)} ms`);
    if (process.env.LIMBO_VERBOSE && result.actual_result !== testcase.expected_result) {
      console.log(
        `DISAGREE ${testcase.id} expected ${testcase.expected_result}: ${result.context}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(
    new URL('../results.json', import.meta.url),
    `${JSON.stringify({ version: 1, harness: 'tlskit-x509', results }, null, 1)}\n`,
  );
  console.log('| family | cases | agree | % |');
  console.log('|---|---:|---:|---:|');
  for (const row of tally(testcases, results)) {
    console.log(
      `| ${row.family} | ${row.total} | ${row.agree} | ${((100 * row.agree) / row.total).toFixed(2)} |`,
    );
  }
  console.log(`${testcases.length} cases in ${seconds.toFixed(1)} s`);
  for (const line of slow) console.log(`slow: ${line}`);
}

await main();
