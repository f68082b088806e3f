/**
 * CommonOptions.maxHandshakeMessageSize (OpenSSL's max_cert_list): a peer's handshake message
 * over the cap ends the handshake with ERR_HANDSHAKE_MESSAGE_TOO_LARGE.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, OptionsError } from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { connectPair } from './pair.js';
import { fixtures } from './fixtures.js';

describe('maxHandshakeMessageSize', () => {
  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`refuses a certificate chain over the cap and takes one under it (${maxVersion})`, async () => {
      const f = await fixtures();
      // A Certificate message with an RSA-2048 leaf (its key and signature alone are 512 bytes) is
      // over 600 bytes and under 16 KiB.
      const small = await connectPair([f.server.rsa], {
        maxVersion,
        maxHandshakeMessageSize: 600,
      });
      expect(small.clientClose?.error).toMatchObject({ code: 'ERR_HANDSHAKE_MESSAGE_TOO_LARGE' });
      expect(small.clientInfo).toBeUndefined();
      const roomy = await connectPair([f.server.rsa], {
        maxVersion,
        maxHandshakeMessageSize: 16_384,
      });
      expect(roomy.clientInfo?.version).toBe(maxVersion);
    });
  }

  it('is checked at creation', () => {
    for (const bad of [255, 1.5, 0x1000000]) {
      expect(() => createClient({ provider, maxHandshakeMessageSize: bad })).toThrow(OptionsError);
    }
  });
});
