/** Runs `pnpm bench SUITE --smoke` in-process and reads the table it printed. */
import { expect } from 'vitest';
import { runBench } from '../src/cli.js';

/** The printed markdown (smoke runs never write: the root points nowhere, to make sure). */
export async function smokeRun(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const markdown = await runBench([...args, '--smoke'], {
    out: (line) => lines.push(line),
    root: new URL('file:///nonexistent/'),
  });
  expect(lines.join('\n')).not.toContain('written to');
  return markdown;
}

/** The cells of the column headed `header` in the table of `markdown`. */
export function column(markdown: string, header: string): string[] {
  const lines = markdown.split('\n').filter((line) => line.startsWith('| '));
  const cells = (line: string) => line.slice(2, -2).split(' | ');
  const index = cells(lines[0] ?? '| |').indexOf(header);
  if (index < 0) throw new Error(`no column ${header} in ${lines[0]}`);
  return lines.slice(2).map((line) => cells(line)[index]!.trim());
}

/** Every cell of the column is a positive, finite number. */
export function expectPositive(cells: readonly string[]): void {
  expect(cells.length).toBeGreaterThan(0);
  for (const cell of cells) expect(Number(cell)).toBeGreaterThan(0);
}

/** tlskit over the default provider and node:tls both have rows. */
export function expectBothSides(names: readonly string[]): void {
  expect(names).toContain('tlskit (noble)');
  expect(names).toContain('node:tls');
}
