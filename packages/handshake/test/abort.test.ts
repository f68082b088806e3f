/**
 * Connection.abort(error): the application ends a connection with a fatal alert of its choice
 * (RFC 8446 6.2), e.g. after a check of its own on the finished handshake.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { type Connection, createClient, createServer, pump } from '@tlskit/handshake';
import { TlsError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

async function connected(maxVersion: 'TLSv1.2' | 'TLSv1.3') {
  const f = await fixtures();
  const server = createServer({ provider, certificates: [f.server.p256], maxVersion });
  const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer], maxVersion });
  const errors = new Map<Connection, Error | undefined>();
  server.on('close', (e) => errors.set(server, e.error));
  client.on('close', (e) => errors.set(client, e.error));
  await client.start();
  await pump(client, server);
  expect(client.state).toBe('connected');
  return { client, server, errors };
}

describe('Connection.abort', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`sends the error's fatal alert and closes both sides (${version})`, async () => {
      const { client, server, errors } = await connected(version);
      const pin = new TlsError('ERR_BAD_CERTIFICATE', 42, 'pin mismatch');
      await client.abort(pin);
      expect(client.state).toBe('closed');
      expect(errors.get(client)).toBe(pin);
      await pump(client, server);
      // The server read a fatal bad_certificate alert under the traffic keys.
      expect(server.state).toBe('closed');
      expect(errors.get(server)).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 42 });
    });
  }

  it('works during the handshake, and is ignored once closed', async () => {
    const f = await fixtures();
    const client = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
    await client.start();
    client.takeOutput();
    await client.abort(new TlsError('ERR_HANDSHAKE_FAILURE', 40, 'changed my mind'));
    const [alert] = client.takeOutput();
    // A plaintext alert record: type 21, fatal (2), handshake_failure (40).
    expect([alert![0], alert![5], alert![6]]).toEqual([21, 2, 40]);
    await client.abort(new TlsError('ERR_HANDSHAKE_FAILURE', 40, 'again'));
    expect(client.takeOutput()).toEqual([]);
  });

  it('refuses what is not a TlsError with an alert', async () => {
    const { client } = await connected('TLSv1.3');
    expect(() => client.abort(new Error('no alert') as never)).toThrow(TypeError);
    expect(() => client.abort(new TlsError('ERR_INTERNAL', 300, 'too big'))).toThrow(TypeError);
    expect(client.state).toBe('connected');
  });
});
