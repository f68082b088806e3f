/**
 * A client and a server engine connected in memory, with what each reported: the helper the
 * TLS 1.3 and TLS 1.2 engine tests share.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type CertificateEntry,
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  type HandshakeInfo,
  pump,
  type ServerOptions,
  type Session,
} from '@tlskit/handshake';
import { fixtures } from './fixtures.js';

export interface Pair {
  client: Connection;
  server: Connection;
  clientInfo: HandshakeInfo | undefined;
  serverInfo: HandshakeInfo | undefined;
  clientClose: { error: Error | undefined } | undefined;
  serverClose: { error: Error | undefined } | undefined;
  sessions: Session[];
}

/**
 * Runs a handshake between a client trusting the test CA (SNI `localhost`) and a server with
 * `certificates`, each overridden by the given options, and returns both ends.
 */
export async function connectPair(
  certificates: readonly CertificateEntry[],
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Pair> {
  const f = await fixtures();
  const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...client });
  const s = createServer({ provider, certificates, ...server });
  const pair: Pair = {
    client: c,
    server: s,
    clientInfo: undefined,
    serverInfo: undefined,
    clientClose: undefined,
    serverClose: undefined,
    sessions: [],
  };
  c.on('session', (session) => pair.sessions.push(session));
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
