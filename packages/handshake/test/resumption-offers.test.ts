/**
 * What a TLS 1.3 server requires of a client's resumption offers: tickets only for a client
 * whose psk_key_exchange_modes can use them (RFC 8446 4.2.9), and a ClientHello2 that keeps the
 * pre_shared_key of ClientHello1 (RFC 8446 4.1.2: it may be updated, not removed).
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type ClientOptions,
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
} from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';
import { watch } from './watch.js';

const ticketKeys = [{ name: new Uint8Array(16).fill(3), key: new Uint8Array(32).fill(4) }];

describe('tickets and psk_key_exchange_modes (RFC 8446 4.2.9)', () => {
  it('sends no ticket to a client that offers only psk_ke, which the server does not allow', async () => {
    const f = await fixtures();
    const pair = await connectPair(
      [f.server.p256],
      { pskKeyExchangeModes: ['psk_ke'] },
      { ticketKeys },
    );
    expect(pair.serverInfo).toBeDefined();
    expect(pair.sessions).toEqual([]);
  });

  it('sends tickets when the modes overlap', async () => {
    const f = await fixtures();
    const pair = await connectPair(
      [f.server.p256],
      { pskKeyExchangeModes: ['psk_ke', 'psk_dhe_ke'] },
      { ticketKeys },
    );
    expect(pair.sessions.length).toBeGreaterThan(0);
  });
});

/**
 * Runs ClientHello1 and a HelloRetryRequest between a client whose key share (x25519) is not
 * the server's group (P-256), then gives the server ClientHello2 as `edit` rebuilds it.
 */
async function retryWith(
  client: Partial<ClientOptions>,
  server: Partial<ServerOptions>,
  edit: (ch: ClientHello) => ClientHello,
) {
  const f = await fixtures();
  const c = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    groups: [0x1d, 0x17],
    keyShareGroups: [0x1d],
    ...client,
  });
  const s = watch(
    createServer({ provider, certificates: [f.server.p256], groups: [0x17], ...server }),
  );
  await c.start();
  for (const chunk of c.takeOutput()) await s.conn.receive(chunk);
  for (const chunk of s.conn.takeOutput()) await c.receive(chunk);
  // ClientHello2, after a compatibility change_cipher_spec record.
  const out = concatBytes(c.takeOutput());
  const at = out[0] === 20 ? 6 : 0;
  const ch = decodeHandshake(out.subarray(at + 5), { protocol: 'tls13' }).message as ClientHello;
  const body = encodeHandshake(edit(ch));
  await s.conn.receive(out.subarray(0, at));
  await s.conn.receive(
    concatBytes([Uint8Array.of(22, 3, 3, body.length >> 8, body.length & 0xff), body]),
  );
  return s;
}

describe('ClientHello2 (RFC 8446 4.1.2)', () => {
  it('refuses a ClientHello2 that drops the pre_shared_key of ClientHello1', async () => {
    const f = await fixtures();
    const first = await connectPair([f.server.p256], {}, { ticketKeys });
    let offered = false;
    const server = await retryWith({ session: first.sessions[0]! }, { ticketKeys }, (ch) => {
      offered = ch.extensions.some((e) => e.type === ExtensionType.preSharedKey);
      return {
        ...ch,
        extensions: ch.extensions.filter((e) => e.type !== ExtensionType.preSharedKey),
      };
    });
    expect(offered).toBe(true);
    expect(server.closed?.error).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
  });

  it('skips no early data after a ClientHello2 that offers it (RFC 8446 4.2.10)', async () => {
    // A client must not offer early_data again; records the server cannot open are then
    // bad_record_mac, not early data to skip.
    const server = await retryWith({}, {}, (ch) => ({
      ...ch,
      extensions: [{ type: ExtensionType.earlyData }, ...ch.extensions],
    }));
    expect(server.closed).toBeUndefined();
    await server.conn.receive(concatBytes([Uint8Array.of(23, 3, 3, 0, 32), new Uint8Array(32)]));
    expect(server.closed?.error).toMatchObject({ code: 'ERR_BAD_RECORD_MAC', alert: 20 });
  });
});
