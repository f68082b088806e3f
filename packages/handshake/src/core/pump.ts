import type { Connection } from './engine.js';

/**
 * Moves output between two in-memory connections until neither has anything to send (tests,
 * demos, and the README example). Bounded: at most `maxRounds` exchanges.
 */
export async function pump(a: Connection, b: Connection, maxRounds = 64): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    const fromA = a.takeOutput();
    const fromB = b.takeOutput();
    if (fromA.length === 0 && fromB.length === 0) return;
    for (const chunk of fromA) await b.receive(chunk);
    for (const chunk of fromB) await a.receive(chunk);
  }
}
