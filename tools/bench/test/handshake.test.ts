import { describe, expect, it } from 'vitest';
import { column, expectBothSides, expectPositive, smokeRun } from './run-smoke.js';

describe('pnpm bench handshake --smoke', () => {
  it('completes handshakes with tlskit over every provider and with node:tls, both certificates', async () => {
    const markdown = await smokeRun('handshake');
    const certs = column(markdown, 'certificate');
    const names = column(markdown, 'implementation');
    for (const cert of ['ECDSA P-256', 'RSA-2048']) {
      expectBothSides(names.filter((_, i) => certs[i] === cert));
    }
    expectPositive(column(markdown, 'handshakes/s'));
    expect(column(markdown, 'vs node:tls').every((r) => /^\d+\.\d\dx$/.test(r))).toBe(true);
  }, 60_000);
});
