/**
 * External PSKs (RFC 8446 2.2, 4.2.9, 4.2.11) between our two engines: psk_dhe_ke and psk_ke,
 * a server without certificates, the hash binding, a wrong key, an unknown identity. The
 * OpenSSL interop (the independent oracle) is in packages/cli/test/psk.test.ts.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  createClient,
  createServer,
  type ExternalPsk,
  type ExternalPskLookup,
  OptionsError,
  type ServerOptions,
} from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair, type Pair } from './pair.js';

const enc = (s: string) => new TextEncoder().encode(s);
const key = new Uint8Array(32).map((_, i) => i + 1);
const psk: ExternalPsk = { identity: enc('client-1'), key };
const lookup: ExternalPskLookup = (identity) =>
  new TextDecoder().decode(identity) === 'client-1' ? { key } : undefined;

/** A certificate-less server that knows `client-1`, and a client that offers it. */
async function connectPsk(
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Pair> {
  return connectPair([], { externalPsk: psk, ...client }, { pskCallback: lookup, ...server });
}

async function exchange(p: Pair): Promise<string[]> {
  const got: string[] = [];
  p.server.on('data', (d) => got.push(new TextDecoder().decode(d)));
  await p.client.write(enc('over the psk'));
  const { pump } = await import('@tlskit/handshake');
  await pump(p.client, p.server);
  return got;
}

describe('external PSKs', () => {
  it('completes psk_dhe_ke with a server that has no certificate, TLS_AES_128_GCM_SHA256', async () => {
    const p = await connectPsk();
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.serverClose?.error).toBeUndefined();
    for (const info of [p.clientInfo, p.serverInfo]) {
      expect(info).toMatchObject({
        version: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        resumed: false,
        peerVerified: true,
        peerCertificates: [],
      });
      expect(info?.pskIdentity).toEqual(enc('client-1'));
      // psk_dhe_ke: a key exchange happened.
      expect(info?.group).toBeDefined();
    }
    expect(await exchange(p)).toEqual(['over the psk']);
  });

  it('completes psk_ke (no key exchange) when both sides allow only it', async () => {
    const p = await connectPsk(
      { pskKeyExchangeModes: ['psk_ke'] },
      { pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'] },
    );
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo).toMatchObject({ group: undefined, groupCode: undefined });
    expect(p.serverInfo).toMatchObject({ group: undefined });
    expect(await exchange(p)).toEqual(['over the psk']);
  });

  it('prefers psk_dhe_ke when the client offers both modes', async () => {
    const p = await connectPsk(
      { pskKeyExchangeModes: ['psk_ke', 'psk_dhe_ke'] },
      { pskKeyExchangeModes: ['psk_dhe_ke', 'psk_ke'] },
    );
    expect(p.clientInfo?.group).toBeDefined();
    expect(p.serverInfo?.group).toBe(p.clientInfo?.group);
  });

  it('chooses a SHA-384 suite for a SHA-384 PSK even when the server prefers SHA-256', async () => {
    const p = await connectPsk(
      { externalPsk: { ...psk, hash: 'SHA-384' } },
      {
        pskCallback: () => ({ key, hash: 'SHA-384' }),
        cipherSuites: [0x1301, 0x1302],
      },
    );
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.cipherSuite).toBe('TLS_AES_256_GCM_SHA384');
  });

  it('goes through a HelloRetryRequest with the binder recomputed', async () => {
    const p = await connectPsk(
      { groups: [0x001d, 0x0017], keyShareGroups: [0x001d] },
      { groups: [0x0017] },
    );
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo).toMatchObject({ helloRetryRequest: true, group: 'secp256r1' });
    expect(p.serverInfo?.pskIdentity).toEqual(enc('client-1'));
  });

  it('refuses a wrong key with decrypt_error (the binder does not verify)', async () => {
    const p = await connectPsk({ externalPsk: { ...psk, key: new Uint8Array(32) } });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_DECRYPT', alert: 51 });
    expect(p.clientInfo).toBeUndefined();
  });

  it('answers an unknown identity with handshake_failure when it has no certificate', async () => {
    const p = await connectPsk({ externalPsk: { ...psk, identity: enc('stranger') } });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_HANDSHAKE_FAILURE', alert: 40 });
    expect(p.clientInfo).toBeUndefined();
  });

  it('falls back to its certificate for an unknown identity, which the client then verifies', async () => {
    const f = await fixtures();
    const p = await connectPair(
      [f.server.p256],
      { externalPsk: { ...psk, identity: enc('stranger') } },
      { pskCallback: lookup },
    );
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.peerCertificates[0]).toEqual(f.server.p256.chain[0]);
    expect(p.clientInfo?.pskIdentity).toBeUndefined();
  });

  it('does not use psk_ke unless the server allows it', async () => {
    const p = await connectPsk({ pskKeyExchangeModes: ['psk_ke'] });
    // No mode in common: no PSK, and this server has no certificate.
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_HANDSHAKE_FAILURE' });
  });

  it('checks its options at creation', async () => {
    const f = await fixtures();
    expect(() =>
      createClient({ provider, externalPsk: { identity: enc('x'), key: new Uint8Array(4) } }),
    ).toThrow(OptionsError);
    expect(() => createClient({ provider, externalPsk: psk, pskKeyExchangeModes: [] })).toThrow(
      OptionsError,
    );
    expect(() =>
      createClient({ provider, externalPsk: psk, ca: [f.caDer], session: new Uint8Array(1) }),
    ).toThrow(/either a session or an externalPsk/);
    // An external PSK authenticates the server: no trust anchors are needed.
    expect(() => createClient({ provider, externalPsk: psk })).not.toThrow();
    expect(() => createServer({ provider, certificates: [] })).toThrow(OptionsError);
    expect(() => createServer({ provider, certificates: [], pskCallback: lookup })).not.toThrow();
  });
});

describe('external PSKs and TLS 1.2', () => {
  it('refuses a TLS 1.2-only client with handshake_failure when the server has only PSKs', async () => {
    const p = await connectPair(
      [],
      { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
      { pskCallback: lookup },
    );
    expect(p.serverClose?.error).toMatchObject({ alert: 40 });
    expect(p.clientInfo).toBeUndefined();
  });
});
