/** The ticket callbacks' sealer: round trip, tampering ignored, one opening per connection, skip. */
import { nodeProvider } from '@tlskit/crypto/node';
import { describe, expect, it } from 'vitest';
import { shimTicketSealer } from '../src/ticket-callback.js';

const state = Uint8Array.of(1, 2, 3, 4, 5);

describe('shimTicketSealer', () => {
  it('opens what another connection sealed, once per connection', async () => {
    const ticket = await shimTicketSealer(nodeProvider, false).seal(state);
    const next = shimTicketSealer(nodeProvider, false);
    expect(await next.open(ticket)).toEqual(state);
    await expect(next.open(ticket)).rejects.toThrow('called after completion');
  });

  it('ignores a ticket that does not open, and may try again', async () => {
    const sealer = shimTicketSealer(nodeProvider, false);
    const ticket = await sealer.seal(state);
    ticket[ticket.length - 1]! ^= 1;
    expect(await sealer.open(ticket)).toBeUndefined();
    expect(await sealer.open(Uint8Array.of(1))).toBeUndefined();
  });

  it('issues no ticket under -skip-ticket', async () => {
    expect(await shimTicketSealer(nodeProvider, true).seal(state)).toEqual(new Uint8Array(0));
  });
});
