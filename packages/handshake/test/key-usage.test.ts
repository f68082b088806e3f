/**
 * A peer's leaf must allow digitalSignature to sign the handshake (RFC 5280 4.2.1.3), whoever
 * judged its chain: here a `verifyCertificate` that accepts anything, as a caller with its own
 * trust decisions (or BoGo's shim) has, must not let a keyAgreement-only or
 * keyEncipherment-only certificate through. The leaves come from the openssl CLI (fixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

const acceptAny = async () => undefined;
const versions = [
  ['TLS 1.3', { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }],
  ['TLS 1.2', { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }],
] as const;

describe.each(versions)('keyUsage of the peer leaf, %s', (_name, version) => {
  it.each(['p256', 'rsa'] as const)(
    'a client refuses a %s server leaf that may not sign, with unsupported_certificate',
    async (kind) => {
      const f = await fixtures();
      const pair = await connectPair([f.cannotSign[kind]], {
        ...version,
        verifyCertificate: acceptAny,
      });
      expect(pair.clientInfo).toBeUndefined();
      expect(pair.clientClose?.error).toMatchObject({ code: 'ERR_CERT_KEY_USAGE', alert: 43 });
      expect(pair.serverClose?.error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 43 });
    },
  );

  it('a server refuses a client leaf that may not sign', async () => {
    const f = await fixtures();
    const pair = await connectPair(
      [f.server.p256],
      { ...version, certificate: f.cannotSign.p256 },
      { clientAuth: 'require', verifyCertificate: acceptAny },
    );
    expect(pair.serverInfo).toBeUndefined();
    expect(pair.serverClose?.error).toMatchObject({ code: 'ERR_CERT_KEY_USAGE', alert: 43 });
  });

  it('the same handshake succeeds with a leaf that may sign', async () => {
    const f = await fixtures();
    const pair = await connectPair(
      [f.server.p256],
      { ...version, certificate: f.client, verifyCertificate: acceptAny },
      { clientAuth: 'require', verifyCertificate: acceptAny },
    );
    expect(pair.clientInfo).toBeDefined();
    expect(pair.serverInfo).toBeDefined();
  });
});
