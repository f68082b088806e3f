import type { CryptoProvider } from '../src/index.js';
import { createNobleProvider } from '../src/index.js';

/** A provider whose random source returns the given chunks in order, then fails loudly. */
export function replaying(...chunks: Uint8Array[]): CryptoProvider {
  const queue = [...chunks];
  return createNobleProvider({
    randomBytes: (n) => {
      const next = queue.shift();
      if (next === undefined || next.length !== n) {
        throw new Error(`replay: asked for ${n} bytes, have ${next?.length ?? 'none'}`);
      }
      return next;
    },
  });
}
