/**
 * Connection.setMaxSendFragment (node:tls's setMaxSendFragment): every record sent is at most
 * that many bytes of plaintext, handshake records included, and the peer reads them as usual.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { concatBytes } from '@tlskit/wire';
import { createClient, createServer } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

/** The length field of each record in a stream of whole records. */
function recordLengths(stream: Uint8Array): number[] {
  const lengths: number[] = [];
  for (let at = 0; at < stream.length; ) {
    const length = (stream[at + 3]! << 8) | stream[at + 4]!;
    lengths.push(length);
    at += 5 + length;
  }
  return lengths;
}

describe('Connection.setMaxSendFragment', () => {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`caps every record the server sends, handshake and data (${version})`, async () => {
      const f = await fixtures();
      // An RSA chain: a Certificate message well over 512 bytes.
      const server = createServer({ provider, certificates: [f.server.rsa], maxVersion: version });
      const client = createClient({
        provider,
        serverName: 'localhost',
        ca: [f.caDer],
        maxVersion: version,
      });
      expect(server.setMaxSendFragment(512)).toBe(true);
      const received: Uint8Array[] = [];
      client.on('data', (d) => received.push(d));
      const sent: Uint8Array[] = [];
      await client.start();
      // Pumped by hand, to keep what the server sent.
      for (let i = 0; i < 16; i++) {
        const fromClient = client.takeOutput();
        const fromServer = server.takeOutput();
        if (fromClient.length === 0 && fromServer.length === 0) break;
        for (const c of fromClient) await server.receive(c);
        for (const c of fromServer) {
          sent.push(c);
          await client.receive(c);
        }
      }
      expect(client.state).toBe('connected');
      const message = new Uint8Array(2000).fill(7);
      await server.write(message);
      for (const c of server.takeOutput()) {
        sent.push(c);
        await client.receive(c);
      }
      expect(concatBytes(received)).toEqual(message);
      const lengths = recordLengths(concatBytes(sent));
      // Plaintext records carry at most 512 bytes; protected ones 512 plus the AEAD expansion
      // (TLS 1.3: content type and tag; TLS 1.2 GCM: explicit nonce and tag).
      expect(Math.max(...lengths)).toBeLessThanOrEqual(512 + 24);
      expect(lengths.length).toBeGreaterThan(8);
    });
  }

  it('refuses a size outside 512..16384', () => {
    const client = createClient({
      provider,
      serverName: 'localhost',
      dangerouslySkipCertificateVerification: true,
    });
    expect(() => client.setMaxSendFragment(511)).toThrow(RangeError);
    expect(() => client.setMaxSendFragment(16385)).toThrow(RangeError);
    expect(client.setMaxSendFragment(16384)).toBe(true);
  });
});
