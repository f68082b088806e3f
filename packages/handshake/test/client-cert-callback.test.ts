/**
 * ClientOptions.clientCertCallback and ServerOptions.clientCertificateAuthorities: what the
 * client learns of a CertificateRequest (schemes, CA names, TLS 1.2 certificate types), and what
 * it answers, in both versions, in the handshake and after it.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type CertificateRequestInfo,
  type ClientOptions,
  createClient,
  createServer,
  OptionsError,
  pump,
  type ServerOptions,
} from '@tlskit/handshake';
import {
  decodeHandshake,
  ExtensionType,
  findExtension,
  HandshakeType,
  TlsError,
} from '@tlskit/wire';
import { parseCertificate } from '@tlskit/x509';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair, type Pair } from './pair.js';

const versions = [
  ['TLSv1.3', { minVersion: 'TLSv1.3' }],
  ['TLSv1.2', { maxVersion: 'TLSv1.2' }],
] as const;

async function connect(
  version: Partial<ClientOptions>,
  client: Partial<ClientOptions>,
  server: Partial<ServerOptions>,
): Promise<Pair> {
  const f = await fixtures();
  return connectPair([f.server.p256], { ...version, ...client }, { ca: [f.caDer], ...server });
}

describe.each(versions)('%s: clientCertCallback', (name, version) => {
  it('sees the schemes and CA names the server asked with, and its answer authenticates', async () => {
    const f = await fixtures();
    const caName = parseCertificate(f.caDer).subject.der;
    const otherName = parseCertificate(f.otherCaDer).subject.der;
    const seen: CertificateRequestInfo[] = [];
    const p = await connect(
      version,
      {
        clientCertCallback: (request) => {
          seen.push(request);
          return f.client;
        },
      },
      {
        clientAuth: 'require',
        signatureSchemes: [0x0403, 0x0804],
        clientCertificateAuthorities: [caName, otherName],
      },
    );
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.serverInfo?.peerCertificates).toEqual(f.client.chain);
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    expect(request.version).toBe(name);
    expect(request.signatureSchemes).toEqual([0x0403, 0x0804]);
    expect(request.certificateAuthorities).toEqual([caName, otherName]);
    expect(request.serverName).toBe('localhost');
    expect(request.postHandshake).toBe(false);
    // RFC 5246 7.4.4 / RFC 8422 5.5: TLS 1.2 names certificate types; TLS 1.3 has none.
    expect(request.certificateTypes).toEqual(name === 'TLSv1.2' ? [64, 1] : []);
  });

  it('sends an empty Certificate when it answers undefined, and `certificate` is not used', async () => {
    const f = await fixtures();
    const p = await connect(
      version,
      { certificate: f.client, clientCertCallback: () => undefined },
      { clientAuth: 'request' },
    );
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.serverInfo?.peerCertificates).toEqual([]);
    const q = await connect(version, { clientCertCallback: () => [] }, { clientAuth: 'require' });
    expect(q.serverClose?.error).toMatchObject({ code: 'ERR_CERTIFICATE_REQUIRED' });
  });

  it('may answer later (a promise)', async () => {
    const f = await fixtures();
    const p = await connect(
      version,
      {
        clientCertCallback: () =>
          new Promise((resolve) => setTimeout(() => resolve([f.server.p384, f.client]), 5)),
      },
      { clientAuth: 'require', signatureSchemes: [0x0403] },
    );
    expect(p.serverClose?.error).toBeUndefined();
    // The first entry the request accepts: P-384 signs with 0x0503, which was not asked for.
    expect(p.serverInfo?.peerCertificates).toEqual(f.client.chain);
  });

  it('fails the handshake with internal_error when it throws, keeping the error as cause', async () => {
    const boom = new Error('no smartcard');
    const p = await connect(
      version,
      {
        clientCertCallback: () => {
          throw boom;
        },
      },
      { clientAuth: 'request' },
    );
    expect(p.clientClose?.error).toMatchObject({ code: 'ERR_CLIENT_CERT_CALLBACK', alert: 80 });
    expect(p.clientClose?.error?.cause).toBe(boom);
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 80 });
  });

  it('fails with the TlsError it rejects with', async () => {
    const p = await connect(
      version,
      {
        clientCertCallback: async () => {
          throw new TlsError('ERR_HANDSHAKE_FAILURE', 40, 'refused by policy');
        },
      },
      { clientAuth: 'request' },
    );
    expect(p.clientClose?.error).toMatchObject({ code: 'ERR_HANDSHAKE_FAILURE', alert: 40 });
  });

  it('is not called when the server asks for no certificate', async () => {
    let calls = 0;
    const p = await connect(
      version,
      {
        clientCertCallback: () => {
          calls++;
          return undefined;
        },
      },
      {},
    );
    expect(p.clientInfo).toBeDefined();
    expect(calls).toBe(0);
  });
});

/**
 * The CertificateRequest our server sends with `names`, as bytes from its `message` trace, with
 * what the client's callback saw of it.
 */
async function certificateRequest(
  version: 'TLSv1.2' | 'TLSv1.3',
  names: readonly Uint8Array[] | undefined,
): Promise<{ bytes: Uint8Array; seen: CertificateRequestInfo }> {
  const f = await fixtures();
  const c = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    ...(version === 'TLSv1.3' ? { minVersion: 'TLSv1.3' } : { maxVersion: 'TLSv1.2' }),
    clientCertCallback: (r) => {
      seen = r;
      return undefined;
    },
  });
  let seen: CertificateRequestInfo | undefined;
  const s = createServer({
    provider,
    certificates: [f.server.p256],
    ca: [f.caDer],
    clientAuth: 'request',
    ...(names === undefined ? {} : { clientCertificateAuthorities: names }),
  });
  const sent: Uint8Array[] = [];
  s.on('message', (m) => {
    if (m.direction === 'sent' && m.type === 'certificate_request') sent.push(m.bytes);
  });
  await c.start();
  await pump(c, s);
  expect(s.handshakeInfo).toBeDefined();
  return { bytes: sent[0]!, seen: seen! };
}

describe('clientCertificateAuthorities on the wire', () => {
  it('TLS 1.3: the certificate_authorities extension only when names are set (RFC 8446 4.2.4)', async () => {
    const f = await fixtures();
    const caName = parseCertificate(f.caDer).subject.der;
    for (const names of [undefined, [], [caName]]) {
      const { bytes, seen } = await certificateRequest('TLSv1.3', names);
      const decoded = decodeHandshake(bytes, { protocol: 'tls13' }).message;
      if (decoded.type !== HandshakeType.certificateRequest || decoded.protocol !== 'tls13') {
        throw new Error('not a TLS 1.3 CertificateRequest');
      }
      const ext = findExtension(decoded.extensions, ExtensionType.certificateAuthorities);
      expect(ext?.authorities).toEqual(names?.length ? names : undefined);
      expect(seen.certificateAuthorities).toEqual(names ?? []);
    }
  });

  it('TLS 1.2: the certificate_authorities field holds the names, or is empty (RFC 5246 7.4.4)', async () => {
    const f = await fixtures();
    const names = [
      parseCertificate(f.caDer).subject.der,
      parseCertificate(f.otherCaDer).subject.der,
    ];
    for (const list of [undefined, names]) {
      const { bytes, seen } = await certificateRequest('TLSv1.2', list);
      const decoded = decodeHandshake(bytes, { protocol: 'tls12' }).message;
      if (decoded.type !== HandshakeType.certificateRequest || decoded.protocol !== 'tls12') {
        throw new Error('not a TLS 1.2 CertificateRequest');
      }
      expect(decoded.certificateAuthorities).toEqual(list ?? []);
      expect(seen.certificateAuthorities).toEqual(list ?? []);
    }
  });

  it.each([
    ['not an array', 'x'],
    ['not DER', [new Uint8Array([1, 2, 3])]],
    ['too long', Array.from({ length: 70 }, () => new Uint8Array(1000).fill(0x30))],
  ])('refuses clientCertificateAuthorities that is %s at creation', async (_, value) => {
    const f = await fixtures();
    expect(() =>
      createServer({
        provider,
        certificates: [f.server.p256],
        ca: [f.caDer],
        clientAuth: 'request',
        clientCertificateAuthorities: value as never,
      }),
    ).toThrow(OptionsError);
  });

  it('refuses a clientCertCallback that is not a function at creation', () => {
    expect(() =>
      createClient({
        provider,
        dangerouslySkipCertificateVerification: true,
        clientCertCallback: 'x' as never,
      }),
    ).toThrow(OptionsError);
  });
});

describe('post-handshake authentication', () => {
  it('calls clientCertCallback for a post-handshake request, with the CA names', async () => {
    const f = await fixtures();
    const caName = parseCertificate(f.caDer).subject.der;
    const seen: CertificateRequestInfo[] = [];
    const p = await connect(
      { minVersion: 'TLSv1.3' },
      {
        clientCertCallback: (r) => {
          seen.push(r);
          return f.client;
        },
      },
      { clientAuth: 'none', clientCertificateAuthorities: [caName] },
    );
    expect(seen).toHaveLength(0);
    const auth = new Promise((resolve) => p.server.on('postHandshakeAuth', resolve));
    await p.server.requestCertificate();
    await pump(p.client, p.server);
    await auth;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ postHandshake: true, certificateAuthorities: [caName] });
    expect(p.server.handshakeInfo?.peerCertificates).toEqual(f.client.chain);
  });
});
