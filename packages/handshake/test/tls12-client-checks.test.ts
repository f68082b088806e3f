/**
 * What a TLS 1.2 client checks in the server's flight beyond what TLS 1.3 needs: the point
 * formats of RFC 8422 5.2, the curve of an ECDSA certificate (RFC 8422 5.1.1: in TLS 1.2
 * supported_groups also names certificate curves), and the certificate types a CertificateRequest
 * names (RFC 5246 7.4.4), also to choose among several client certificates. The server is tlskit's; its messages are edited on the way through the
 * wire codec, as a server that breaks the rule would send them.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  type Connection,
  createClient,
  createServer,
  type ServerOptions,
} from '@tlskit/handshake';
import {
  type ClientHello,
  concatBytes,
  decodeHandshake,
  encodeHandshake,
  ExtensionType,
  type HandshakeMessage,
} from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';
import { watch } from './watch.js';

const only12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;

type Edit = (message: HandshakeMessage) => HandshakeMessage;

/**
 * The plaintext handshake records of `chunks` as one record, with each message of type `type`
 * replaced by `edit` of it (the records of a first flight carry no keys, so they can be rebuilt).
 */
function rewrite(chunks: readonly Uint8Array[], type: number, edit: Edit): Uint8Array {
  const bytes = concatBytes([...chunks]);
  const messages: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    expect(bytes[at]).toBe(22);
    const payload = bytes.subarray(at + 5, at + 5 + length);
    for (let m = 0; m < payload.length; ) {
      const size = 4 + ((payload[m + 1]! << 16) | (payload[m + 2]! << 8) | payload[m + 3]!);
      const raw = payload.subarray(m, m + size);
      messages.push(
        raw[0] === type
          ? encodeHandshake(edit(decodeHandshake(raw, { protocol: 'tls12' }).message))
          : raw,
      );
      m += size;
    }
    at += 5 + length;
  }
  const body = concatBytes(messages);
  return concatBytes([Uint8Array.of(22, 3, 3, body.length >> 8, body.length & 0xff), body]);
}

/**
 * A TLS 1.2 handshake whose ClientHello (as the server sees it) and server flight pass through
 * the given edits; returns the client, watched.
 */
async function handshake(
  client: Partial<ClientOptions>,
  server: Partial<ServerOptions>,
  edits: { hello?: Edit; flight?: [number, Edit] },
) {
  const f = await fixtures();
  const c = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    ...only12,
    ...client,
  });
  const s = createServer({ provider, certificates: [f.server.p256], ...only12, ...server });
  const watched = watch(c);
  const sent: { type: string; bytes: Uint8Array }[] = [];
  c.on('message', (m) => {
    if (m.direction === 'sent') sent.push(m);
  });
  await c.start();
  const hello = c.takeOutput();
  await s.receive(edits.hello === undefined ? concatBytes(hello) : rewrite(hello, 1, edits.hello));
  const flight = s.takeOutput();
  const [type, edit] = edits.flight ?? [0, (m: HandshakeMessage) => m];
  await c.receive(rewrite(flight, type, edit));
  return { watched, sent, server: s as Connection };
}

describe('TLS 1.2 client checks of the server flight', () => {
  it('refuses ec_point_formats without uncompressed (RFC 8422 5.2) with illegal_parameter', async () => {
    const { watched } = await handshake(
      {},
      {},
      {
        flight: [
          2,
          (m) =>
            m.type === 2
              ? {
                  ...m,
                  extensions: m.extensions.map((e) =>
                    e.type === ExtensionType.ecPointFormats ? { ...e, formats: [1 as never] } : e,
                  ),
                }
              : m,
        ],
      },
    );
    expect(watched.closed?.error).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
    expect(watched.closed?.error?.message).toContain('ec_point_formats');
  });

  it('refuses an empty server Certificate with decode_error', async () => {
    const empty = (m: HandshakeMessage): HandshakeMessage =>
      m.type === 11 && 'certificateList' in m ? ({ ...m, certificateList: [] } as never) : m;
    const { watched } = await handshake({}, {}, { flight: [11, empty] });
    expect(watched.closed?.error).toMatchObject({ code: 'ERR_DECODE', alert: 50 });
  });

  it('refuses an ECDSA certificate on a curve it did not offer (RFC 8422 5.1.1)', async () => {
    // The client offers x25519 and P-384; the server is told the client also has P-256, so it
    // picks its P-256 certificate (and x25519 for ECDHE).
    const addP256 = (m: HandshakeMessage): HandshakeMessage => {
      const ch = m as ClientHello;
      return {
        ...ch,
        extensions: ch.extensions.map((e) =>
          e.type === ExtensionType.supportedGroups && 'groups' in e
            ? { ...e, groups: [...e.groups, 0x17 as never] }
            : e,
        ),
      } as HandshakeMessage;
    };
    const { watched } = await handshake({ groups: [0x1d, 0x18] }, {}, { hello: addP256 });
    expect(watched.closed?.error).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
    expect(watched.closed?.error?.message).toContain('P-256');
  });

  it('sends an empty Certificate when the CertificateRequest names only other types (RFC 5246 7.4.6)', async () => {
    const f = await fixtures();
    const rsaOnly = (m: HandshakeMessage): HandshakeMessage =>
      m.type === 13 && 'certificateTypes' in m ? { ...m, certificateTypes: [1 as never] } : m;
    const { sent } = await handshake(
      { certificate: f.client },
      { clientAuth: 'request', ca: [f.caDer] },
      { flight: [13, rsaOnly] },
    );
    const certificate = sent.find((m) => m.type === 'certificate');
    // type, length(3), certificate_list length(3) = 0: no certificate.
    expect(Array.from(certificate?.bytes ?? [])).toEqual([11, 0, 0, 3, 0, 0, 0]);
  });

  it('still sends its ECDSA certificate when ecdsa_sign is requested', async () => {
    const f = await fixtures();
    const { sent, watched } = await handshake(
      { certificate: f.client },
      { clientAuth: 'request', ca: [f.caDer] },
      {},
    );
    expect(watched.closed).toBeUndefined();
    const certificate = sent.find((m) => m.type === 'certificate');
    expect(certificate?.bytes.length).toBeGreaterThan(100);
  });
});

describe('several client certificates', () => {
  it('TLS 1.2: sends the first the certificate_types accept', async () => {
    const f = await fixtures();
    const ecdsaOnly = (m: HandshakeMessage): HandshakeMessage =>
      m.type === 13 && 'certificateTypes' in m ? { ...m, certificateTypes: [64 as never] } : m;
    const { sent } = await handshake(
      { certificate: [f.server.rsa, f.client] },
      { clientAuth: 'request', ca: [f.caDer] },
      { flight: [13, ecdsaOnly] },
    );
    const certificate = sent.find((m) => m.type === 'certificate')!;
    const leaf = f.client.chain[0]!;
    expect(Buffer.from(certificate.bytes).includes(Buffer.from(leaf))).toBe(true);
  });

  it('TLS 1.3: sends the first whose key can sign with a requested scheme', async () => {
    const f = await fixtures();
    const pair = await connectPair(
      [f.server.p256],
      { certificate: [f.server.rsa, f.client], minVersion: 'TLSv1.3' },
      { clientAuth: 'require', ca: [f.caDer], signatureSchemes: [0x0403] },
    );
    expect(pair.serverClose).toBeUndefined();
    expect(pair.serverInfo?.peerCertificates[0]).toEqual(f.client.chain[0]);
  });
});
