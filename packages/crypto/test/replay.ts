import type { CryptoProvider } from '../src/index.js';
import type { CreateProvider } from './providers.js';

/** A provider whose random source returns the given chunks in order, then fails loudly. */
export function replaying(create: CreateProvider, ...chunks: Uint8Array[]): CryptoProvider {
  const queue = [...chunks];
  return create({
    randomBytes: (n) => {
      const next = queue.shift();
      if (next === undefined || next.length !== n) {
        throw new Error(`replay: asked for ${n} bytes, have ${next?.length ?? 'none'}`);
      }
      return next;
    },
  });
}
