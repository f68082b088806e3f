import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { column, expectBothSides, expectPositive, smokeRun } from './run-smoke.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('pnpm bench s_time --smoke', () => {
  it.skipIf(!hasOpenssl)(
    'counts openssl s_time connections to tlskit and node:tls servers',
    async () => {
      const markdown = await smokeRun('s_time');
      expectBothSides(column(markdown, 'server'));
      expectPositive(column(markdown, 'connections per server CPU second'));
    },
    60_000,
  );
});
