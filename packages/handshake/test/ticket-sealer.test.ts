/**
 * A custom TicketSealer that declines to issue a ticket (an empty seal result): no
 * NewSessionTicket in TLS 1.3, an empty one in TLS 1.2 (RFC 5077 3.3), and the handshake goes on.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, createServer, pump, type Session } from '@tlskit/handshake';
import { HandshakeType } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

async function run(maxVersion: 'TLSv1.2' | 'TLSv1.3') {
  const f = await fixtures();
  let seals = 0;
  const server = createServer({
    provider,
    certificates: [f.server.p256],
    maxVersion,
    ticketSealer: {
      seal: async () => {
        seals++;
        return new Uint8Array(0);
      },
      open: async () => undefined,
    },
  });
  const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer], maxVersion });
  const tickets: number[] = [];
  client.on('message', (m) => {
    if (m.direction === 'received' && m.message?.type === HandshakeType.newSessionTicket) {
      tickets.push(m.message.ticket.length);
    }
  });
  const sessions: Session[] = [];
  client.on('session', (s) => sessions.push(s));
  await client.start();
  await pump(client, server);
  return { client, server, seals, tickets, sessions };
}

describe('TicketSealer.seal declining with an empty ticket', () => {
  it('sends no NewSessionTicket in TLS 1.3', async () => {
    const r = await run('TLSv1.3');
    expect(r.client.state).toBe('connected');
    expect(r.seals).toBe(1);
    expect(r.tickets).toEqual([]);
    expect(r.sessions).toEqual([]);
  });

  it('sends an empty NewSessionTicket in TLS 1.2 (RFC 5077 3.3)', async () => {
    const r = await run('TLSv1.2');
    expect(r.client.state).toBe('connected');
    expect(r.seals).toBe(1);
    expect(r.tickets).toEqual([0]);
    expect(r.sessions.every((s) => s.version === 'TLSv1.2' && s.ticket === undefined)).toBe(true);
  });

  it('issues no ticket when a rotation function has no current key', async () => {
    const f = await fixtures();
    // A key at creation (an empty list is refused then: ticket-keys.test.ts), none later.
    let keys = [{ name: new Uint8Array(16), key: new Uint8Array(32) }];
    const server = createServer({
      provider,
      certificates: [f.server.p256],
      maxVersion: 'TLSv1.2',
      ticketKeys: () => keys,
    });
    keys = [];
    const client = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      maxVersion: 'TLSv1.2',
    });
    await client.start();
    await pump(client, server);
    // Before, the first TLS 1.2 ticket failed the handshake: "no ticket key to seal with".
    expect(client.state).toBe('connected');
    expect(server.state).toBe('connected');
  });
});
