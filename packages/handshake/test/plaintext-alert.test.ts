/**
 * A plaintext alert is only believable while the handshake runs (a peer that cannot use our
 * keys). Afterwards anyone on the path could forge one: a forged close_notify would truncate the
 * data stream undetected, so the engines must refuse it.
 */
import { nobleProvider } from '@tlskit/crypto';
import { createClient, createServer, pump } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

// An unprotected alert record: type 21, version 3,3, length 2, warning close_notify.
const forgedCloseNotify = new Uint8Array([21, 3, 3, 0, 2, 1, 0]);

describe('plaintext alerts after the handshake', () => {
  // TLS 1.3 hides content types, so a cleartext alert is a record of the wrong outer type; TLS 1.2
  // protects alerts under the real type, so the forged record fails authentication.
  for (const [version, code] of [
    ['TLSv1.3', 'ERR_UNEXPECTED_MESSAGE'],
    ['TLSv1.2', 'ERR_BAD_RECORD_MAC'],
  ] as const) {
    it(`${version}: a forged plaintext close_notify is ${code}, not an orderly end`, async () => {
      const f = await fixtures();
      const versions = { minVersion: version, maxVersion: version };
      const client = createClient({
        provider: nobleProvider,
        serverName: 'localhost',
        ca: [f.caDer],
        ...versions,
      });
      const server = createServer({
        provider: nobleProvider,
        certificates: [f.server.p256],
        ...versions,
      });
      let ended = false;
      let closeError: Error | undefined;
      client.on('end', () => {
        ended = true;
      });
      client.on('close', ({ error }) => {
        closeError = error;
      });
      await client.start();
      await server.start();
      await pump(client, server);
      expect(client.state).toBe('connected');

      await client.receive(forgedCloseNotify);
      expect(ended).toBe(false);
      expect(closeError).toMatchObject({ code });
    });
  }
});
