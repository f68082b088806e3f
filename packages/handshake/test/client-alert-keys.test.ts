/**
 * A TLS 1.3 client that fails after the ServerHello (a bad EncryptedExtensions, Certificate or
 * CertificateVerify) must send its alert under the client handshake traffic key: from the
 * ServerHello on, the server reads with that key (RFC 8446 section 7.3 and figure 1; BoringSSL,
 * Go and rustls servers all do), so a cleartext alert reaches it as a record it cannot open
 * (BoGo: `local error: bad record MAC` instead of the alert the test expects).
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, createServer, PeerAlertError } from '@tlskit/handshake';
import { TlsError } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

describe('TLS 1.3 client alerts after the ServerHello', () => {
  for (const middleboxCompatibility of [true, false]) {
    it(`are protected with the client handshake key (middlebox mode ${middleboxCompatibility})`, async () => {
      const f = await fixtures();
      const client = createClient({
        provider,
        serverName: 'localhost',
        middleboxCompatibility,
        verifyCertificate: async () => {
          throw new TlsError('ERR_CERT_REJECTED', 42, 'rejected by the test');
        },
      });
      const server = createServer({ provider, certificates: [f.server.p256] });
      let serverError: Error | undefined;
      server.on('close', ({ error }) => {
        serverError = error;
      });
      await client.start();
      for (const chunk of client.takeOutput()) await server.receive(chunk);
      for (const chunk of server.takeOutput()) await client.receive(chunk);
      expect(client.state).toBe('closed');

      const records = client.takeOutput();
      const bytes = Buffer.concat(records);
      // Optional change_cipher_spec, then one record of outer type application_data.
      const alertStart = bytes[0] === 20 ? 6 : 0;
      expect(bytes[alertStart]).toBe(23);
      for (const chunk of records) await server.receive(chunk);
      expect(serverError).toBeInstanceOf(PeerAlertError);
      expect((serverError as PeerAlertError).description).toBe(42);
    });
  }
});
