import { nobleProvider } from '@tlskit/crypto';
import {
  type ClientOptions,
  createClient,
  createServer,
  type HandshakeInfo,
  pump,
  type ServerOptions,
} from '@tlskit/handshake';
import { type ClientHello, decodeHandshake, encodeHandshake, ExtensionType } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair, type Pair } from './pair.js';

const provider = nobleProvider;

async function connect(
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
): Promise<Pair> {
  const f = await fixtures();
  return connectPair([f.server.p256], client, server);
}

describe('TLS 1.3 handshake in memory', () => {
  it('completes a full 1-RTT handshake and exchanges data both ways', async () => {
    const p = await connect();
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.clientInfo?.version).toBe('TLSv1.3');
    expect(p.clientInfo?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(p.clientInfo?.group).toBe(p.serverInfo?.group);
    expect(p.clientInfo?.peerVerified).toBe(true);
    const got: string[] = [];
    p.server.on('data', (d) => got.push(new TextDecoder().decode(d)));
    p.client.on('data', (d) => got.push(`client:${new TextDecoder().decode(d)}`));
    await p.client.write(new TextEncoder().encode('ping'));
    await p.server.write(new TextEncoder().encode('pong'));
    await pump(p.client, p.server);
    expect(got).toEqual(['ping', 'client:pong']);
  });
});

const enc = (s: string) => new TextEncoder().encode(s);

describe('negotiation', () => {
  it.each([
    ['p256', 0x0403],
    ['p384', 0x0503],
    ['rsa', 0x0804],
    ['rsa-pss', 0x0809],
    ['ed25519', 0x0807],
  ] as const)('authenticates a %s server certificate with scheme %i', async (kind, scheme) => {
    const f = await fixtures();
    // @tlskit/x509's webpki profile refuses RSA-PSS SubjectPublicKeyInfo keys; the signature
    // scheme is what this test is about, so that one case skips chain validation.
    const client: Partial<ClientOptions> =
      kind === 'rsa-pss' ? { dangerouslySkipCertificateVerification: true } : {};
    const p = await connect(client, { certificates: [f.server[kind]] });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.peerSignatureScheme).toBe(scheme);
  });

  it.each([
    [0x1301, 'TLS_AES_128_GCM_SHA256'],
    [0x1302, 'TLS_AES_256_GCM_SHA384'],
    [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
  ])('negotiates cipher suite %i', async (code, name) => {
    const p = await connect({ cipherSuites: [code] });
    expect(p.clientInfo?.cipherSuite).toBe(name);
    expect(p.serverInfo?.cipherSuiteCode).toBe(code);
  });

  it.each([
    [0x001d, 'x25519'],
    [0x0017, 'secp256r1'],
    [0x0018, 'secp384r1'],
    [0x0019, 'secp521r1'],
    [0x001e, 'x448'],
    [0x0100, 'ffdhe2048'],
    [0x0101, 'ffdhe3072'],
    [0x0102, 'ffdhe4096'],
    [0x11ec, 'X25519MLKEM768'],
  ])('negotiates group %i', async (group, name) => {
    const p = await connect({ groups: [group] });
    expect(p.clientInfo?.group).toBe(name);
    expect(p.clientInfo?.helloRetryRequest).toBe(false);
  });

  it('offers several key shares and the server picks its preferred one', async () => {
    const p = await connect(
      { keyShareGroups: [0x001d, 0x0017], groups: [0x001d, 0x0017] },
      { groups: [0x0017, 0x001d] },
    );
    expect(p.clientInfo?.group).toBe('secp256r1');
    expect(p.clientInfo?.helloRetryRequest).toBe(false);
  });

  it('answers a missing key share with a HelloRetryRequest', async () => {
    const p = await connect(
      { groups: [0x001d, 0x0018], keyShareGroups: [0x001d] },
      { groups: [0x0018] },
    );
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.helloRetryRequest).toBe(true);
    expect(p.serverInfo?.helloRetryRequest).toBe(true);
    expect(p.clientInfo?.group).toBe('secp384r1');
  });

  it('reaches an FFDHE group the default client lists but sends no share for, by a retry', async () => {
    const p = await connect({}, { groups: [0x0100] });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.helloRetryRequest).toBe(true);
    expect(p.clientInfo?.group).toBe('ffdhe2048');
    expect(p.serverInfo?.group).toBe('ffdhe2048');
  });

  it.each([
    [0x0100, 'y = 1', (y: Uint8Array) => new Uint8Array(y.length).fill(1, -1)],
    [0x0100, 'y = p - 1', (y: Uint8Array) => new Uint8Array(y.length).fill(0xff).fill(0xfe, -1)],
    [0x0100, 'its leading byte cut', (y: Uint8Array) => y.subarray(1)],
    [0x0102, 'a zero byte in front', (y: Uint8Array) => Uint8Array.of(0, ...y)],
    [0x001e, 'an all-zero result', (y: Uint8Array) => new Uint8Array(y.length)],
    [0x0019, 'x = 0, y = 0', (y: Uint8Array) => new Uint8Array(y.length).fill(4, 0, 1)],
    [0x0019, 'the point at infinity', () => Uint8Array.of(0)],
  ])('refuses a %i key share with %s with illegal_parameter', async (group, _what, spoil) => {
    const f = await fixtures();
    const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], groups: [group] });
    await c.start();
    const record = Uint8Array.from(c.takeOutput().flatMap((chunk) => [...chunk]));
    const ch = decodeHandshake(record.subarray(5), { protocol: 'tls13' }).message as ClientHello;
    const extensions = ch.extensions.map((e) =>
      e.type === ExtensionType.keyShare && 'clientShares' in e
        ? {
            ...e,
            clientShares: e.clientShares.map((k) => ({ ...k, keyExchange: spoil(k.keyExchange) })),
          }
        : e,
    );
    const body = encodeHandshake({ ...ch, extensions });
    const out = new Uint8Array(5 + body.length);
    out.set([22, 3, 1, body.length >> 8, body.length & 0xff]);
    out.set(body, 5);
    const s = createServer({ provider, certificates: [f.server.p256], groups: [group] });
    let serverError: Error | undefined;
    s.on('close', (e) => {
      serverError = e.error;
    });
    await s.receive(out);
    expect(serverError).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  });

  it('sends a cookie in the HelloRetryRequest and accepts it back', async () => {
    const types: string[] = [];
    const f = await fixtures();
    const c = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      groups: [0x001d, 0x0017],
      keyShareGroups: [0x001d],
    });
    const s = createServer({
      provider,
      certificates: [f.server.p256],
      groups: [0x0017],
      helloRetryCookie: true,
    });
    c.on('message', (m) =>
      types.push(`${m.direction}:${m.type}:${JSON.stringify(m.fields.extensions ?? [])}`),
    );
    let info: HandshakeInfo | undefined;
    c.on('handshake', (i) => {
      info = i;
    });
    await c.start();
    await pump(c, s);
    expect(info?.helloRetryRequest).toBe(true);
    expect(types.filter((t) => t.startsWith('sent:client_hello'))[1]).toContain('cookie');
  });

  it('refuses a ClientHello2 whose cookie differs from the one sent, with illegal_parameter', async () => {
    const f = await fixtures();
    const c = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      groups: [0x001d, 0x0017],
      keyShareGroups: [0x001d],
    });
    const s = createServer({
      provider,
      certificates: [f.server.p256],
      groups: [0x0017],
      helloRetryCookie: true,
    });
    let serverError: unknown;
    s.on('close', ({ error }) => {
      serverError = error;
    });
    const join = (chunks: Uint8Array[]) => Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
    await c.start();
    for (const chunk of c.takeOutput()) await s.receive(chunk);
    const hrr = join(s.takeOutput());
    // The cookie extension: type 0x002c, length 34, cookie<1..2^16-1> of 32 bytes.
    const at = hrr.findIndex((_, i) => hrr[i] === 0 && hrr[i + 1] === 0x2c && hrr[i + 3] === 34);
    expect(at).toBeGreaterThan(0);
    const cookie = hrr.slice(at + 6, at + 6 + 32);
    await c.receive(hrr);
    const hello2 = join(c.takeOutput());
    const echo = hello2.findIndex((_, i) => cookie.every((b, k) => hello2[i + k] === b));
    expect(echo).toBeGreaterThan(0);
    hello2[echo + 31]! ^= 1;
    await s.receive(hello2);
    expect(serverError).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  });

  it('negotiates ALPN with the server preference and acknowledges SNI', async () => {
    const p = await connect(
      { alpnProtocols: ['http/1.1', 'h2'] },
      { alpnProtocols: ['h2', 'http/1.1'] },
    );
    expect(p.clientInfo?.alpn).toBe('h2');
    expect(p.serverInfo?.alpn).toBe('h2');
    expect(p.serverInfo?.serverName).toBe('localhost');
  });

  it('refuses ALPN without overlap with no_application_protocol', async () => {
    const p = await connect({ alpnProtocols: ['h2'] }, { alpnProtocols: ['spdy/3'] });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_APPLICATION_PROTOCOL', alert: 120 });
    expect(p.clientClose?.error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 120 });
  });

  it('fails with handshake_failure when no cipher suite is shared', async () => {
    const p = await connect({ cipherSuites: [0x1301] }, { cipherSuites: [0x1302] });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_CIPHER', alert: 40 });
    expect(p.clientClose?.error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 40 });
  });

  it('fails with handshake_failure, naming what is missing, without a shared group', async () => {
    const p = await connect({ groups: [0x1d] }, { groups: [0x17] });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_GROUP', alert: 40 });
  });

  it('fails with handshake_failure, naming what is missing, without a shared signature scheme', async () => {
    // The server's certificate is P-256; the client accepts only RSA-PSS signatures.
    const p = await connect({ signatureSchemes: [0x0804] }, {});
    expect(p.serverClose?.error).toMatchObject({
      code: 'ERR_NO_SHARED_SIGNATURE_SCHEME',
      alert: 40,
    });
  });

  it('chooses the certificate by SNI and by the client signature algorithms', async () => {
    const f = await fixtures();
    const certs = [
      { ...f.server.rsa, serverNames: ['other.test'] },
      { ...f.server.p256, serverNames: ['localhost'] },
    ];
    const p = await connect({}, { certificates: certs });
    expect(p.clientInfo?.peerSignatureScheme).toBe(0x0403);
    const q = await connect(
      { signatureSchemes: [0x0804] },
      { certificates: [f.server.p256, f.server.rsa] },
    );
    expect(q.clientInfo?.peerSignatureScheme).toBe(0x0804);
  });

  it('prefers the chain signed with the client signature_algorithms_cert (RFC 8446 4.4.2.2)', async () => {
    const f = await fixtures();
    const certificates = [f.server.p256, f.p256ByRsaCa];
    const ca = [f.caDer, f.rsaCaDer];
    const byRsa = await connect({ ca, signatureSchemesCert: [0x0401] }, { certificates });
    expect(byRsa.clientClose?.error).toBeUndefined();
    expect(byRsa.clientInfo?.peerCertificates[0]).toEqual(f.p256ByRsaCa.chain[0]);
    const byEcdsa = await connect({ ca, signatureSchemesCert: [0x0403] }, { certificates });
    expect(byEcdsa.clientInfo?.peerCertificates[0]).toEqual(f.server.p256.chain[0]);
    // Nothing within the list: the server still sends a chain of its choice.
    const neither = await connect({ ca, signatureSchemesCert: [0x0807] }, { certificates });
    expect(neither.clientClose?.error).toBeUndefined();
  });

  it('honours record_size_limit by fragmenting to the peer limit', async () => {
    const p = await connect({ recordSizeLimit: 256 });
    expect(p.clientClose?.error).toBeUndefined();
    const chunks: number[] = [];
    p.client.on('data', (d) => chunks.push(d.length));
    await p.server.write(new Uint8Array(1000));
    const out = Buffer.concat(p.server.takeOutput());
    // 255 bytes of content + 1 type byte + 16 tag per record: 4 records for 1000 bytes.
    const lengths: number[] = [];
    for (let at = 0; at < out.length; at += 5 + out.readUInt16BE(at + 3)) {
      lengths.push(out.readUInt16BE(at + 3));
    }
    expect(lengths).toEqual([272, 272, 272, 235 + 17]);
    await p.client.receive(out);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

describe('certificate verification', () => {
  it('refuses a chain from another CA with unknown_ca', async () => {
    const f = await fixtures();
    const p = await connect({ ca: [f.otherCaDer] });
    expect(p.clientClose?.error).toMatchObject({ alert: 48 });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 48 });
  });

  it('refuses an expired certificate with certificate_expired', async () => {
    // The leaf is valid for 365 days; a client clock two years ahead sees it expired.
    const p = await connect({ now: () => Date.now() + 2 * 365 * 86_400_000 });
    expect(p.clientClose?.error).toMatchObject({ code: 'ERR_CERT_EXPIRED', alert: 45 });
  });

  it('refuses a host name mismatch', async () => {
    const p = await connect({ serverName: 'example.com' });
    expect(p.clientClose?.error).toMatchObject({ code: 'ERR_CERT_HOSTNAME_MISMATCH' });
  });

  it('accepts any server only when verification is turned off by name', async () => {
    const p = await connect({
      ca: [],
      dangerouslySkipCertificateVerification: true,
      serverName: 'nope.example',
    });
    expect(p.clientInfo?.peerVerified).toBe(false);
  });
});

describe('client authentication', () => {
  it('sends and verifies a client certificate when the server requires one', async () => {
    const f = await fixtures();
    const p = await connect({ certificate: f.client }, { clientAuth: 'require', ca: [f.caDer] });
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.serverInfo?.peerCertificates.length).toBe(1);
    expect(p.serverInfo?.peerSignatureScheme).toBe(0x0403);
    expect(p.serverInfo?.peerVerified).toBe(true);
  });

  it('sends an empty Certificate without a client certificate; request lets it through', async () => {
    const f = await fixtures();
    const p = await connect({}, { clientAuth: 'request', ca: [f.caDer] });
    expect(p.serverClose?.error).toBeUndefined();
    expect(p.serverInfo?.peerCertificates.length).toBe(0);
  });

  it('refuses an empty client Certificate with certificate_required when required', async () => {
    const f = await fixtures();
    const p = await connect({}, { clientAuth: 'require', ca: [f.caDer] });
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_CERTIFICATE_REQUIRED', alert: 116 });
    expect(p.clientClose?.error).toMatchObject({ alert: 116 });
  });

  it('refuses a client certificate from an unknown CA', async () => {
    const f = await fixtures();
    const p = await connect(
      { certificate: f.client },
      { clientAuth: 'require', ca: [f.otherCaDer] },
    );
    expect(p.serverClose?.error).toMatchObject({ alert: 48 });
  });
});

describe('after the handshake', () => {
  it('agrees on exporter values (RFC 8446 7.5)', async () => {
    const p = await connect();
    const a = p.client.exportKeyingMaterial('EXPERIMENTAL test', enc('ctx'), 32);
    const b = p.server.exportKeyingMaterial('EXPERIMENTAL test', enc('ctx'), 32);
    expect(a).toEqual(b);
    expect(p.client.exportKeyingMaterial('EXPERIMENTAL test', undefined, 32)).not.toEqual(a);
  });

  it('updates keys with KeyUpdate in both modes and keeps data flowing', async () => {
    const p = await connect();
    const got: string[] = [];
    p.server.on('data', (d) => got.push(`s:${new TextDecoder().decode(d)}`));
    p.client.on('data', (d) => got.push(`c:${new TextDecoder().decode(d)}`));
    await p.client.keyUpdate(false);
    await p.client.write(enc('one'));
    await pump(p.client, p.server);
    await p.client.keyUpdate(true);
    await p.client.write(enc('two'));
    await pump(p.client, p.server);
    await p.server.write(enc('three'));
    await p.server.keyUpdate(true);
    await p.server.write(enc('four'));
    await pump(p.client, p.server);
    expect(got).toEqual(['s:one', 's:two', 'c:three', 'c:four']);
    expect(p.clientClose).toBeUndefined();
    expect(p.serverClose).toBeUndefined();
  });

  it('half-closes: the peer may still write after our close_notify', async () => {
    const p = await connect();
    const got: string[] = [];
    let ended = false;
    p.server.on('end', () => {
      ended = true;
    });
    p.client.on('data', (d) => got.push(new TextDecoder().decode(d)));
    await p.client.close();
    await pump(p.client, p.server);
    expect(ended).toBe(true);
    expect(p.client.state).toBe('connected');
    await p.server.write(enc('late'));
    await p.server.close();
    await pump(p.client, p.server);
    expect(got).toEqual(['late']);
    expect(p.clientClose).toEqual({ error: undefined });
    expect(p.serverClose).toEqual({ error: undefined });
    await expect(p.client.write(enc('x'))).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('refuses write before the handshake', async () => {
    const f = await fixtures();
    const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
    await expect(c.write(enc('x'))).rejects.toMatchObject({ code: 'ERR_NOT_CONNECTED' });
  });

  it('reports key log lines for every secret, matching on both sides', async () => {
    const f = await fixtures();
    const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer] });
    const s = createServer({ provider, certificates: [f.server.p256] });
    const cl: string[] = [];
    const sl: string[] = [];
    c.on('keylog', (l) => cl.push(l));
    s.on('keylog', (l) => sl.push(l));
    await c.start();
    await pump(c, s);
    expect(cl.map((l) => l.split(' ')[0])).toEqual([
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'SERVER_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
    ]);
    expect(sl).toEqual(cl);
  });

  it('works without middlebox compatibility mode: no session ID, no change_cipher_spec', async () => {
    const f = await fixtures();
    const c = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      middleboxCompatibility: false,
      minVersion: 'TLSv1.3',
    });
    const s = createServer({ provider, certificates: [f.server.p256] });
    const seen: string[] = [];
    c.on('message', (m) => seen.push(`${m.direction} ${m.type}`));
    s.on('message', (m) => seen.push(`server ${m.direction} ${m.type}`));
    await c.start();
    await pump(c, s);
    expect(c.state).toBe('connected');
    expect(seen.filter((x) => x.includes('change_cipher_spec'))).toEqual([]);
  });

  it('traces each handshake message with decoded fields', async () => {
    const f = await fixtures();
    const c = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      alpnProtocols: ['h2'],
    });
    const s = createServer({ provider, certificates: [f.server.p256], alpnProtocols: ['h2'] });
    const seen: string[] = [];
    c.on('message', (m) => seen.push(`${m.direction} ${m.type}`));
    await c.start();
    await pump(c, s);
    expect(seen).toEqual([
      'sent client_hello',
      'received server_hello',
      // Sent as the handshake keys are installed, so that an alert is protected (RFC 8446 D.4:
      // still immediately before the client's second flight on the wire).
      'sent change_cipher_spec',
      'received encrypted_extensions',
      'received certificate',
      'received certificate_verify',
      'received finished',
      'sent finished',
    ]);
  });

  it('hands listeners the decoded message, equal to decoding its bytes in the negotiated version', async () => {
    const f = await fixtures();
    for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
      const c = createClient({
        provider,
        serverName: 'localhost',
        ca: [f.caDer],
        minVersion: version,
        maxVersion: version,
      });
      const s = createServer({ provider, certificates: [f.server.p256] });
      const checked: string[] = [];
      for (const side of [c, s]) {
        side.on('message', (m) => {
          if (m.type === 'change_cipher_spec') return expect(m.message).toBeUndefined();
          const protocol = version === 'TLSv1.2' ? 'tls12' : 'tls13';
          expect(m.message).toEqual(decodeHandshake(m.bytes, { protocol }).message);
          checked.push(m.type);
        });
      }
      await c.start();
      await pump(c, s);
      expect(c.state).toBe('connected');
      // Both directions of every message: the ones we encoded and the ones we decoded.
      expect(checked.filter((t) => t === 'certificate')).toHaveLength(2);
    }
  });
});

describe('resumption', () => {
  it('resumes with a ticket (psk_dhe_ke) and skips certificate authentication', async () => {
    const f = await fixtures();
    const ticketKeys = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) }];
    const first = await connect({}, { ticketKeys });
    const sessions = first.sessions;
    expect(sessions.length).toBe(1);
    const second = await connect({ session: sessions[0]! }, { ticketKeys });
    expect(second.clientClose?.error).toBeUndefined();
    expect(second.clientInfo?.resumed).toBe(true);
    expect(second.serverInfo?.resumed).toBe(true);
    expect(second.clientInfo?.peerCertificates[0]).toEqual(f.server.p256.chain[0]);
  });

  it('resumes through a HelloRetryRequest (the binder covers message_hash and the retry)', async () => {
    const ticketKeys = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) }];
    const first = await connect({}, { ticketKeys });
    const session = first.sessions[0]!;
    const second = await connect(
      { session, groups: [0x001d, 0x0017], keyShareGroups: [0x001d] },
      { ticketKeys, groups: [0x0017] },
    );
    expect(second.clientClose?.error).toBeUndefined();
    expect(second.clientInfo?.helloRetryRequest).toBe(true);
    expect(second.clientInfo?.resumed).toBe(true);
    expect(second.serverInfo?.resumed).toBe(true);
  });

  it('refuses a PSK whose binder was tampered with, with decrypt_error', async () => {
    const ticketKeys = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) }];
    const first = await connect({}, { ticketKeys });
    const session = first.sessions[0]!;
    const forged = { ...session, psk: new Uint8Array((session as { psk: Uint8Array }).psk.length) };
    const second = await connect({ session: forged }, { ticketKeys });
    expect(second.serverClose?.error).toMatchObject({ code: 'ERR_DECRYPT', alert: 51 });
  });

  it('falls back to a full handshake when the ticket key was rotated out', async () => {
    let keys = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) }];
    const first = await connect({}, { ticketKeys: () => keys });
    const sessions = first.sessions;
    // Rotation: a new current key, the old one kept for opening.
    keys = [{ name: new Uint8Array(16).fill(3), key: new Uint8Array(32).fill(4) }, keys[0]!];
    const stillOk = await connect({ session: sessions[0]! }, { ticketKeys: () => keys });
    expect(stillOk.clientInfo?.resumed).toBe(true);
    keys = [keys[0]!];
    const full = await connect({ session: sessions[0]! }, { ticketKeys: () => keys });
    expect(full.clientClose?.error).toBeUndefined();
    expect(full.clientInfo?.resumed).toBe(false);
  });

  it('does not offer a ticket past its lifetime', async () => {
    let now = Date.now();
    const ticketKeys = [{ name: new Uint8Array(16).fill(1), key: new Uint8Array(32).fill(2) }];
    const first = await connect(
      { now: () => now },
      { ticketKeys, ticketLifetime: 60, now: () => now },
    );
    const sessions = first.sessions;
    now += 61_000;
    const second = await connect(
      { session: sessions[0]!, now: () => now },
      { ticketKeys, now: () => now },
    );
    expect(second.clientInfo?.resumed).toBe(false);
  });
});
