/**
 * Post-handshake client authentication (RFC 8446 4.6.2) between the engines: the server asks
 * after the handshake, the client answers with its certificate (or an empty one), the server
 * verifies chain, CertificateVerify and Finished and reports the chain.
 */
import {
  concatBytes,
  encodeHandshake,
  ExtensionType,
  HandshakeType,
  type TlsError,
} from '@tlskit/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PostHandshakeAuth, pump } from '../src/index.js';
import { type Fixtures, fixtures } from './fixtures.js';
import { connectPair, type Pair } from './pair.js';

let f: Fixtures;
beforeAll(async () => {
  f = await fixtures();
});

function record(pair: Pair): PostHandshakeAuth[] {
  const seen: PostHandshakeAuth[] = [];
  pair.server.on('postHandshakeAuth', (auth) => seen.push(auth));
  return seen;
}

async function rejection(promise: Promise<void>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: TlsError) => error.code,
  );
}

describe('post-handshake client authentication', () => {
  it('asks after the handshake; the client answers with its certificate, twice', async () => {
    const pair = await connectPair([f.server.p256], { certificate: f.client }, { ca: [f.caDer] });
    expect(pair.serverInfo?.peerCertificates).toEqual([]);
    const seen = record(pair);
    const contexts: Uint8Array[] = [];
    pair.server.on('message', (m) => {
      if (m.type === 'certificate_request') contexts.push(m.bytes.subarray(5, 5 + m.bytes[4]!));
    });
    for (let i = 0; i < 2; i++) {
      await pair.server.requestCertificate();
      await pump(pair.client, pair.server);
    }
    expect(seen).toHaveLength(2);
    expect(seen[0]!.peerCertificates).toEqual(f.client.chain);
    expect(seen[0]!.peerVerified).toBe(true);
    expect(seen[0]!.peerSignatureScheme).toBe(0x0403);
    expect(pair.server.getPeerCertificates()).toEqual(f.client.chain);
    // RFC 8446 4.3.2: each request has its own non-empty context.
    expect(contexts.map((c) => c.length)).toEqual([32, 32]);
    expect(contexts[0]).not.toEqual(contexts[1]);
    // The connection still carries data both ways afterwards.
    const received: Uint8Array[] = [];
    pair.server.on('data', (d) => received.push(d));
    await pair.client.write(Uint8Array.of(1, 2, 3));
    await pump(pair.client, pair.server);
    expect(received).toEqual([Uint8Array.of(1, 2, 3)]);
    expect(pair.serverClose).toBeUndefined();
  });

  it('works after a KeyUpdate (the Finished key is the current traffic secret)', async () => {
    const pair = await connectPair([f.server.p256], { certificate: f.client }, { ca: [f.caDer] });
    const seen = record(pair);
    await pair.client.keyUpdate(true);
    await pump(pair.client, pair.server);
    await pair.server.requestCertificate();
    await pump(pair.client, pair.server);
    expect(seen.map((a) => a.peerVerified)).toEqual([true]);
    expect(pair.clientClose).toBeUndefined();
  });

  it('reports an empty Certificate when the client offered PHA without a certificate', async () => {
    const pair = await connectPair([f.server.p256], { postHandshakeAuth: true }, { ca: [f.caDer] });
    const seen = record(pair);
    await pair.server.requestCertificate();
    await pump(pair.client, pair.server);
    expect(seen).toEqual([
      { peerCertificates: [], peerVerified: false, peerSignatureScheme: undefined },
    ]);
    expect(pair.serverClose).toBeUndefined();
  });

  it('refuses a client certificate the server does not trust, with its alert', async () => {
    const pair = await connectPair(
      [f.server.p256],
      { certificate: f.client },
      { ca: [f.otherCaDer] },
    );
    await pair.server.requestCertificate();
    await pump(pair.client, pair.server);
    const error = pair.serverClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_CERT_UNKNOWN_ISSUER', 48]);
    expect((pair.clientClose?.error as TlsError | undefined)?.alert).toBe(48);
  });

  it('refuses to ask a client that did not offer post_handshake_auth, on TLS 1.2, or unverifiable', async () => {
    const noOffer = await connectPair([f.server.p256], {}, { ca: [f.caDer] });
    expect(await rejection(noOffer.server.requestCertificate())).toBe('ERR_NOT_SUPPORTED');
    const optedOut = await connectPair(
      [f.server.p256],
      { certificate: f.client, postHandshakeAuth: false },
      { ca: [f.caDer] },
    );
    expect(await rejection(optedOut.server.requestCertificate())).toBe('ERR_NOT_SUPPORTED');
    const tls12 = await connectPair(
      [f.server.p256],
      { certificate: f.client, maxVersion: 'TLSv1.2' },
      { ca: [f.caDer] },
    );
    expect(await rejection(tls12.server.requestCertificate())).toBe('ERR_NOT_SUPPORTED');
    const noVerifier = await connectPair([f.server.p256], { certificate: f.client });
    expect(await rejection(noVerifier.server.requestCertificate())).toBe('ERR_NOT_SUPPORTED');
    expect(await rejection(noVerifier.client.requestCertificate())).toBe('ERR_NOT_SUPPORTED');
    // None of these refusals touched the connection.
    expect(noVerifier.serverClose).toBeUndefined();
  });

  it('allows one request at a time', async () => {
    const pair = await connectPair([f.server.p256], { certificate: f.client }, { ca: [f.caDer] });
    await pair.server.requestCertificate();
    expect(await rejection(pair.server.requestCertificate())).toBe('ERR_NOT_SUPPORTED');
  });
});

describe('post-handshake authentication and close_notify', () => {
  it('a client that already sent close_notify does not answer', async () => {
    const pair = await connectPair([f.server.p256], { certificate: f.client }, { ca: [f.caDer] });
    const seen = record(pair);
    const sent: string[] = [];
    pair.client.on('message', (m) => {
      if (m.direction === 'sent') sent.push(m.type);
    });
    await pair.server.requestCertificate();
    await pair.client.close();
    await pump(pair.client, pair.server);
    expect(sent).toEqual([]);
    expect(seen).toEqual([]);
    expect(pair.clientClose?.error).toBeUndefined();
  });
});

/**
 * A hostile client: records sealed with the client's application traffic key (taken from the
 * client engine's key log) carrying whatever handshake messages the test wants, as if the
 * client had sent them in answer to the server's request.
 */
describe('hostile answers to a post-handshake CertificateRequest', () => {
  // Each expected code below (illegal_parameter, bad Finished, unexpected_message) can only come
  // from a record the server decrypted, which shows the forged records are sealed correctly.
  async function forge(pair: Pair, secretLine: string, messages: readonly Uint8Array[]) {
    const { trafficKeys } = await import('@tlskit/key-schedule');
    const { Tls13RecordProtection } = await import('@tlskit/record');
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const secret = Uint8Array.from(Buffer.from(secretLine.split(' ')[2]!, 'hex'));
    const { key, iv } = trafficKeys(provider, 'SHA-256', secret, 'AES-128-GCM');
    const protection = await Tls13RecordProtection.create(provider, 'AES-128-GCM', key, iv);
    const record = await protection.seal(22, concatBytes(messages));
    await pair.server.receive(record);
  }

  async function requested(): Promise<{ pair: Pair; secretLine: string; context: Uint8Array }> {
    const { createClient, createServer } = await import('../src/index.js');
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const client = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      certificate: f.client,
      cipherSuites: [0x1301],
    });
    const server = createServer({ provider, certificates: [f.server.p256], ca: [f.caDer] });
    let secretLine = '';
    client.on('keylog', (line) => {
      if (line.startsWith('CLIENT_TRAFFIC_SECRET_0 ')) secretLine = line;
    });
    const pair: Pair = {
      client,
      server,
      clientInfo: undefined,
      serverInfo: undefined,
      clientClose: undefined,
      serverClose: undefined,
      sessions: [],
    };
    server.on('close', (e) => {
      pair.serverClose = e;
    });
    await client.start();
    await pump(client, server);
    let context = new Uint8Array(0);
    server.on('message', (m) => {
      if (m.type === 'certificate_request') context = m.bytes.slice(5, 5 + m.bytes[4]!);
    });
    await server.requestCertificate();
    server.takeOutput(); // the CertificateRequest never reaches the real client
    return { pair, secretLine, context };
  }

  const certificate = (context: Uint8Array, chain: readonly Uint8Array[]) =>
    encodeHandshake({
      type: HandshakeType.certificate,
      protocol: 'tls13',
      certificateRequestContext: context,
      certificateList: chain.map((data) => ({ data, extensions: [] })),
    });

  it('refuses a Certificate with another request context (illegal_parameter)', async () => {
    const { pair, secretLine, context } = await requested();
    const wrong = context.map((b) => b ^ 0xff);
    await forge(pair, secretLine, [certificate(wrong, f.client.chain)]);
    const error = pair.serverClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_ILLEGAL_PARAMETER', 47]);
  });

  it('refuses a Finished that does not verify (decrypt_error)', async () => {
    const { pair, secretLine, context } = await requested();
    const seen = record(pair);
    const finished = encodeHandshake({
      type: HandshakeType.finished,
      verifyData: new Uint8Array(32),
    });
    await forge(pair, secretLine, [certificate(context, []), finished]);
    const error = pair.serverClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_BAD_FINISHED', 51]);
    expect(seen).toEqual([]);
  });

  it('refuses a Finished in place of the Certificate (unexpected_message)', async () => {
    const { pair, secretLine } = await requested();
    const finished = encodeHandshake({
      type: HandshakeType.finished,
      verifyData: new Uint8Array(32),
    });
    await forge(pair, secretLine, [finished]);
    const error = pair.serverClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_UNEXPECTED_MESSAGE', 10]);
  });
});

/** A hostile server: a CertificateRequest sealed with the server's application key. */
describe('a hostile post-handshake CertificateRequest', () => {
  async function clientGets(
    clientOptions: { certificate?: typeof f.client; postHandshakeAuth?: boolean },
    context: Uint8Array,
  ): Promise<TlsError | undefined> {
    const { createClient, createServer } = await import('../src/index.js');
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const { trafficKeys } = await import('@tlskit/key-schedule');
    const { Tls13RecordProtection } = await import('@tlskit/record');
    const client = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      cipherSuites: [0x1301],
      ...clientOptions,
    });
    // No ticket keys: the server sends nothing under its application key before our record.
    const server = createServer({ provider, certificates: [f.server.p256] });
    let secretLine = '';
    server.on('keylog', (line) => {
      if (line.startsWith('SERVER_TRAFFIC_SECRET_0 ')) secretLine = line;
    });
    let closed: TlsError | undefined;
    client.on('close', ({ error }) => {
      closed = error as TlsError;
    });
    await client.start();
    await pump(client, server);
    const secret = Uint8Array.from(Buffer.from(secretLine.split(' ')[2]!, 'hex'));
    const { key, iv } = trafficKeys(provider, 'SHA-256', secret, 'AES-128-GCM');
    const protection = await Tls13RecordProtection.create(provider, 'AES-128-GCM', key, iv);
    const request = encodeHandshake({
      type: HandshakeType.certificateRequest,
      protocol: 'tls13',
      certificateRequestContext: context,
      extensions: [{ type: ExtensionType.signatureAlgorithms, schemes: [0x0403 as never] }],
    });
    await client.receive(await protection.seal(22, request));
    return closed;
  }

  it('is unexpected_message to a client that did not offer post_handshake_auth', async () => {
    const error = await clientGets({}, new Uint8Array(32));
    expect([error?.code, error?.alert]).toEqual(['ERR_UNEXPECTED_MESSAGE', 10]);
  });

  it('is illegal_parameter with an empty certificate_request_context', async () => {
    const error = await clientGets({ certificate: f.client }, new Uint8Array(0));
    expect([error?.code, error?.alert]).toEqual(['ERR_ILLEGAL_PARAMETER', 47]);
  });

  it('is answered when offered (the forged record is sound)', async () => {
    const error = await clientGets({ certificate: f.client }, new Uint8Array(32));
    expect(error).toBeUndefined();
  });
});
