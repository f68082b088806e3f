import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTestcases, tally } from '../src/harness.js';
import { runSharded } from '../src/shard.js';

// The agreement figure recorded in docs/x509-limbo.md, as `<!-- ratchet: N -->`.
const doc = readFileSync(new URL('../../../docs/x509-limbo.md', import.meta.url), 'utf8');
const recorded = Number(/<!-- ratchet: (\d+) -->/.exec(doc)?.[1]);

// Signatures go through nodeProvider here (about 70 s for the bundle on two busy cores; the
// default nobleProvider takes about 4 minutes and agrees on the same cases: `pnpm limbo`).
// LIMBO_PROVIDER=noble selects it; LIMBO_RATCHET=0 skips the ratchet for a quick local run.
describe.skipIf(process.env.LIMBO_RATCHET === '0')('x509-limbo ratchet', () => {
  it('agrees with expected_result on at least the recorded number of cases', {
    timeout: 1_200_000,
  }, async () => {
    expect(recorded).toBeGreaterThan(0);
    const testcases = loadTestcases();
    const results = await runSharded(
      '',
      undefined,
      process.env.LIMBO_PROVIDER === 'noble' ? 'noble' : 'node',
    );
    expect(results).toHaveLength(testcases.length);
    const rows = tally(testcases, results);
    const all = rows.find((r) => r.family === 'all')!;
    expect(all.agree).toBeGreaterThanOrEqual(recorded);
    for (const family of ['rfc5280', 'webpki', 'pathlen', 'cve']) {
      const row = rows.find((r) => r.family === family)!;
      expect(row.agree, `${family}:: agreement`).toBe(row.total);
    }
    const slow = results
      .filter((r) => r.id.startsWith('pathological::') && r.ms >= 1000)
      .map((r) => r.id);
    expect(slow, 'pathological cases over one second').toEqual([]);
  });
});
