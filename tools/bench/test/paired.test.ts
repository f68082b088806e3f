import { describe, expect, it } from 'vitest';
import { pairedRatio, parseCpuLine, summarise } from '../src/paired.js';

describe('paired', () => {
  it('reads perf-server.ts lines, and none for an interval without handshakes', () => {
    expect(parseCpuLine('handshakes 3617 cpu_us_per_handshake 971')).toBe(971);
    expect(parseCpuLine('handshakes 0 cpu_us_per_handshake 0')).toBeUndefined();
    expect(parseCpuLine('listening 4433 pid 12')).toBeUndefined();
  });

  it('compares round by round, so a drift shared by a round cancels out', () => {
    // The host slowed 2x from round 2 on; the second server is 10% cheaper in every round.
    const first = [1000, 2000, 2000, 2000];
    const second = [900, 1800, 1800, 1800];
    const s = summarise(second, first);
    expect(s.wins).toBe(4);
    expect(s.meanChange).toBeCloseTo(-0.1, 10);
    expect(s.mean).toBe(1575);
    expect(summarise(first, first)).toEqual({ mean: 1750, wins: 0, meanChange: 0 });
  });

  it('refuses to summarise nothing', () => {
    expect(() => summarise([], [])).toThrow(/no rounds/);
    expect(() => pairedRatio([], [1])).toThrow(/no rounds/);
  });

  it('reports the ratio to node:tls as the s_time benchmark does, per round', () => {
    // node:tls 500 us then 1000 us; this server 1000 then 1250: 0.5x and 0.8x, 0.65x paired.
    expect(pairedRatio([500, 1000], [1000, 1250])).toBeCloseTo(0.65, 10);
  });
});
