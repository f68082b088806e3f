import { describe, expect, it } from 'vitest';
import { attribute, category, type CpuProfile } from '../src/profile.js';
import { column, smokeRun } from './run-smoke.js';

describe('pnpm bench profile --smoke', () => {
  it('profiles a handshake loop and attributes most of it to noble and tlskit packages', async () => {
    const markdown = await smokeRun('profile');
    const names = column(markdown, 'self time in');
    expect(names).toContain('@noble/curves');
    expect(names.some((n) => n.startsWith('@tlskit/'))).toBe(true);
    expect(markdown).toMatch(/The protocol's own code/);
  }, 60_000);

  it('attributes files by package, pnpm layout included, and skips idle and out-of-window samples', () => {
    const pnpm = 'file:///r/node_modules/.pnpm/@noble+curves@2.4.0/node_modules/@noble/curves/';
    expect(category('mul', `${pnpm}abstract/weierstrass.js`)).toBe('@noble/curves');
    expect(category('read', 'file:///r/packages/wire/src/reader.ts')).toBe('@tlskit/wire');
    expect(category('onStreamRead', 'node:internal/stream_base_commons')).toMatch(/^Node/);
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '' } },
        { id: 2, callFrame: { functionName: 'mul', url: `${pnpm}abstract/curve.js` } },
        { id: 3, callFrame: { functionName: 'read', url: 'file:///r/packages/wire/src/r.ts' } },
      ],
      startTime: 1000,
      samples: [2, 1, 3, 2, 3],
      timeDeltas: [10, 10, 10, 10, 10],
    };
    // Samples at 1010 (curves), 1020 (idle), 1030 (wire), 1040 (curves), 1050 (wire, outside).
    const a = attribute(profile, { start: 1000, end: 1045 });
    expect(a.total).toBe(30);
    expect(a.categories).toEqual([
      { name: '@noble/curves', micros: 20 },
      { name: '@tlskit/wire', micros: 10 },
    ]);
    expect(a.protocolFunctions).toEqual([{ name: 'read (wire/r.ts)', micros: 10 }]);
  });
});
