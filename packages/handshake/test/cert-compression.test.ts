/**
 * Certificate compression (RFC 8879) between tlskit's engines, with zlib and brotli from
 * node:zlib as the algorithms (an independent implementation of both formats): who compresses,
 * with which algorithm, and how a client treats a CompressedCertificate that breaks the rules.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type CertificateCompressionAlgorithm,
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  maxUncompressedCertificateLength,
  OptionsError,
  pump,
  type ServerOptions,
} from '@tlskit/handshake';
import { HandshakeType, type HandshakeMessage } from '@tlskit/wire';
import { brotliCompressSync, brotliDecompressSync, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { rewriteSentHandshake } from '../src/testing.js';
import { fixtures } from './fixtures.js';

const zlib: CertificateCompressionAlgorithm = {
  id: 1,
  compress: (data) => deflateSync(data),
  decompress: (data, length) => inflateSync(data, { maxOutputLength: length }),
};
const brotli: CertificateCompressionAlgorithm = {
  id: 2,
  compress: (data) => brotliCompressSync(data),
  decompress: (data, length) => brotliDecompressSync(data, { maxOutputLength: length }),
};

interface Run {
  client: Connection;
  server: Connection;
  /** The server's flight as the client received it: message type names. */
  received: string[];
  /** The CompressedCertificate the client received, decoded. */
  compressed: HandshakeMessage | undefined;
  clientError: (Error & { code?: string; alert?: number }) | undefined;
  serverError: (Error & { code?: string; alert?: number }) | undefined;
}

async function run(
  client: Partial<ClientOptions>,
  server: Partial<ServerOptions>,
  rewrite?: (m: HandshakeMessage) => HandshakeMessage,
): Promise<Run> {
  const f = await fixtures();
  const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...client });
  const s = createServer({ provider, certificates: [f.server.p256], ...server });
  const r: Run = {
    client: c,
    server: s,
    received: [],
    compressed: undefined,
    clientError: undefined,
    serverError: undefined,
  };
  c.on('message', (t) => {
    if (t.direction !== 'received') return;
    r.received.push(t.type);
    if (t.message?.type === HandshakeType.compressedCertificate) r.compressed = t.message;
  });
  c.on('close', (e) => {
    r.clientError = e.error;
  });
  s.on('close', (e) => {
    r.serverError = e.error;
  });
  if (rewrite !== undefined) rewriteSentHandshake(s, rewrite);
  await c.start();
  await pump(c, s);
  return r;
}

describe('certificate compression (RFC 8879)', () => {
  it('the server compresses its Certificate with an algorithm the client offered', async () => {
    const r = await run({ certificateCompression: [zlib] }, { certificateCompression: [zlib] });
    expect(r.clientError).toBeUndefined();
    expect(r.client.handshakeInfo?.version).toBe('TLSv1.3');
    expect(r.received).toContain('compressed_certificate');
    expect(r.received).not.toContain('certificate');
    expect(r.compressed).toMatchObject({ algorithm: 1 });
  });

  it("takes the server's preferred algorithm among those offered", async () => {
    const r = await run(
      { certificateCompression: [zlib, brotli] },
      { certificateCompression: [brotli, zlib] },
    );
    expect(r.clientError).toBeUndefined();
    expect(r.compressed).toMatchObject({ algorithm: 2 });
  });

  it('sends a plain Certificate without an algorithm in common', async () => {
    const r = await run({ certificateCompression: [zlib] }, { certificateCompression: [brotli] });
    expect(r.clientError).toBeUndefined();
    expect(r.received).toContain('certificate');
    expect(r.compressed).toBeUndefined();
  });

  it('does not compress with an algorithm that has no compress function', async () => {
    const decompressOnly = { id: 1, decompress: zlib.decompress };
    const r = await run(
      { certificateCompression: [zlib] },
      { certificateCompression: [decompressOnly] },
    );
    expect(r.clientError).toBeUndefined();
    expect(r.received).toContain('certificate');
  });

  it('never compresses in TLS 1.2 (RFC 8879 section 3: TLS 1.3 only)', async () => {
    const r = await run(
      { certificateCompression: [zlib] },
      { certificateCompression: [zlib], maxVersion: 'TLSv1.2' },
    );
    expect(r.clientError).toBeUndefined();
    expect(r.client.handshakeInfo?.version).toBe('TLSv1.2');
    expect(r.compressed).toBeUndefined();
  });

  it('a client offering only TLS 1.2 does not send compress_certificate', async () => {
    const seen: number[][] = [];
    const f = await fixtures();
    const s = createServer({ provider, certificates: [f.server.p256] });
    s.on('message', (t) => {
      if (t.message?.type === HandshakeType.clientHello)
        seen.push(t.message.extensions.map((e) => e.type));
    });
    const c = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      maxVersion: 'TLSv1.2',
      certificateCompression: [zlib],
    });
    await c.start();
    await pump(c, s);
    expect(seen[0]).not.toContain(27);
  });
});

describe('client certificate compression (RFC 8879 section 3: in CertificateRequest)', () => {
  async function clientAuth(client: Partial<ClientOptions>, server: Partial<ServerOptions>) {
    const f = await fixtures();
    const received: string[] = [];
    const c = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      certificate: f.client,
      ...client,
    });
    const s = createServer({
      provider,
      certificates: [f.server.p256],
      clientAuth: 'require',
      ca: [f.caDer],
      ...server,
    });
    s.on('message', (t) => {
      if (t.direction === 'received') received.push(t.type);
    });
    let serverError: Error | undefined;
    s.on('close', (e) => {
      serverError = e.error;
    });
    await c.start();
    await pump(c, s);
    return { c, s, received, serverError: () => serverError };
  }

  it('the client compresses its Certificate when the request offers an algorithm', async () => {
    const r = await clientAuth(
      { certificateCompression: [zlib] },
      { certificateCompression: [brotli, zlib] },
    );
    expect(r.serverError()).toBeUndefined();
    expect(r.received).toContain('compressed_certificate');
    expect(r.s.handshakeInfo?.peerCertificates).toHaveLength(1);
  });

  it('sends it plain to a server that offers none', async () => {
    const r = await clientAuth({ certificateCompression: [zlib] }, {});
    expect(r.serverError()).toBeUndefined();
    expect(r.received).not.toContain('compressed_certificate');
    expect(r.s.handshakeInfo?.peerCertificates).toHaveLength(1);
  });
});

describe('a CompressedCertificate that breaks the rules', () => {
  const compressedOnly = (
    change: (m: Extract<HandshakeMessage, { type: 25 }>) => HandshakeMessage,
  ) => {
    return (m: HandshakeMessage) =>
      m.type === HandshakeType.compressedCertificate ? change(m) : m;
  };

  it('with an algorithm the client did not offer: bad_certificate', async () => {
    const r = await run(
      { certificateCompression: [zlib] },
      { certificateCompression: [zlib] },
      compressedOnly((m) => ({ ...m, algorithm: 2 })),
    );
    expect(r.clientError).toMatchObject({ code: 'ERR_UNKNOWN_COMPRESSION_ALGORITHM', alert: 42 });
    expect(r.serverError).toMatchObject({ code: 'ERR_PEER_ALERT', alert: 42 });
  });

  it('announcing a length other than the decompressed one: bad_certificate', async () => {
    for (const delta of [-1, 1]) {
      const r = await run(
        { certificateCompression: [zlib] },
        { certificateCompression: [zlib] },
        compressedOnly((m) => ({ ...m, uncompressedLength: m.uncompressedLength + delta })),
      );
      expect(r.clientError).toMatchObject({ code: 'ERR_DECOMPRESSION_FAILED', alert: 42 });
    }
  });

  it('announcing more than the limit: bad_certificate, before decompressing', async () => {
    const decompress = vi.fn(zlib.decompress);
    const r = await run(
      { certificateCompression: [{ id: 1, decompress }] },
      { certificateCompression: [zlib] },
      compressedOnly((m) => ({ ...m, uncompressedLength: maxUncompressedCertificateLength + 1 })),
    );
    expect(r.clientError).toMatchObject({ code: 'ERR_DECOMPRESSED_TOO_LARGE', alert: 42 });
    expect(decompress).not.toHaveBeenCalled();
  });

  it('that does not decompress: bad_certificate', async () => {
    const r = await run(
      { certificateCompression: [zlib] },
      { certificateCompression: [zlib] },
      compressedOnly((m) => ({ ...m, compressedCertificateMessage: Uint8Array.of(1, 2, 3) })),
    );
    expect(r.clientError).toMatchObject({ code: 'ERR_DECOMPRESSION_FAILED', alert: 42 });
  });

  it('whose content is not a Certificate: decode_error', async () => {
    const junk = new Uint8Array(40).fill(0xff);
    const r = await run(
      { certificateCompression: [zlib] },
      { certificateCompression: [zlib] },
      compressedOnly((m) => ({
        ...m,
        uncompressedLength: junk.length,
        compressedCertificateMessage: deflateSync(junk),
      })),
    );
    expect(r.clientError).toMatchObject({ code: 'ERR_DECODE', alert: 50 });
  });

  it('to a client that offered no compression: unexpected_message', async () => {
    const r = await run({}, { certificateCompression: [zlib] }, (m) =>
      m.type === HandshakeType.certificate
        ? {
            type: HandshakeType.compressedCertificate,
            algorithm: 1,
            uncompressedLength: 1,
            compressedCertificateMessage: deflateSync(Uint8Array.of(0)),
          }
        : m,
    );
    expect(r.clientError).toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE', alert: 10 });
  });
});

describe('certificateCompression option checks', () => {
  it('refuses a repeated id, a missing decompress and an id outside uint16', async () => {
    const f = await fixtures();
    const bad: unknown[] = [
      [zlib, zlib],
      [{ id: 1 }],
      [{ id: 0x10000, decompress: zlib.decompress }],
      [{ id: 1, compress: 'yes', decompress: zlib.decompress }],
    ];
    for (const certificateCompression of bad) {
      expect(() =>
        createServer({
          provider,
          certificates: [f.server.p256],
          certificateCompression: certificateCompression as CertificateCompressionAlgorithm[],
        }),
      ).toThrow(OptionsError);
      expect(() =>
        createClient({
          provider,
          certificateCompression: certificateCompression as CertificateCompressionAlgorithm[],
        }),
      ).toThrow(OptionsError);
    }
  });
});
