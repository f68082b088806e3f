import { describe, expect, it } from 'vitest';
import { column, expectBothSides, expectPositive, smokeRun } from './run-smoke.js';

describe('pnpm bench bulk --smoke', () => {
  it('moves data over AES-128-GCM and ChaCha20-Poly1305 with tlskit and node:tls', async () => {
    const markdown = await smokeRun('bulk');
    const aeads = column(markdown, 'AEAD');
    expect(new Set(aeads)).toEqual(new Set(['AES-128-GCM', 'CHACHA20-POLY1305']));
    const implementations = column(markdown, 'implementation');
    expectBothSides(implementations);
    // The two explanatory rows: the node provider's engines without sockets, and the AEAD calls.
    expect(implementations).toContain('tlskit (node) engines alone, no sockets');
    expect(implementations).toContain('node:crypto AEAD calls alone');
    expectPositive(column(markdown, 'MB/s'));
  }, 60_000);
});
