import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../src/index.js';
import { nodeProvider } from '../src/node.js';

describe('@tlskit/crypto/default', () => {
  it('is the node provider on Node.js (the node export condition)', async () => {
    const { defaultProvider, defaultProviderName } = await import('@tlskit/crypto/default');
    expect(defaultProviderName).toBe('node');
    expect(defaultProvider).toBe(nodeProvider);
  });

  it('is noble where the node condition is absent (browsers, bundles for them)', async () => {
    const browser = await import('../src/default.js');
    expect(browser.defaultProviderName).toBe('noble');
    expect(browser.defaultProvider).toBe(nobleProvider);
  });
});
