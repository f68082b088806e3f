/**
 * Ticket keys are checked when the server is created: a list that could seal no ticket used to
 * pass and then fail every full handshake with internal_error, after the client's Finished.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { createServer, OptionsError } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

describe('ticketKeys', () => {
  it('an empty list is refused at creation, as a list and from a rotation function', async () => {
    const f = await fixtures();
    const certificates = [f.server.p256];
    expect(() => createServer({ provider, certificates, ticketKeys: [] })).toThrow(OptionsError);
    expect(() => createServer({ provider, certificates, ticketKeys: () => [] })).toThrow(
      /ticketKeys is empty/,
    );
  });

  it('one key seals the tickets of a full handshake', async () => {
    const f = await fixtures();
    const key = { name: new Uint8Array(16), key: new Uint8Array(32) };
    const p = await connectPair([f.server.p256], {}, { ticketKeys: [key] });
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.sessions).toHaveLength(1);
  });
});
