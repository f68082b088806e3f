import { describe, expect, it } from 'vitest';
import { column, expectBothSides, smokeRun } from './run-smoke.js';

describe('pnpm bench memory --smoke', () => {
  it('measures idle connections in child processes, as server and as client', async () => {
    // One provider keeps the smoke run short: a child process per row.
    const markdown = await smokeRun('memory', '--provider', 'noble');
    expect(new Set(column(markdown, 'role'))).toEqual(new Set(['server', 'client']));
    expectBothSides(column(markdown, 'implementation'));
    expect(column(markdown, 'connections').every((n) => n === '20')).toBe(true);
    // Growth can round to a page either way at 20 connections; it is a number.
    expect(column(markdown, 'RSS KiB/conn').every((n) => Number.isFinite(Number(n)))).toBe(true);
  }, 60_000);
});
