/**
 * GREASE (RFC 8701): what a GREASE-ing client puts in its ClientHello, that tlskit's server and
 * OpenSSL's (node:tls) ignore it, that the client refuses a server that selects or echoes a
 * GREASE value, and a server's GREASE ticket extension, which tlskit's client and node:tls's
 * (OpenSSL) ignore.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect as nodeConnect, createServer as nodeCreateServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  createClient,
  createServer,
  pump,
  type ServerOptions,
  type TlsVersion,
} from '@tlskit/handshake';
import { stopAllPeers } from '@tlskit/interop';
import {
  type ClientHello,
  ExtensionType,
  findExtension,
  HandshakeType,
  type HandshakeMessage,
} from '@tlskit/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { isGrease } from '../src/tls13/grease.js';
import { rewriteSentHandshake } from '../src/testing.js';
import { connectEngine, nextEvent, serveEngines } from './engine-socket.js';
import { fixtures } from './fixtures.js';

afterEach(stopAllPeers);

// RFC 8701 section 2: the 16 values, written out rather than computed by the code under test.
const greaseValues = [
  0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba,
  0xcaca, 0xdada, 0xeaea, 0xfafa,
];

async function handshake(
  client: Partial<ClientOptions>,
  server: Partial<ServerOptions> = {},
  rewrite?: (m: HandshakeMessage, hellos: readonly ClientHello[]) => HandshakeMessage,
) {
  const f = await fixtures();
  const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...client });
  const s = createServer({ provider, certificates: [f.server.p256], ticketKeys: [key], ...server });
  const hellos: ClientHello[] = [];
  s.on('message', (t) => {
    if (t.message?.type === HandshakeType.clientHello) hellos.push(t.message);
  });
  const tickets: HandshakeMessage[] = [];
  c.on('message', (t) => {
    if (t.message?.type === HandshakeType.newSessionTicket) tickets.push(t.message);
  });
  let clientError: (Error & { code?: string; alert?: number }) | undefined;
  c.on('close', (e) => {
    clientError = e.error;
  });
  const sessions: unknown[] = [];
  c.on('session', (x) => sessions.push(x));
  if (rewrite !== undefined) rewriteSentHandshake(s, (m) => rewrite(m, hellos));
  await c.start();
  await pump(c, s);
  return { c, s, hellos, tickets, sessions, clientError: () => clientError };
}

const key = { name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) };

function greaseIn(hello: ClientHello) {
  const ks = findExtension(hello.extensions, ExtensionType.keyShare);
  const sv = findExtension(hello.extensions, ExtensionType.supportedVersions);
  return {
    suites: hello.cipherSuites.filter((v) => greaseValues.includes(v)),
    groups: (findExtension(hello.extensions, ExtensionType.supportedGroups)?.groups ?? []).filter(
      (v) => greaseValues.includes(v),
    ),
    shares:
      ks !== undefined && 'clientShares' in ks
        ? ks.clientShares.filter((s) => greaseValues.includes(s.group))
        : [],
    versions:
      sv !== undefined && 'versions' in sv
        ? sv.versions.filter((v) => greaseValues.includes(v))
        : [],
    extensions: hello.extensions.filter((e) => greaseValues.includes(e.type)),
  };
}

describe('a GREASE-ing client (RFC 8701 3.1)', () => {
  it('recognises exactly the 16 GREASE values', () => {
    const all = Array.from({ length: 0x10000 }, (_, v) => v);
    expect(all.filter(isGrease)).toEqual(greaseValues);
  });

  it.each<TlsVersion>(['TLSv1.3', 'TLSv1.2'])(
    'sends GREASE values that a %s tlskit server ignores',
    async (version) => {
      const r = await handshake({ grease: true }, { maxVersion: version });
      expect(r.clientError()).toBeUndefined();
      expect(r.c.handshakeInfo?.version).toBe(version);
      const g = greaseIn(r.hellos[0]!);
      expect(g.suites).toHaveLength(1);
      expect(g.groups).toHaveLength(1);
      expect(g.versions).toHaveLength(1);
      expect(g.shares).toEqual([{ group: g.groups[0], keyExchange: Uint8Array.of(0) }]);
      // Two extensions of different types, the first empty, the second one byte.
      expect(g.extensions.map((e) => ('raw' in e ? e.raw.length : -1))).toEqual([0, 1]);
      expect(g.extensions[0]!.type).not.toBe(g.extensions[1]!.type);
      expect(r.hellos[0]!.extensions[0]).toBe(g.extensions[0]);
    },
  );

  it('sends none by default', async () => {
    const r = await handshake({});
    const g = greaseIn(r.hellos[0]!);
    expect([g.suites, g.groups, g.versions, g.shares, g.extensions]).toEqual([[], [], [], [], []]);
  });

  it('keeps its GREASE values in ClientHello2, without the GREASE key share', async () => {
    const r = await handshake({ grease: true }, { groups: [0x0018] });
    expect(r.clientError()).toBeUndefined();
    expect(r.c.handshakeInfo?.helloRetryRequest).toBe(true);
    const [first, second] = r.hellos.map(greaseIn);
    expect(second!.suites).toEqual(first!.suites);
    expect(second!.groups).toEqual(first!.groups);
    expect(second!.versions).toEqual(first!.versions);
    expect(second!.extensions.map((e) => e.type)).toEqual(first!.extensions.map((e) => e.type));
    expect(second!.shares).toEqual([]);
  });

  it('refuses a server that selects its GREASE cipher suite', async () => {
    const r = await handshake({ grease: true }, {}, (m, hellos) =>
      m.type === HandshakeType.serverHello
        ? { ...m, cipherSuite: greaseIn(hellos[0]!).suites[0] as never }
        : m,
    );
    expect(r.clientError()).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  });

  it('refuses a retry that asks for its GREASE group', async () => {
    const r = await handshake({ grease: true }, { groups: [0x0018] }, (m, hellos) => {
      if (m.type !== HandshakeType.serverHello || !m.isHelloRetryRequest) return m;
      const group = greaseIn(hellos[0]!).groups[0]!;
      const extensions = m.extensions.map((e) =>
        e.type === ExtensionType.keyShare
          ? { type: ExtensionType.keyShare, selectedGroup: group }
          : e,
      );
      return { ...m, extensions } as HandshakeMessage;
    });
    expect(r.clientError()).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  });

  it('refuses a GREASE extension in EncryptedExtensions as unsolicited', async () => {
    const r = await handshake({ grease: true }, {}, (m, hellos) => {
      if (m.type !== HandshakeType.encryptedExtensions) return m;
      const echoed = greaseIn(hellos[0]!).extensions[0]!;
      return { ...m, extensions: [...m.extensions, echoed] };
    });
    expect(r.clientError()).toMatchObject({ code: 'ERR_UNSUPPORTED_EXTENSION', alert: 110 });
  });
});

describe('a GREASE-ing server (RFC 8701 3.2)', () => {
  it("adds an empty GREASE extension to its tickets, which tlskit's client ignores", async () => {
    const r = await handshake({}, { grease: true });
    expect(r.clientError()).toBeUndefined();
    expect(r.sessions).toHaveLength(1);
    const ticket = r.tickets[0]!;
    expect(ticket.type === HandshakeType.newSessionTicket && ticket.protocol === 'tls13').toBe(
      true,
    );
    const extensions = 'extensions' in ticket ? ticket.extensions : [];
    expect(extensions.map((e) => greaseValues.includes(e.type))).toEqual([true]);
  });

  it('adds none by default', async () => {
    const r = await handshake({});
    const ticket = r.tickets[0]!;
    expect('extensions' in ticket ? ticket.extensions : undefined).toEqual([]);
  });
});

describe('GREASE against OpenSSL (node:tls)', () => {
  it.each<TlsVersion>(['TLSv1.3', 'TLSv1.2'])(
    'a node:tls %s server completes the handshake with a GREASE-ing client',
    async (version) => {
      const f = await fixtures();
      const server = nodeCreateServer({
        cert: readFileSync(f.serverPem.p256.cert),
        key: readFileSync(f.serverPem.p256.key),
        maxVersion: version,
      });
      server.on('secureConnection', (socket) => socket.pipe(socket));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const client = createClient({
          provider,
          serverName: 'localhost',
          ca: [f.caDer],
          grease: true,
        });
        const done = nextEvent(client, 'handshake');
        await connectEngine(client, (server.address() as AddressInfo).port);
        expect((await done).version).toBe(version);
        client.close();
      } finally {
        server.close();
      }
    },
  );

  it('a node:tls server completes the handshake with a padded, GREASE-ing hello', async () => {
    const f = await fixtures();
    const server = nodeCreateServer({
      cert: readFileSync(f.serverPem.p256.cert),
      key: readFileSync(f.serverPem.p256.key),
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = createClient({
        provider,
        // x25519 alone and a long name: a hello of 256..511 bytes before padding.
        groups: [0x001d],
        serverName: `${'a'.repeat(60)}.example`,
        dangerouslySkipCertificateVerification: true,
        grease: true,
        clientHelloPadding: true,
      });
      const sent: number[] = [];
      client.on('message', (t) => {
        if (t.direction === 'sent' && t.type === 'client_hello') sent.push(t.length);
      });
      const done = nextEvent(client, 'handshake');
      await connectEngine(client, (server.address() as AddressInfo).port);
      expect((await done).version).toBe('TLSv1.3');
      expect(sent).toEqual([512]);
      client.close();
    } finally {
      server.close();
    }
  });

  it("a node:tls client takes a GREASE-ing server's ticket", async () => {
    const f = await fixtures();
    const port = await serveEngines(() =>
      createServer({ provider, certificates: [f.server.p256], ticketKeys: [key], grease: true }),
    );
    const socket = nodeConnect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: `-----BEGIN CERTIFICATE-----\n${Buffer.from(f.caDer).toString('base64')}\n-----END CERTIFICATE-----\n`,
    });
    const [session] = (await once(socket, 'session')) as [Buffer];
    expect(session.length).toBeGreaterThan(0);
    socket.destroy();
  });
});
