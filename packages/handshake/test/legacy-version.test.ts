/**
 * RFC 8446 Appendix D.5: "Any endpoint receiving a Hello message with ClientHello.legacy_version
 * or ServerHello.legacy_version set to 0x0300 [or less] MUST abort the handshake with a
 * protocol_version alert", even when supported_versions offers TLS 1.3 (issue 11, defect 2).
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, createServer } from '@tlskit/handshake';
import { concatBytes } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { type Watched, watch } from './watch.js';

async function newClient(options: { maxVersion?: 'TLSv1.2' } = {}): Promise<Watched> {
  const f = await fixtures();
  return watch(createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...options }));
}

async function newServer(): Promise<Watched> {
  const f = await fixtures();
  return watch(createServer({ provider, certificates: [f.server.p256] }));
}

/** A copy of a plaintext hello record (record header first) with legacy_version replaced. */
function withLegacyVersion(record: Uint8Array, version: number): Uint8Array {
  const out = record.slice();
  // record header (5) + msg_type (1) + uint24 length (3), then legacy_version.
  out[9] = version >> 8;
  out[10] = version & 0xff;
  return out;
}

const sslAndBelow = [0x0000, 0x0001, 0x0002, 0x0100, 0x0102, 0x0103, 0x0200, 0x0300];

describe('legacy_version 0x0300 or lower (RFC 8446 D.5)', () => {
  for (const version of sslAndBelow) {
    const hex = `0x${version.toString(16).padStart(4, '0')}`;
    it(`server refuses a ClientHello offering TLS 1.3 with legacy_version ${hex}: protocol_version`, async () => {
      const client = await newClient();
      await client.conn.start();
      const hello = withLegacyVersion(concatBytes(client.conn.takeOutput()), version);
      const server = await newServer();
      await server.conn.receive(hello);
      expect(server.closed?.error).toMatchObject({ code: 'ERR_PROTOCOL_VERSION', alert: 70 });
      expect(server.sentAlerts).toEqual([70]);
    });

    it(`client refuses a TLS 1.3 ServerHello with legacy_version ${hex}: protocol_version`, async () => {
      const client = await newClient();
      const server = await newServer();
      await client.conn.start();
      for (const r of client.conn.takeOutput()) await server.conn.receive(r);
      const [serverHello, ...rest] = server.conn.takeOutput();
      expect(rest.length).toBeGreaterThan(0);
      await client.conn.receive(withLegacyVersion(serverHello!, version));
      expect(client.closed?.error).toMatchObject({ code: 'ERR_PROTOCOL_VERSION', alert: 70 });
      expect(client.sentAlerts).toEqual([70]);
    });
  }

  it('server refuses a TLS 1.2-only ClientHello with legacy_version 0x0300: protocol_version', async () => {
    const client = await newClient({ maxVersion: 'TLSv1.2' });
    await client.conn.start();
    const hello = withLegacyVersion(concatBytes(client.conn.takeOutput()), 0x0300);
    const server = await newServer();
    await server.conn.receive(hello);
    expect(server.closed?.error).toMatchObject({ code: 'ERR_PROTOCOL_VERSION', alert: 70 });
  });

  it('server still answers a ClientHello offering TLS 1.3 with legacy_version 0x0301', async () => {
    // RFC 8446 4.2.1: with supported_versions, legacy_version is not used for negotiation.
    const client = await newClient();
    await client.conn.start();
    const hello = withLegacyVersion(concatBytes(client.conn.takeOutput()), 0x0301);
    const server = await newServer();
    await server.conn.receive(hello);
    expect(server.closed).toBeUndefined();
    const reply = concatBytes(server.conn.takeOutput());
    expect([reply[0], reply[5]]).toEqual([22, 2]);
  });
});
