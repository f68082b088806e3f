/**
 * docs/performance.md is shared by every suite: each owns one section between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, so a full run of one suite replaces its own
 * section and leaves the others as they were.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

const title = '# Performance\n';

/** Replaces (or appends) section `name` of `document` with `body`. */
export function replaceSection(document: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start >= 0 && end > start) {
    return document.slice(0, start) + block + document.slice(end + close.length);
  }
  const base = document.trim().length > 0 ? document.trimEnd() : title.trimEnd();
  return `${base}\n\n${block}\n`;
}

/** Writes section `name` of docs/performance.md under `root`. */
export function writeSection(root: URL, name: string, body: string): void {
  const file = new URL('docs/performance.md', root);
  const document = existsSync(file) ? readFileSync(file, 'utf8') : title;
  writeFileSync(file, replaceSection(document, name, body));
}

/** A one-line description of this machine and runtime, for the report. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} logical cores, shared), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}, Node.js ${process.version}`;
}

/** The 1-minute load average, for the report: the cores are shared. */
export function load(): string {
  return loadavg()[0]!.toFixed(1);
}

/** `2026-11-27 00:03` (UTC). */
export function timestamp(): string {
  return new Date().toISOString().slice(0, 16).replace('T', ' ');
}

/** A markdown table; the first `textColumns` columns align left, the numbers right. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  textColumns = 1,
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = header.map((_, i) => (i < textColumns ? '---' : '---:'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

/** `1 batch`, `8 batches`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** `x` as `0.42x` of `reference`, or `-` when there is no reference. */
export function ratio(x: number, reference: number | undefined): string {
  return reference && reference > 0 ? `${(x / reference).toFixed(2)}x` : '-';
}

export interface Section {
  /** `## ...` heading text. */
  readonly heading: string;
  /** The command line that produced it. */
  readonly command: string;
  /** What was measured and how, in a paragraph or two of markdown. */
  readonly method: string;
  readonly table: string;
  /** Notes after the table (reading the numbers). */
  readonly notes?: string;
}

/** A suite's section of docs/performance.md: heading, provenance, method, table, notes. */
export function sectionBody(section: Section): string {
  return [
    `## ${section.heading}`,
    `Measured with \`${section.command}\` on ${timestamp()} UTC, load average ${load()} at the end of the run.\nMachine: ${machine()}.`,
    section.method.trim(),
    section.table,
    ...(section.notes ? [section.notes.trim()] : []),
  ].join('\n\n');
}
