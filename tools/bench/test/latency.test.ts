import { describe, expect, it } from 'vitest';
import { column, expectBothSides, expectPositive, smokeRun } from './run-smoke.js';

describe('pnpm bench latency --smoke', () => {
  it('times the first application byte with and without TCP_NODELAY', async () => {
    const markdown = await smokeRun('latency');
    const names = column(markdown, 'implementation');
    expectBothSides(names);
    expect(names).toContain('tlskit (noble, TCP_NODELAY)');
    expectPositive(column(markdown, 'median (ms)'));
  }, 60_000);
});
