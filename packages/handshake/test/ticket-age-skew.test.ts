/**
 * HandshakeInfo.ticketAgeSkew (server, TLS 1.3 resumption): the client's view of the ticket's
 * age (obfuscated_ticket_age - ticket_age_add, RFC 8446 4.2.11.1) minus the server's, in ms.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, createServer, pump, type Session } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

const key = { name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) };

async function resumeAfter(clientMs: number, serverMs: number) {
  const f = await fixtures();
  // After the fixtures' certificates were made (their validity starts when they were).
  const start = Date.now() + 1_000;
  const server = (now: number) =>
    createServer({ provider, certificates: [f.server.p256], ticketKeys: [key], now: () => now });
  const client = (now: number, session?: Session) =>
    createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      now: () => now,
      ...(session ? { session } : {}),
    });
  const c1 = client(start);
  const s1 = server(start);
  let session: Session | undefined;
  c1.on('session', (s) => {
    session = s;
  });
  await c1.start();
  await pump(c1, s1);
  expect(s1.handshakeInfo?.ticketAgeSkew).toBeUndefined();
  const c2 = client(start + clientMs, session);
  const s2 = server(start + serverMs);
  await c2.start();
  await pump(c2, s2);
  expect(s2.handshakeInfo?.resumed).toBe(true);
  return s2.handshakeInfo?.ticketAgeSkew;
}

describe('HandshakeInfo.ticketAgeSkew', () => {
  it('is positive when the client counts more time than the server', async () => {
    expect(await resumeAfter(15_000, 10_000)).toBe(5_000);
  });

  it('is negative when it counts less, and 0 when the clocks agree', async () => {
    expect(await resumeAfter(5_000, 10_000)).toBe(-5_000);
    expect(await resumeAfter(10_000, 10_000)).toBe(0);
  });
});
