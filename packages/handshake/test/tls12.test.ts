/**
 * TLS 1.2 beside TLS 1.3: version negotiation, the ECDHE suites, extended master secret,
 * renegotiation indication and refusal, downgrade sentinels, TLS_FALLBACK_SCSV.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  createClient,
  createServer,
  pump,
  type ServerOptions,
  type Session,
  SessionCache,
} from '@tlskit/handshake';
import { type ClientHello, decodeHandshake, encodeHandshake, type ServerHello } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair, type Pair } from './pair.js';

async function connect(
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Pair> {
  const f = await fixtures();
  return connectPair([f.server.p256, f.server.rsa], client, server);
}

const both = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' } as const;
const only12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
const enc = (s: string) => new TextEncoder().encode(s);

describe('TLS 1.2 handshakes', () => {
  it.each([
    [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
    [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
    [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
    [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  ])('completes suite %i and exchanges data', async (code, name) => {
    const p = await connect({ ...only12, cipherSuites: [code] }, { ...both });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.clientInfo?.version).toBe('TLSv1.2');
    expect(p.clientInfo?.cipherSuite).toBe(name);
    expect(p.serverInfo?.cipherSuite).toBe(name);
    expect(p.clientInfo?.peerVerified).toBe(true);
    const got: string[] = [];
    p.server.on('data', (d) => got.push(new TextDecoder().decode(d)));
    p.client.on('data', (d) => got.push(`c:${new TextDecoder().decode(d)}`));
    await p.client.write(enc('ping'));
    await p.server.write(enc('pong'));
    await pump(p.client, p.server);
    expect(got).toEqual(['ping', 'c:pong']);
    const a = p.client.exportKeyingMaterial('EXPERIMENTAL x', enc('c'), 20);
    expect(p.server.exportKeyingMaterial('EXPERIMENTAL x', enc('c'), 20)).toEqual(a);
  });

  it.each([
    [0x001d, 'x25519'],
    [0x0017, 'secp256r1'],
    [0x0018, 'secp384r1'],
    [0x0019, 'secp521r1'],
    [0x001e, 'x448'],
  ])('uses ECDHE group %i', async (group, name) => {
    const p = await connect({ ...only12, groups: [group] }, { ...both });
    expect(p.clientInfo?.group).toBe(name);
  });

  it('a client offering 1.3 and 1.2 gets 1.3 from a server that has both', async () => {
    const p = await connect({ ...both }, { ...both });
    expect(p.clientInfo?.version).toBe('TLSv1.3');
  });

  it('a client offering 1.3 and 1.2 completes 1.2 with a 1.2-only server', async () => {
    const p = await connect({ ...both }, { ...only12 });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.version).toBe('TLSv1.2');
  });

  it('a 1.2-only client meets a 1.3-only server with protocol_version', async () => {
    const p = await connect({ ...only12 }, { minVersion: 'TLSv1.3' });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_PROTOCOL_VERSION', alert: 70 });
    expect(p.clientClose?.error).toMatchObject({ alert: 70 });
  });

  it('client authentication in TLS 1.2, with the certificate verified', async () => {
    const f = await fixtures();
    const p = await connect(
      { ...only12, certificate: f.client },
      { ...both, clientAuth: 'require', ca: [f.caDer] },
    );
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.serverInfo?.peerCertificates.length).toBe(1);
    expect(p.serverInfo?.peerVerified).toBe(true);
    const q = await connect({ ...only12 }, { ...both, clientAuth: 'require', ca: [f.caDer] });
    // RFC 5246 7.4.6: TLS 1.2 has no certificate_required; a required certificate that is missing is handshake_failure.
    // The code is the one TLS 1.3 reports for it (issue 11: one code per cause).
    expect(q.serverClose?.error).toMatchObject({ code: 'ERR_CERTIFICATE_REQUIRED', alert: 40 });
  });

  it('negotiates ALPN in TLS 1.2', async () => {
    const p = await connect(
      { ...only12, alpnProtocols: ['h2'] },
      { ...both, alpnProtocols: ['h2'] },
    );
    expect(p.clientInfo?.alpn).toBe('h2');
  });

  it('logs the master secret as an NSS CLIENT_RANDOM line, the same on both sides', async () => {
    const f = await fixtures();
    const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    const s = createServer({ provider, certificates: [f.server.p256], ...both });
    const cl: string[] = [];
    const sl: string[] = [];
    c.on('keylog', (l) => cl.push(l));
    s.on('keylog', (l) => sl.push(l));
    await c.start();
    await pump(c, s);
    expect(cl.length).toBe(1);
    expect(cl[0]).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    expect(sl).toEqual(cl);
  });

  it('refuses KeyUpdate on a TLS 1.2 connection', async () => {
    const p = await connect({ ...only12 }, { ...both });
    await expect(p.client.keyUpdate(false)).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' });
  });

  it('closes cleanly with close_notify both ways', async () => {
    const p = await connect({ ...only12 }, { ...both });
    await p.client.close();
    await pump(p.client, p.server);
    await p.server.close();
    await pump(p.client, p.server);
    expect(p.clientClose).toEqual({ error: undefined });
    expect(p.serverClose).toEqual({ error: undefined });
  });
});

describe('TLS 1.2 downgrade protection', () => {
  it('the client refuses a 1.2 ServerHello carrying the RFC 8446 sentinel', async () => {
    // A 1.3-capable server answering 1.2 sets the sentinel; a client that offered 1.3 must refuse.
    const f = await fixtures();
    const server = createServer({ provider, certificates: [f.server.p256], ...both });
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...both });
    let clientError: Error | undefined;
    client.on('close', (e) => {
      clientError = e.error;
    });
    await client.start();
    // Strip TLS 1.3 from the client's offer on the way (as an attacker would) by rebuilding it
    // as a 1.2-only client's hello with the same engine: simplest is a 1.2-only client's bytes.
    const only = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    await only.start();
    for (const r of only.takeOutput()) await server.receive(r);
    const answer = server.takeOutput();
    // The server's random ends with DOWNGRADE_TLS12.
    const sh = answer[0]!;
    expect(Array.from(sh.subarray(5 + 4 + 2 + 24, 5 + 4 + 2 + 32))).toEqual([
      0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01,
    ]);
    // Fed to the client that offered 1.3, the 1.2 ServerHello is refused as a downgrade.
    client.takeOutput();
    await client.receive(sh);
    expect(clientError).toMatchObject({ code: 'ERR_DOWNGRADE', alert: 47 });
  });

  it('a 1.2-only server does not set the sentinel', async () => {
    const f = await fixtures();
    const server = createServer({ provider, certificates: [f.server.p256], ...only12 });
    const only = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    await only.start();
    for (const r of only.takeOutput()) await server.receive(r);
    const sh = server.takeOutput()[0]!;
    expect(Array.from(sh.subarray(5 + 4 + 2 + 24, 5 + 4 + 2 + 32))).not.toEqual([
      0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01,
    ]);
  });
});

describe('TLS_FALLBACK_SCSV (RFC 7507)', () => {
  async function helloWith(suites: number[]): Promise<Uint8Array> {
    // A 1.2-only ClientHello from our client, with its cipher_suites replaced through the
    // wire codec (the fallback signal is what a retrying client would add).
    const f = await fixtures();
    const only = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    await only.start();
    const record = only.takeOutput()[0]!;
    const ch = decodeHandshake(record.subarray(5), { protocol: 'tls12' }).message as ClientHello;
    const body = encodeHandshake({ ...ch, cipherSuites: suites as ClientHello['cipherSuites'] });
    const out = new Uint8Array(5 + body.length);
    out.set([22, 3, 3, body.length >> 8, body.length & 0xff]);
    out.set(body, 5);
    return out;
  }

  it('answers a fallback ClientHello with inappropriate_fallback when it could do 1.3', async () => {
    const f = await fixtures();
    const server = createServer({ provider, certificates: [f.server.p256], ...both });
    let error: Error | undefined;
    server.on('close', (e) => {
      error = e.error;
    });
    await server.receive(await helloWith([0xc02b, 0x5600]));
    expect(error).toMatchObject({ code: 'ERR_INAPPROPRIATE_FALLBACK', alert: 86 });
  });

  it('accepts the same ClientHello when 1.2 is its highest version', async () => {
    const f = await fixtures();
    const server = createServer({ provider, certificates: [f.server.p256], ...only12 });
    let error: Error | undefined;
    server.on('close', (e) => {
      error = e.error;
    });
    await server.receive(await helloWith([0xc02b, 0x5600]));
    expect(error).toBeUndefined();
    expect(server.takeOutput().length).toBeGreaterThan(0);
  });

  it('refuses a 1.2 ClientHello without secure renegotiation or extended master secret', async () => {
    const f = await fixtures();
    const only = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    await only.start();
    const record = only.takeOutput()[0]!;
    const ch = decodeHandshake(record.subarray(5), { protocol: 'tls12' }).message as ClientHello;
    for (const drop of [0xff01, 23]) {
      const body = encodeHandshake({
        ...ch,
        extensions: ch.extensions.filter((e) => e.type !== drop),
      });
      const out = new Uint8Array(5 + body.length);
      out.set([22, 3, 3, body.length >> 8, body.length & 0xff]);
      out.set(body, 5);
      const server = createServer({ provider, certificates: [f.server.p256], ...both });
      let error: Error | undefined;
      server.on('close', (e) => {
        error = e.error;
      });
      await server.receive(out);
      expect(error).toMatchObject({ code: 'ERR_HANDSHAKE_FAILURE', alert: 40 });
    }
  });
});

describe('extended master secret policy', () => {
  it('a server allowing peers without RFC 7627, by its loud option, answers without it', async () => {
    const f = await fixtures();
    const only = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    await only.start();
    const record = only.takeOutput()[0]!;
    const ch = decodeHandshake(record.subarray(5), { protocol: 'tls12' }).message as ClientHello;
    const body = encodeHandshake({ ...ch, extensions: ch.extensions.filter((e) => e.type !== 23) });
    const out = new Uint8Array(5 + body.length);
    out.set([22, 3, 3, body.length >> 8, body.length & 0xff]);
    out.set(body, 5);
    const server = createServer({
      provider,
      certificates: [f.server.p256],
      ...both,
      dangerouslyAllowNoExtendedMasterSecret: true,
    });
    let error: Error | undefined;
    server.on('close', (e) => {
      error = e.error;
    });
    await server.receive(out);
    expect(error).toBeUndefined();
    const flight = server.takeOutput()[0]!;
    const sh = decodeHandshake(flight.subarray(5, 5 + 4 + ((flight[7]! << 8) | flight[8]!)), {
      protocol: 'tls12',
    }).message as ServerHello;
    expect(sh.extensions.some((e) => e.type === 23)).toBe(false);
  });
});

describe('TLS 1.2 resumption', () => {
  const ticketKeys = [{ name: new Uint8Array(16).fill(7), key: new Uint8Array(32).fill(9) }];

  async function firstSession(server: Partial<ServerOptions>): Promise<Session> {
    const f = await fixtures();
    const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    const s = createServer({ provider, certificates: [f.server.p256], ...both, ...server });
    const sessions: Session[] = [];
    c.on('session', (x) => sessions.push(x));
    await c.start();
    await pump(c, s);
    expect(c.handshakeInfo?.resumed).toBe(false);
    expect(sessions.length).toBe(1);
    return sessions[0]!;
  }

  it('resumes with a session ticket (RFC 5077) and skips certificates', async () => {
    const session = await firstSession({ ticketKeys });
    expect(session.version).toBe('TLSv1.2');
    expect(session.version === 'TLSv1.2' && session.ticket !== undefined).toBe(true);
    const p = await connect({ ...only12, session }, { ...both, ticketKeys });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.clientInfo?.resumed).toBe(true);
    expect(p.serverInfo?.resumed).toBe(true);
    const got: string[] = [];
    p.server.on('data', (d) => got.push(new TextDecoder().decode(d)));
    await p.client.write(enc('again'));
    await pump(p.client, p.server);
    expect(got).toEqual(['again']);
  });

  it('resumes by session ID from a bounded, expiring server cache', async () => {
    const sessionCache = new SessionCache({ maxEntries: 2, lifetime: 60 });
    const session = await firstSession({ sessionCache });
    expect(sessionCache.size).toBe(1);
    const p = await connect({ ...only12, session }, { ...both, sessionCache });
    expect(p.clientInfo?.resumed).toBe(true);
    // Two more full handshakes push the first session out of a two-entry cache.
    await firstSession({ sessionCache });
    await firstSession({ sessionCache });
    expect(sessionCache.size).toBe(2);
    const q = await connect({ ...only12, session }, { ...both, sessionCache });
    expect(q.clientClose?.error).toBeUndefined();
    expect(q.clientInfo?.resumed).toBe(false);
  });

  it('falls back to a full handshake when the ticket cannot be opened', async () => {
    const session = await firstSession({ ticketKeys });
    const other = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(1) }];
    const p = await connect({ ...only12, session }, { ...both, ticketKeys: other });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.resumed).toBe(false);
  });
});

describe('a TLS 1.2-only ClientHello', () => {
  it('lists only groups TLS 1.2 can use: no X25519MLKEM768', async () => {
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const { createClient: client } = await import('@tlskit/handshake');
    const { decodeHandshake, ExtensionType, findExtension, NamedGroup, RECORD_HEADER_LENGTH } =
      await import('@tlskit/wire');
    const only12 = client({
      provider,
      serverName: 'localhost',
      maxVersion: 'TLSv1.2',
      dangerouslySkipCertificateVerification: true,
    });
    const both = client({
      provider,
      serverName: 'localhost',
      dangerouslySkipCertificateVerification: true,
    });
    const groupsOf = async (c: typeof only12) => {
      await c.start();
      const record = c.takeOutput()[0]!;
      const { message } = decodeHandshake(record.subarray(RECORD_HEADER_LENGTH), {
        protocol: 'tls13',
      });
      if (message.type !== 1) throw new Error('not a ClientHello');
      return findExtension(message.extensions, ExtensionType.supportedGroups)?.groups ?? [];
    };
    expect(await groupsOf(both)).toContain(NamedGroup.X25519MLKEM768);
    const offered = await groupsOf(only12);
    expect(offered).not.toContain(NamedGroup.X25519MLKEM768);
    expect(offered).not.toContain(NamedGroup.ffdhe2048);
    expect(offered).toContain(NamedGroup.x25519);
    expect(offered).toContain(NamedGroup.secp521r1);
    expect(offered).toContain(NamedGroup.x448);
  });

  it('a client that also offered TLS 1.3 refuses a 1.2 ServerKeyExchange naming an FFDHE group', async () => {
    // The 1.3-capable hello lists ffdhe2048 in supported_groups, but RFC 8422 5.4 ECDHE
    // parameters may only name an elliptic curve: rename the server's curve and expect
    // illegal_parameter (before the fix: the signature check failed, decrypt_error).
    const f = await fixtures();
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...both });
    const server = createServer({ provider, certificates: [f.server.p256], ...only12 });
    let clientError: Error | undefined;
    client.on('close', (e) => {
      clientError = e.error;
    });
    await client.start();
    for (const chunk of client.takeOutput()) await server.receive(chunk);
    const flight = Uint8Array.from(server.takeOutput().flatMap((c) => [...c]));
    // ServerKeyExchange: type 12, uint24 length, curve_type named_curve (3), x25519 (0x001d), 32.
    const at = flight.findIndex(
      (b, i) =>
        b === 12 &&
        flight[i + 4] === 3 &&
        flight[i + 5] === 0 &&
        flight[i + 6] === 0x1d &&
        flight[i + 7] === 32,
    );
    expect(at).toBeGreaterThan(0);
    flight.set([0x01, 0x00], at + 5);
    await client.receive(flight);
    expect(clientError).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  });
});

describe('TLS 1.2 session ID echo', () => {
  it('the client refuses a ServerHello echoing a session ID it did not offer to resume', async () => {
    // The 32-byte legacy_session_id of compatibility mode is random, not a TLS 1.2 session: a
    // server echoing it claims an abbreviated handshake for a session the client never had
    // (BoGo's EchoTLS13CompatibilitySessionID).
    const f = await fixtures();
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...both });
    const server = createServer({ provider, certificates: [f.server.p256], ...only12 });
    let clientError: Error | undefined;
    client.on('close', (e) => {
      clientError = e.error;
    });
    await client.start();
    const chRecord = Buffer.concat(client.takeOutput());
    const ch = decodeHandshake(chRecord.subarray(5), { protocol: 'tls12' }).message as ClientHello;
    expect(ch.legacySessionId.length).toBe(32);
    await server.receive(chRecord);
    const flight = Buffer.concat(server.takeOutput());
    const shLength = 4 + ((flight[6]! << 16) | (flight[7]! << 8) | flight[8]!);
    const decoded = decodeHandshake(flight.subarray(5, 5 + shLength), { protocol: 'tls12' });
    const sh = decoded.message as ServerHello;
    const body = encodeHandshake({ ...sh, legacySessionIdEcho: ch.legacySessionId });
    const record = new Uint8Array(5 + body.length);
    record.set([22, 3, 3, body.length >> 8, body.length & 0xff]);
    record.set(body, 5);
    await client.receive(record);
    expect(clientError).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  });
});

describe('TLS 1.2 NewSessionTicket announced in the ServerHello', () => {
  it('the client refuses a ChangeCipherSpec where the announced NewSessionTicket belongs', async () => {
    // RFC 5077 3.3: a server that answered session_ticket MUST send a NewSessionTicket before
    // its ChangeCipherSpec (BoGo's SkipNewSessionTicket).
    const f = await fixtures();
    const ticketKeys = [{ name: new Uint8Array(16).fill(3), key: new Uint8Array(32).fill(4) }];
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...only12 });
    const server = createServer({
      provider,
      certificates: [f.server.p256],
      ...only12,
      ticketKeys,
    });
    let clientError: Error | undefined;
    client.on('close', (e) => {
      clientError = e.error;
    });
    await client.start();
    for (const c of client.takeOutput()) await server.receive(c);
    for (const c of server.takeOutput()) await client.receive(c);
    for (const c of client.takeOutput()) await server.receive(c);
    // The server's last flight: NewSessionTicket, ChangeCipherSpec, Finished. Drop the ticket.
    const flight = Buffer.concat(server.takeOutput());
    const kept: Buffer[] = [];
    let sawTicket = false;
    for (let at = 0; at < flight.length; ) {
      const end = at + 5 + flight.readUInt16BE(at + 3);
      if (flight[at] === 22 && !kept.some((r) => r[0] === 20)) sawTicket = true;
      else kept.push(flight.subarray(at, end));
      at = end;
    }
    expect(sawTicket).toBe(true);
    for (const r of kept) await client.receive(r);
    expect(clientError).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });
});
