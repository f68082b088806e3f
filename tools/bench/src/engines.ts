/**
 * tlskit's sans-IO engines for one connection, joined in memory with no socket or stream between
 * them: the bulk row that says how much of tlskit's cost is TLS (records, AEAD calls, the
 * engine) and how much is Node's sockets and streams around it.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import { createClient, createServer, pump } from '@tlskit/handshake';
import { CipherSuite } from '@tlskit/wire';
import { parsePem } from '@tlskit/x509';
import { benchCredential, caPem, type Profile, suiteFor } from './peers.js';

/** Bytes a socket read hands over at most: what the receiving engine is fed per call. */
const readSize = 64 * 1024;

export interface EnginePipe {
  /** Seals `data` on the client, opens it on the server; resolves when all of it arrived. */
  send(data: Uint8Array): Promise<void>;
}

export async function openEnginePipe(
  provider: CryptoProvider,
  profile: Profile,
): Promise<EnginePipe> {
  const credential = benchCredential(profile.cert);
  const suite = CipherSuite[suiteFor(profile) as keyof typeof CipherSuite];
  const versions = { minVersion: profile.version, maxVersion: profile.version } as const;
  const client = createClient({
    provider,
    serverName: 'tlskit.test',
    ca: parsePem(caPem()),
    cipherSuites: [suite],
    ...versions,
  });
  const server = createServer({
    provider,
    certificates: [
      {
        chain: parsePem(credential.chain.pem),
        key: await provider.importPrivateKey(credential.key.pem),
      },
    ],
    ...versions,
  });
  let received = 0;
  server.on('data', (data) => {
    received += data.length;
  });
  await client.start();
  await pump(client, server);
  if (client.handshakeInfo === undefined) throw new Error('engines: no handshake');
  return {
    async send(data) {
      const expected = received + data.length;
      await client.write(data);
      // The socket joins the chunks a record is sent as; join them here, then read them back
      // in socket-sized pieces, as the TCP path would.
      const wire = Buffer.concat(client.takeOutput());
      for (let at = 0; at < wire.length; at += readSize) {
        await server.receive(wire.subarray(at, at + readSize));
      }
      if (received !== expected) throw new Error(`engines: ${received} of ${expected} bytes`);
    },
  };
}
