import { nobleProvider } from '@tlskit/crypto';
import {
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  type HandshakeInfo,
  pump,
  type ServerOptions,
} from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

const provider = nobleProvider;

interface Pair {
  client: Connection;
  server: Connection;
  clientInfo: HandshakeInfo | undefined;
  serverInfo: HandshakeInfo | undefined;
  clientClose: { error: Error | undefined } | undefined;
  serverClose: { error: Error | undefined } | undefined;
}

async function connect(
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Pair> {
  const f = await fixtures();
  const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...client });
  const s = createServer({ provider, certificates: [f.server.p256], ...server });
  const pair: Pair = {
    client: c,
    server: s,
    clientInfo: undefined,
    serverInfo: undefined,
    clientClose: undefined,
    serverClose: undefined,
  };
  c.on('handshake', (i) => {
    pair.clientInfo = i;
  });
  s.on('handshake', (i) => {
    pair.serverInfo = i;
  });
  c.on('close', (e) => {
    pair.clientClose = e;
  });
  s.on('close', (e) => {
    pair.serverClose = e;
  });
  await c.start();
  await pump(c, s);
  return pair;
}

describe('TLS 1.3 handshake in memory', () => {
  it('completes a full 1-RTT handshake and exchanges data both ways', async () => {
    const p = await connect();
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.clientInfo?.version).toBe('TLSv1.3');
    expect(p.clientInfo?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(p.clientInfo?.group).toBe(p.serverInfo?.group);
    expect(p.clientInfo?.peerVerified).toBe(true);
    const got: string[] = [];
    p.server.on('data', (d) => got.push(new TextDecoder().decode(d)));
    p.client.on('data', (d) => got.push(`client:${new TextDecoder().decode(d)}`));
    await p.client.write(new TextEncoder().encode('ping'));
    await p.server.write(new TextEncoder().encode('pong'));
    await pump(p.client, p.server);
    expect(got).toEqual(['ping', 'client:pong']);
  });
});
