import { describe, expect, it } from 'vitest';
import { runBench } from '../src/cli.js';

/** Smoke runs never write; pointing the root elsewhere makes sure of it. */
const io = (lines: string[]) => ({
  out: (line: string) => lines.push(line),
  root: new URL('file:///nonexistent/'),
});

describe('pnpm bench handshake --smoke', () => {
  it('completes handshakes with tlskit over every provider and with node:tls, in one table', async () => {
    const lines: string[] = [];
    const markdown = await runBench(['handshake', '--smoke'], io(lines));
    const rows = markdown.split('\n').filter((line) => line.startsWith('| TLSv1.3 '));
    // Both certificates; tlskit over at least the noble provider, and node:tls as reference.
    for (const cert of ['ECDSA P-256', 'RSA-2048']) {
      const names = rows
        .filter((r) => r.includes(`| ${cert} |`))
        .map((r) => r.split('|')[3]!.trim());
      expect(names).toContain('tlskit (noble)');
      expect(names).toContain('node:tls');
    }
    for (const row of rows) {
      const rate = Number(row.split('|')[4]);
      expect(rate).toBeGreaterThan(0);
      expect(row).toMatch(/\| \d+\.\d\dx \|$/);
    }
    expect(lines.join('\n')).not.toContain('written to');
  }, 60_000);
});
