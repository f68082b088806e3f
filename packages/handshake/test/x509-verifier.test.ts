/**
 * The one chain verifier over @tlskit/x509 (issue 16): `ca` as a TrustStore or as DER, the host
 * name (SNI, an override, or none for a caller that checks it), and the path it resolves with.
 * The certificates come from the openssl CLI (fixtures.ts).
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { verifyPeerChain, x509Verifier } from '@tlskit/handshake';
import { TrustStore } from '@tlskit/x509';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

// The fixtures are made when first asked for: take the clock at each check, after them.
const server = (serverName: string | undefined) => ({
  serverName,
  now: Date.now(),
  peer: 'server' as const,
});

describe('x509Verifier', () => {
  it('resolves with the path, leaf first and anchor last', async () => {
    const f = await fixtures();
    const verify = x509Verifier({ provider, trustStore: new TrustStore([f.caDer]) });
    const path = await verify(f.server.p256.chain, server('localhost'));
    expect(path).toEqual([f.server.p256.chain[0], f.caDer]);
  });

  it('checks the SNI name by default, and the override when one is given', async () => {
    const f = await fixtures();
    const trustStore = new TrustStore([f.caDer]);
    await expect(
      verifyPeerChain(f.server.p256.chain, server('other.example'), { provider, trustStore }),
    ).rejects.toMatchObject({ code: 'ERR_CERT_HOSTNAME_MISMATCH' });
    // The leaf is for localhost and server-p256.test: an override replaces the SNI name.
    await expect(
      verifyPeerChain(f.server.p256.chain, server('other.example'), {
        provider,
        trustStore,
        hostname: 'server-p256.test',
      }),
    ).resolves.toBeDefined();
    await expect(
      verifyPeerChain(f.server.p256.chain, server('localhost'), {
        provider,
        trustStore,
        hostname: 'other.example',
      }),
    ).rejects.toMatchObject({ code: 'ERR_CERT_HOSTNAME_MISMATCH' });
  });

  it('leaves the name to the caller with hostname false, but still checks the path', async () => {
    const f = await fixtures();
    const options = {
      provider,
      trustStore: () => new TrustStore([f.caDer]),
      hostname: false as const,
    };
    await expect(
      verifyPeerChain(f.server.p256.chain, server('other.example'), options),
    ).resolves.toBeDefined();
    const untrusted = { ...options, trustStore: new TrustStore([f.otherCaDer]) };
    await expect(
      verifyPeerChain(f.server.p256.chain, server('localhost'), untrusted),
    ).rejects.toMatchObject({ code: 'ERR_CERT_UNKNOWN_ISSUER' });
  });

  it('wants clientAuth of a client chain, serverAuth of a server chain', async () => {
    const f = await fixtures();
    const options = { provider, trustStore: new TrustStore([f.caDer]) };
    const client = { serverName: undefined, now: Date.now(), peer: 'client' as const };
    await expect(verifyPeerChain(f.client.chain, client, options)).resolves.toBeDefined();
    await expect(verifyPeerChain(f.server.p256.chain, client, options)).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_CERT_/),
    });
  });

  it('refuses an empty chain instead of accepting it', async () => {
    const f = await fixtures();
    await expect(
      verifyPeerChain([], server('localhost'), { provider, trustStore: new TrustStore([f.caDer]) }),
    ).rejects.toMatchObject({ code: 'ERR_CERT_MISSING', alert: 42 });
  });
});

describe('options.ca', () => {
  it('takes a TrustStore as well as DER anchors', async () => {
    const f = await fixtures();
    const p = await connectPair([f.server.p256], { ca: new TrustStore([f.caDer]) });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.peerVerified).toBe(true);
  });

  it('fails a server no anchor of the TrustStore vouches for', async () => {
    const f = await fixtures();
    const p = await connectPair([f.server.p256], { ca: new TrustStore([f.otherCaDer]) });
    expect(p.clientClose?.error).toMatchObject({ code: 'ERR_CERT_UNKNOWN_ISSUER' });
  });
});
