/**
 * ClientHello padding (RFC 7685): a hello of 256..511 bytes is padded to 512, with and without a
 * PSK (whose binder must cover the padding), and left alone otherwise.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
  createClient,
  createServer,
  pump,
  type Session,
} from '@tlskit/handshake';
import { type Extension, ExtensionType, HandshakeType } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { padClientHello } from '../src/tls13/padding.js';
import { fixtures } from './fixtures.js';

const key = { name: new Uint8Array(16).fill(3), key: new Uint8Array(32).fill(4) };

/** The ClientHello lengths (with header) and padding extensions a tlskit server received. */
async function hello(client: Partial<ClientOptions>) {
  const f = await fixtures();
  // x25519 alone: the default hybrid key share alone makes a hello of over 1,200 bytes.
  const c = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    groups: [0x001d],
    ...client,
  });
  const s = createServer({ provider, certificates: [f.server.p256], ticketKeys: [key] });
  const seen: { length: number; padding: number | undefined }[] = [];
  s.on('message', (t) => {
    if (t.message?.type !== HandshakeType.clientHello) return;
    const padding = t.message.extensions.find((e) => e.type === ExtensionType.padding);
    seen.push({
      length: t.length,
      padding: padding !== undefined && 'length' in padding ? padding.length : undefined,
    });
  });
  const sessions: Session[] = [];
  c.on('session', (x) => sessions.push(x));
  await c.start();
  await pump(c, s);
  return { seen, sessions, info: c.handshakeInfo };
}

// A server name that puts tlskit's default ClientHello between 256 and 511 bytes.
const longName = `${'a'.repeat(60)}.example`;

describe('ClientHello padding (RFC 7685)', () => {
  it('pads a hello of 256..511 bytes to 512', async () => {
    const plain = await hello({
      serverName: longName,
      dangerouslySkipCertificateVerification: true,
    });
    expect(plain.seen[0]!.length).toBeGreaterThanOrEqual(256);
    expect(plain.seen[0]!.length).toBeLessThan(508);
    expect(plain.seen[0]!.padding).toBeUndefined();
    const padded = await hello({
      serverName: longName,
      dangerouslySkipCertificateVerification: true,
      clientHelloPadding: true,
    });
    expect(padded.seen[0]).toEqual({ length: 512, padding: 512 - plain.seen[0]!.length - 4 });
    expect(padded.info?.version).toBe('TLSv1.3');
  });

  it('counts the pre_shared_key in, and the server accepts the binder over the padding', async () => {
    const first = await hello({ clientHelloPadding: true });
    const resumed = await hello({ clientHelloPadding: true, session: first.sessions[0]! });
    expect(resumed.info?.resumed).toBe(true);
    expect(resumed.seen[0]!.length).toBe(512);
  });

  it('leaves a hello under 256 or from 512 bytes alone', async () => {
    const short = await hello({ clientHelloPadding: true, minVersion: 'TLSv1.3' });
    expect(short.seen[0]!.length).toBeLessThan(256);
    expect(short.seen[0]!.padding).toBeUndefined();
    const long = await hello({
      clientHelloPadding: true,
      serverName: `${'b'.repeat(300)}.example`,
      dangerouslySkipCertificateVerification: true,
    });
    expect(long.seen[0]!.length).toBeGreaterThanOrEqual(512);
    expect(long.seen[0]!.padding).toBeUndefined();
  });

  it('sizes the extension at each edge of the range', () => {
    const at = (length: number) => {
      const out = padClientHello([], () => length) as Extension[];
      const p = out[0];
      return p !== undefined && 'length' in p ? p.length : undefined;
    };
    expect(at(255)).toBeUndefined();
    expect(at(256)).toBe(252); // 256 + 4 + 252 = 512
    expect(at(507)).toBe(1); // 507 + 4 + 1 = 512
    expect(at(508)).toBe(1); // no room for the header: one byte over, as BoringSSL
    expect(at(511)).toBe(1);
    expect(at(512)).toBeUndefined();
  });
});
