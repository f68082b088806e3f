/**
 * `signingSchemes` (the schemes we may sign with) and the `compliancePolicy` presets built on it:
 * between our own engines, then against openssl s_client / s_server as the independent peer.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { compliancePolicy, createClient, createServer, OptionsError } from '@tlskit/handshake';
import {
  interopCerts,
  missingPeers,
  opensslClientExchange,
  startOpensslServer,
  stopAllPeers,
} from '@tlskit/interop';
import { CipherSuite, NamedGroup, SignatureScheme } from '@tlskit/wire';
import { afterEach, describe, expect, it } from 'vitest';
import {
  anchors,
  engineCredential,
  nextEvent,
  connectEngine,
  serveEngines,
} from './engine-socket.js';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

const S = SignatureScheme;

describe('signingSchemes', () => {
  it.each(['TLSv1.3', 'TLSv1.2'] as const)(
    '%s: the server signs with the first of the client schemes that signingSchemes allows',
    async (version) => {
      const f = await fixtures();
      const p = await connectPair(
        [f.server.rsa],
        {
          maxVersion: version,
          signatureSchemes: [S.rsa_pss_rsae_sha256, S.rsa_pss_rsae_sha384, S.rsa_pss_rsae_sha512],
        },
        { signingSchemes: [S.rsa_pss_rsae_sha512, S.rsa_pss_rsae_sha384] },
      );
      expect(p.clientClose?.error).toBeUndefined();
      expect(p.clientInfo?.version).toBe(version);
      // The client's order decides among the allowed ones; sha256 is not allowed.
      expect(p.clientInfo?.peerSignatureScheme).toBe(S.rsa_pss_rsae_sha384);
    },
  );

  it.each(['TLSv1.3', 'TLSv1.2'] as const)(
    '%s: a server that may sign with none of the client schemes fails with no common scheme',
    async (version) => {
      const f = await fixtures();
      const p = await connectPair(
        [f.server.p256],
        { maxVersion: version, signatureSchemes: [S.ecdsa_secp256r1_sha256] },
        { signingSchemes: [S.ecdsa_secp384r1_sha384, S.rsa_pss_rsae_sha256] },
      );
      expect(p.clientInfo).toBeUndefined();
      expect(p.serverClose?.error).toMatchObject({
        code: version === 'TLSv1.3' ? 'ERR_NO_SHARED_SIGNATURE_SCHEME' : 'ERR_NO_SHARED_CIPHER',
        alert: 40,
      });
    },
  );

  it('the server takes its next certificate when signingSchemes rules out the first', async () => {
    const f = await fixtures();
    const p = await connectPair(
      [f.server.p256, f.server.p384],
      {},
      {
        signingSchemes: [S.ecdsa_secp384r1_sha384],
      },
    );
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.peerSignatureScheme).toBe(S.ecdsa_secp384r1_sha384);
  });

  it.each(['TLSv1.3', 'TLSv1.2'] as const)(
    '%s: a client whose key may not sign any requested scheme sends an empty Certificate',
    async (version) => {
      const f = await fixtures();
      const p = await connectPair(
        [f.server.p256],
        { maxVersion: version, certificate: f.client, signingSchemes: [S.rsa_pss_rsae_sha256] },
        { clientAuth: 'require', verifyCertificate: async () => {} },
      );
      // The client key is ECDSA: with only an RSA scheme allowed it has nothing to send.
      expect(p.serverClose?.error).toMatchObject({ code: 'ERR_CERTIFICATE_REQUIRED' });
    },
  );

  it('is checked at creation', () => {
    for (const signingSchemes of [[], [0x1_0000], ['rsa' as unknown as number]]) {
      expect(() => createClient({ provider, signingSchemes })).toThrow(OptionsError);
    }
  });
});

describe('compliancePolicy', () => {
  it('refuses a name it does not know and returns frozen presets', () => {
    expect(() => compliancePolicy('fips-140' as 'fips-202205')).toThrow(OptionsError);
    const fips = compliancePolicy('fips-202205');
    expect(Object.isFrozen(fips)).toBe(true);
    expect(Object.isFrozen(fips.cipherSuites)).toBe(true);
    expect(Object.isFrozen(fips.signingSchemes)).toBe(true);
  });

  it('fips-202205: a TLS 1.3 server refuses a client offering only ChaCha20-Poly1305', async () => {
    const f = await fixtures();
    const p = await connectPair(
      [f.server.p256],
      { cipherSuites: [CipherSuite.TLS_CHACHA20_POLY1305_SHA256] },
      compliancePolicy('fips-202205'),
    );
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_CIPHER', alert: 40 });
  });

  it('fips-202205: a client offers P-256 and P-384 only, so an x25519-only server fails', async () => {
    const f = await fixtures();
    const p = await connectPair([f.server.p256], compliancePolicy('fips-202205'), {
      groups: [NamedGroup.x25519],
    });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_GROUP', alert: 40 });
  });

  it('fips-202205: a client refuses a server signing with Ed25519', async () => {
    const f = await fixtures();
    const p = await connectPair([f.server.ed25519], compliancePolicy('fips-202205'));
    expect(p.clientInfo).toBeUndefined();
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_SIGNATURE_SCHEME' });
  });

  it('wpa3-192-202304: both ends agree on AES-256-GCM, P-384 and a SHA-384 signature', async () => {
    const f = await fixtures();
    const policy = compliancePolicy('wpa3-192-202304');
    const p = await connectPair([f.server.rsa], policy, policy);
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo).toMatchObject({
      version: 'TLSv1.3',
      cipherSuite: 'TLS_AES_256_GCM_SHA384',
      group: 'secp384r1',
      peerSignatureScheme: S.rsa_pss_rsae_sha384,
    });
  });

  it('wpa3-192-202304: a server with a P-256 key cannot authenticate', async () => {
    const f = await fixtures();
    const p = await connectPair([f.server.p256], {}, compliancePolicy('wpa3-192-202304'));
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_SIGNATURE_SCHEME' });
  });

  it('cnsa-202407: the server prefers AES-256-GCM, then AES-128-GCM, whatever the client order', async () => {
    const f = await fixtures();
    const cnsa = compliancePolicy('cnsa-202407');
    const all = [
      CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
      CipherSuite.TLS_AES_128_GCM_SHA256,
      CipherSuite.TLS_AES_256_GCM_SHA384,
    ];
    const p = await connectPair([f.server.p256], { cipherSuites: all }, cnsa);
    expect(p.clientInfo?.cipherSuite).toBe('TLS_AES_256_GCM_SHA384');
    const q = await connectPair([f.server.p256], { cipherSuites: all.slice(0, 2) }, cnsa);
    expect(q.clientInfo?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    // TLS 1.2 keeps working with tlskit's default suites.
    const r = await connectPair([f.server.p256], { maxVersion: 'TLSv1.2' }, cnsa);
    expect(r.clientInfo?.version).toBe('TLSv1.2');
  });
});

const certs = interopCerts();
afterEach(stopAllPeers);

describe.skipIf(missingPeers('openssl'))('compliancePolicy against openssl', () => {
  /** Our server with an RSA credential, under a preset. */
  async function ourServer(name: Parameters<typeof compliancePolicy>[0]): Promise<number> {
    const certificates = [await engineCredential(certs.server.rsa2048)];
    return serveEngines(() => createServer({ provider, certificates, ...compliancePolicy(name) }));
  }

  const client = (
    port: number,
    options: { ciphersuites?: string[]; groups?: string[]; sigalgs?: string[] },
  ) =>
    opensslClientExchange({
      port,
      version: 'TLSv1.3',
      ca: certs.ca.cert,
      servername: 'localhost',
      send: 'hi\n',
      expect: 'hi',
      ...options,
    });

  it('fips-202205: s_client gets P-256 (after a retry from its x25519 share); ChaCha20 or x25519 alone is refused', async () => {
    const port = await ourServer('fips-202205');
    const ok = await client(port, {});
    expect(ok.summary).toMatchObject({ established: true, group: 'secp256r1' });
    const chacha = await client(port, { ciphersuites: ['TLS_CHACHA20_POLY1305_SHA256'] });
    expect(chacha.summary).toMatchObject({ established: false, alertReceived: 40 });
    const x25519 = await client(port, { groups: ['X25519'] });
    expect(x25519.summary).toMatchObject({ established: false, alertReceived: 40 });
  });

  it('wpa3-192-202304: our server signs with SHA-384 for an s_client that prefers SHA-256', async () => {
    const port = await ourServer('wpa3-192-202304');
    const { summary, stdout } = await client(port, {
      sigalgs: ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384'],
    });
    expect(summary).toMatchObject({
      established: true,
      cipher: 'TLS_AES_256_GCM_SHA384',
      group: 'secp384r1',
    });
    expect(stdout).toMatch(/Peer signing digest: SHA384/);
  });

  it('cnsa-202407: our server picks AES-256-GCM from an s_client that lists it last', async () => {
    const port = await ourServer('cnsa-202407');
    const { summary } = await client(port, {
      ciphersuites: [
        'TLS_CHACHA20_POLY1305_SHA256',
        'TLS_AES_128_GCM_SHA256',
        'TLS_AES_256_GCM_SHA384',
      ],
    });
    expect(summary).toMatchObject({ established: true, cipher: 'TLS_AES_256_GCM_SHA384' });
  });

  it('fips-202205: our client refuses an s_server that only signs with Ed25519', async () => {
    const server = await startOpensslServer({
      credential: certs.server.ed25519,
      version: 'TLSv1.3',
      mode: 'www',
    });
    const ours = createClient({
      provider,
      serverName: 'localhost',
      ca: anchors(certs.ca),
      ...compliancePolicy('fips-202205'),
    });
    await connectEngine(ours, server.port);
    const closed = await nextEvent(ours, 'close');
    expect(closed.error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 40 });
  });
});
