import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of every workspace package: the
// `tlskit-source` export condition points at src/, so no build is needed first.
export default defineConfig({
  resolve: { conditions: ['tlskit-source'] },
  ssr: { resolve: { conditions: ['tlskit-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
