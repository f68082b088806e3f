/**
 * The server's configuration chosen at ClientHello time (ServerOptions.chooseConfig; Go's
 * GetConfigForClient, rustls' Acceptor): called once with what the decoded and checked hello
 * offers, its answer used for the whole handshake, whatever the hello's size or record split.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientHelloInfo,
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  OptionsError,
  prepareServer,
  pump,
  type ServerChoice,
  type ServerOptions,
} from '@tlskit/handshake';
import { concatBytes, ExtensionType, HandshakeType, NamedGroup, TlsError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { rewriteSentHandshake } from '../src/testing.js';
import { fixtures } from './fixtures.js';

interface Run {
  client: Connection;
  server: Connection;
  hellos: ClientHelloInfo[];
  serverError: (Error & { code?: string; alert?: number; cause?: unknown }) | undefined;
  clientError: (Error & { code?: string; alert?: number }) | undefined;
}

/** A handshake with a server whose chooseConfig answers `choose(hello, base)`. */
async function run(
  choose: (hello: ClientHelloInfo, base: ServerOptions) => ServerChoice,
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Run> {
  const f = await fixtures();
  const hellos: ClientHelloInfo[] = [];
  const base: ServerOptions = { provider, certificates: [f.server.p256], ...server };
  const s = createServer({
    ...base,
    chooseConfig: async (hello) => {
      hellos.push(hello);
      return choose(hello, base);
    },
  });
  const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...client });
  const result: Run = {
    client: c,
    server: s,
    hellos,
    serverError: undefined,
    clientError: undefined,
  };
  s.on('close', (e) => {
    result.serverError = e.error;
  });
  c.on('close', (e) => {
    result.clientError = e.error;
  });
  await c.start();
  await pump(c, s);
  return result;
}

describe('ServerOptions.chooseConfig', () => {
  it('is called once with what the ClientHello offers, and its certificates are used', async () => {
    const f = await fixtures();
    const r = await run(
      (_hello, base) => ({ ...base, certificates: [f.server.ed25519] }),
      { alpnProtocols: ['h2', 'http/1.1'], cipherSuites: [0x1302, 0x1301] },
      { alpnProtocols: ['http/1.1'] },
    );
    expect(r.client.state).toBe('connected');
    expect(r.hellos).toHaveLength(1);
    expect(r.hellos[0]).toMatchObject({
      serverName: 'localhost',
      alpnProtocols: ['h2', 'http/1.1'],
      cipherSuites: [0x1302, 0x1301],
    });
    expect(r.hellos[0]!.signatureSchemes).toContain(0x0807); // ed25519
    expect(r.client.getPeerCertificates()[0]).toEqual(f.server.ed25519.chain[0]);
    expect(r.client.handshakeInfo?.alpn).toBe('http/1.1');
  });

  it('keeps the server options when it returns undefined; serverName is undefined without SNI', async () => {
    const f = await fixtures();
    const hellos: ClientHelloInfo[] = [];
    const server = createServer({
      provider,
      certificates: [f.server.p256],
      chooseConfig: (hello) => {
        hellos.push(hello);
        return undefined;
      },
    });
    // No serverName: the client sends no server_name (and checks no identity).
    const client = createClient({ provider, ca: [f.caDer] });
    await client.start();
    await pump(client, server);
    const r = { client, hellos };
    expect(r.client.state).toBe('connected');
    expect(r.hellos[0]).toMatchObject({ serverName: undefined, alpnProtocols: [] });
    expect(r.client.getPeerCertificates()[0]).toEqual(f.server.p256.chain[0]);
  });

  it('applies to TLS 1.2 as well', async () => {
    const f = await fixtures();
    const r = await run((_hello, base) => ({ ...base, certificates: [f.server.rsa] }), {
      maxVersion: 'TLSv1.2',
    });
    expect(r.client.handshakeInfo?.version).toBe('TLSv1.2');
    expect(r.client.getPeerCertificates()[0]).toEqual(f.server.rsa.chain[0]);
    expect(r.hellos).toHaveLength(1);
  });

  it('is not called again for the ClientHello after a HelloRetryRequest', async () => {
    const f = await fixtures();
    const r = await run(
      (_hello, base) => ({
        ...base,
        certificates: [f.server.p384],
        groups: [NamedGroup.secp256r1],
      }),
      { groups: [NamedGroup.x25519, NamedGroup.secp256r1], keyShareGroups: [NamedGroup.x25519] },
    );
    expect(r.client.handshakeInfo).toMatchObject({ helloRetryRequest: true, group: 'secp256r1' });
    expect(r.client.getPeerCertificates()[0]).toEqual(f.server.p384.chain[0]);
    expect(r.hellos).toHaveLength(1);
  });

  it("may answer with a PreparedServer, bound to this connection's hooks", async () => {
    const f = await fixtures();
    const prepared = prepareServer({ provider, certificates: [f.server.ed25519] });
    const staples: string[] = [];
    const r = await run(
      () =>
        prepared.bind({
          ocspStapling: ({ serverName }) => {
            staples.push(serverName ?? '');
            return undefined;
          },
        }),
      { requestOcsp: true },
    );
    expect(r.client.state).toBe('connected');
    expect(r.client.getPeerCertificates()[0]).toEqual(f.server.ed25519.chain[0]);
    // The bound hook, not the prepared options' (which have none), answered the staple request.
    expect(staples).toEqual(['localhost']);
  });

  it('fails the handshake with internal_error when it throws, with the error as cause', async () => {
    const boom = new Error('no such tenant');
    const r = await run(() => {
      throw boom;
    });
    expect(r.server.state).toBe('closed');
    expect(r.serverError).toMatchObject({ code: 'ERR_INTERNAL', alert: 80 });
    expect(r.serverError?.cause).toBe(boom);
    expect(r.client.state).toBe('closed');
  });

  it('ends the handshake with the alert of a TlsError it throws (its own refusal)', async () => {
    const refusal = new TlsError('ERR_HANDSHAKE_FAILURE', 40, 'unknown tenant');
    const r = await run(() => {
      throw refusal;
    });
    expect(r.serverError).toBe(refusal);
    // The client saw handshake_failure (40), not internal_error.
    expect(r.clientError).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 40 });
  });

  it('fails with internal_error when the options it returns are bad', async () => {
    const r = await run((_hello, base) => ({ ...base, certificates: [] }));
    expect(r.serverError).toMatchObject({ code: 'ERR_INTERNAL', alert: 80 });
    expect(r.serverError?.cause).toBeInstanceOf(OptionsError);
  });

  it('lets a server start without certificates only when it has a chooseConfig', () => {
    expect(() => createServer({ provider, certificates: [] })).toThrow(OptionsError);
    expect(() => createServer({ provider, certificates: [], chooseConfig: 5 as never })).toThrow(
      OptionsError,
    );
    expect(createServer({ provider, certificates: [], chooseConfig: () => undefined }).role).toBe(
      'server',
    );
  });

  it('sees the server name of a hello of 40 KiB spanning records, fed in 1,000-byte pieces', async () => {
    const f = await fixtures();
    const hellos: ClientHelloInfo[] = [];
    const server = createServer({
      provider,
      certificates: [],
      chooseConfig: (hello) => {
        hellos.push(hello);
        return { provider, certificates: [f.server.p256] };
      },
    });
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
    rewriteSentHandshake(client, (m) =>
      m.type === HandshakeType.clientHello
        ? { ...m, extensions: [...m.extensions, { type: ExtensionType.padding, length: 40_000 }] }
        : m,
    );
    await client.start();
    const hello = concatBytes(client.takeOutput());
    expect(hello.length).toBeGreaterThan(40_000);
    for (let at = 0; at < hello.length; at += 1000) {
      await server.receive(hello.subarray(at, at + 1000));
      // Called once, only when the last piece completes the hello.
      expect(hellos).toHaveLength(at + 1000 >= hello.length ? 1 : 0);
    }
    await pump(client, server);
    expect(hellos[0]?.serverName).toBe('localhost');
    expect(client.state).toBe('connected');
    expect(server.state).toBe('connected');
  });
});
