/**
 * Large ClientHellos (issue 11, defect 1). RFC 8446 5.1: a handshake message may span any number
 * of records, and a ClientHello may be as large as its vectors allow (extensions<8..2^16-1>,
 * cipher_suites<2..2^16-2>): 131,396 bytes of body, OpenSSL's CLIENT_HELLO_MAX_LENGTH. The server
 * must take every hello up to that size however it is split into records, and refuse a larger
 * announced length with a named alert, never by waiting.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { type Connection, createClient, createServer } from '@tlskit/handshake';
import {
  type CipherSuite,
  type ClientHello,
  concatBytes,
  decodeHandshake,
  type Extension,
  encodeHandshake,
  ExtensionType,
  NamedGroup,
} from '@tlskit/wire';
import { cutsEvery, handshakeRecords } from '@tlskit/interop';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

/** legacy_version, random, and every vector of a ClientHello at its maximum length. */
const maxClientHelloLength = 2 + 32 + (1 + 32) + (2 + 0xfffe) + (1 + 0xff) + (2 + 0xffff);

/** A real ClientHello from our client (TLS 1.3 and 1.2 offered), decoded. */
async function realHello(): Promise<ClientHello> {
  const f = await fixtures();
  // One X25519 key share keeps the hello small, as the reviewer's was, so the extensions block
  // has room for 65,381 bytes more.
  const client = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    keyShareGroups: [NamedGroup.x25519],
  });
  await client.start();
  const bytes = concatBytes(client.takeOutput());
  return decodeHandshake(bytes.subarray(5), { protocol: 'tls13' }).message as ClientHello;
}

/** `hello` with `extra` added before pre_shared_key (which must stay last), encoded. */
function withExtensions(hello: ClientHello, extra: readonly Extension[]): Uint8Array {
  const psk = hello.extensions.filter((e) => e.type === ExtensionType.preSharedKey);
  const rest = hello.extensions.filter((e) => e.type !== ExtensionType.preSharedKey);
  return encodeHandshake({ ...hello, extensions: [...rest, ...extra, ...psk] });
}

/** The longest extension body that still fits `hello`'s extensions block (at most 2^16 - 1). */
function room(hello: ClientHello): number {
  const entries =
    withExtensions(hello, []).length - encodeHandshake({ ...hello, extensions: [] }).length - 2;
  return 0xffff - entries - 4;
}

type Outcome = { reply: 'ServerHello' } | { reply: 'alert'; alert: number; code: string };

/** Feeds `chunks` to a fresh server engine and says how it answered. */
async function answer(chunks: readonly Uint8Array[]): Promise<Outcome> {
  const f = await fixtures();
  const server: Connection = createServer({ provider, certificates: [f.server.p256] });
  let closed: { error: Error | undefined } | undefined;
  server.on('close', (e) => {
    closed = e;
  });
  for (const chunk of chunks) {
    await server.receive(chunk);
    if (closed) break;
  }
  const out = concatBytes(server.takeOutput());
  if (closed) {
    const error = closed.error as Error & { alert: number; code: string };
    return { reply: 'alert', alert: error.alert, code: error.code };
  }
  // A ServerHello (msg_type 2) in a handshake record (type 22): the hello was taken in full.
  return out[0] === 22 && out[5] === 2
    ? { reply: 'ServerHello' }
    : { reply: 'alert', alert: -1, code: 'silence' };
}

const padding = (length: number): Extension => ({ type: ExtensionType.padding, length });
const unknown = (length: number): Extension => ({
  type: 80 as ExtensionType,
  raw: new Uint8Array(length),
});

describe('large ClientHellos (issue 11, defect 1)', () => {
  it('answers a hello with 16,181 bytes of padding split over two full-size records', async () => {
    const hello = withExtensions(await realHello(), [padding(16_181)]);
    expect(hello.length).toBeGreaterThan(16_384);
    expect(await answer(handshakeRecords(hello, cutsEvery(hello, 16_384)))).toEqual({
      reply: 'ServerHello',
    });
  });

  it('answers a hello with an unknown extension of 65,381 bytes', async () => {
    const hello = withExtensions(await realHello(), [unknown(65_381)]);
    expect(hello.length).toBeGreaterThan(65_536);
    expect(await answer(handshakeRecords(hello, cutsEvery(hello, 16_384)))).toEqual({
      reply: 'ServerHello',
    });
  });

  it('answers a hello of over 64 KiB sent as one-byte records', async () => {
    const base = await realHello();
    const hello = withExtensions(base, [padding(room(base))]);
    expect(hello.length).toBeGreaterThan(65_536);
    expect(await answer([concatBytes(handshakeRecords(hello, cutsEvery(hello, 1)))])).toEqual({
      reply: 'ServerHello',
    });
  }, 20_000);

  it('answers a hello at the largest size TLS 1.3 allows', async () => {
    const base = await realHello();
    const suites = Array.from({ length: 32_767 }, (_, i) =>
      i < base.cipherSuites.length ? base.cipherSuites[i]! : ((0x0a00 + i) as CipherSuite),
    );
    const sized: ClientHello = {
      ...base,
      legacySessionId: new Uint8Array(32),
      cipherSuites: suites,
    };
    const hello = withExtensions(sized, [unknown(room(sized))]);
    // Every vector at its maximum but legacy_compression_methods, which TLS 1.3 fixes at [0].
    expect(hello.length).toBe(4 + maxClientHelloLength - 254);
    expect(await answer(handshakeRecords(hello, cutsEvery(hello, 16_384)))).toEqual({
      reply: 'ServerHello',
    });
  });

  it('refuses a ClientHello announcing more than 131,396 bytes at once with illegal_parameter', async () => {
    const length = maxClientHelloLength + 1;
    const header = Uint8Array.of(1, length >> 16, (length >> 8) & 0xff, length & 0xff);
    expect(await answer(handshakeRecords(header, []))).toMatchObject({
      reply: 'alert',
      alert: 47,
      code: 'ERR_HANDSHAKE_MESSAGE_TOO_LARGE',
    });
  });

  it('answers the same whether a hello comes in one record or split at random points', async () => {
    const base = await realHello();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(40_000),
        fc.uniqueArray(fc.nat(1_000_000), { maxLength: 12 }),
        fc.option(fc.record({ at: fc.nat(1_000_000), value: fc.nat(255) }), { nil: undefined }),
        async (pad, rawCuts, flip) => {
          const hello = withExtensions(base, [padding(pad)]);
          // A flipped byte makes some hellos invalid: the alert must not depend on the split either.
          if (flip) hello[flip.at % hello.length] = flip.value;
          const cuts = rawCuts.map((c) => 1 + (c % (hello.length - 1)));
          expect(await answer(handshakeRecords(hello, withFullRecords(hello, cuts)))).toEqual(
            await answer(handshakeRecords(hello, withFullRecords(hello, []))),
          );
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  }, 60_000);
});

/** `cuts` plus a cut every 2^14 bytes (no record may be longer), sorted and unique. */
function withFullRecords(message: Uint8Array, cuts: readonly number[]): number[] {
  return [...new Set([...cuts, ...cutsEvery(message, 16_384)])].sort((a, b) => a - b);
}
