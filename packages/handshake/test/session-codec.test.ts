/**
 * Portable sessions: a session from a real handshake survives encodeSession/decodeSession, the
 * bytes resume (TLS 1.3 ticket, TLS 1.2 ticket and session ID), and damaged or foreign bytes are
 * refused with a DecodeError at the boundary, never a crash.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  createClient,
  decodeSession,
  encodeSession,
  OptionsError,
  type ServerOptions,
  type Session,
  SessionCache,
  sessionFormatVersion,
} from '@tlskit/handshake';
import { DecodeError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair, type Pair } from './pair.js';

const ticketKeys = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) }];
const only12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;

async function connect(
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Pair> {
  const f = await fixtures();
  return connectPair([f.server.p256], client, server);
}

async function sessionFrom(
  client: Partial<ClientOptions>,
  server: Partial<ServerOptions>,
): Promise<Session> {
  const first = await connect(client, server);
  expect(first.sessions.length).toBeGreaterThan(0);
  return first.sessions[0]!;
}

describe('session codec', () => {
  it('round-trips a TLS 1.3 session and resumes from the bytes', async () => {
    const session = await sessionFrom(
      { alpnProtocols: ['h2'] },
      { ticketKeys, alpnProtocols: ['h2'], ticketMaxEarlyData: 1000 },
    );
    const bytes = encodeSession(session);
    // The documented header: "TKSN", format version, protocol 0x04.
    expect([...bytes.subarray(0, 6)]).toEqual([0x54, 0x4b, 0x53, 0x4e, sessionFormatVersion, 4]);
    expect(decodeSession(bytes)).toEqual(session);
    const second = await connect({ session: bytes }, { ticketKeys });
    expect(second.clientClose?.error).toBeUndefined();
    expect(second.clientInfo?.resumed).toBe(true);
    expect(second.serverInfo?.resumed).toBe(true);
  });

  it('round-trips TLS 1.2 sessions with a ticket and with a session ID, and resumes both', async () => {
    const withTicket = await sessionFrom(only12, { ticketKeys });
    expect(decodeSession(encodeSession(withTicket))).toEqual(withTicket);
    const resumedTicket = await connect(
      { ...only12, session: encodeSession(withTicket) },
      { ticketKeys },
    );
    expect(resumedTicket.clientInfo?.resumed).toBe(true);

    const sessionCache = new SessionCache();
    const byId = await sessionFrom(only12, { sessionCache });
    expect(byId.version === 'TLSv1.2' && byId.ticket === undefined).toBe(true);
    const decoded = decodeSession(encodeSession(byId));
    expect(decoded).toEqual(byId);
    const resumedId = await connect({ ...only12, session: encodeSession(byId) }, { sessionCache });
    expect(resumedId.clientInfo?.resumed).toBe(true);
  });

  it('refuses every truncation, trailing bytes, a foreign magic and an unknown format version', async () => {
    const bytes = encodeSession(await sessionFrom({}, { ticketKeys }));
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeSession(bytes.subarray(0, n))).toThrow(DecodeError);
    }
    expect(() => decodeSession(Uint8Array.of(...bytes, 0))).toThrow(DecodeError);
    const foreign = bytes.slice();
    foreign[0] = 0x30; // a DER SEQUENCE, as OpenSSL's own session format starts
    expect(() => decodeSession(foreign)).toThrow(/not a tlskit session/);
    const future = bytes.slice();
    future[4] = sessionFormatVersion + 1;
    expect(() => decodeSession(future)).toThrow(/format version 2 is not supported/);
  });

  it('never throws anything but DecodeError for mutated bytes', async () => {
    const bytes = encodeSession(await sessionFrom({}, { ticketKeys }));
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 500; i++) {
      const mutated = bytes.slice();
      for (let k = 0; k < 3; k++) mutated[random() % mutated.length] = random() & 0xff;
      try {
        decodeSession(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError);
      }
    }
  });

  it('createClient throws OptionsError for session bytes it cannot read', async () => {
    const f = await fixtures();
    expect(() =>
      createClient({
        provider,
        serverName: 'localhost',
        ca: [f.caDer],
        session: Uint8Array.of(1, 2, 3),
      }),
    ).toThrow(OptionsError);
  });
});
