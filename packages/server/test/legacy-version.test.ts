/**
 * RFC 8446 Appendix D.5 over TCP (issue 11, defect 2): a ClientHello whose legacy_version is
 * 0x0300 or lower gets a protocol_version alert even when supported_versions offers TLS 1.3.
 * node:tls (OpenSSL) is the reference and must answer the same bytes the same way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answered, answerTo, sendRaw, stopAllPeers, wireFixture as fixture } from '@tlskit/interop';
import { cleanup, clientErrorsReach, nodeServer, ourServer } from './servers.js';

afterEach(async () => {
  for (const step of cleanup.splice(0)) step();
  await stopAllPeers();
});

/** `openssl s_client`'s ClientHello record (supported_versions: TLS 1.3, 1.2). */
const hello = fixture('openssl-s_client.hex');

function withLegacyVersion(version: number): Uint8Array {
  const out = hello.slice();
  // record header (5) + msg_type (1) + uint24 length (3), then legacy_version.
  out[9] = version >> 8;
  out[10] = version & 0xff;
  return out;
}

const sslAndBelow = [0x0000, 0x0001, 0x0002, 0x0100, 0x0102, 0x0103, 0x0200, 0x0300];

describe('legacy_version 0x0300 or lower over TCP (RFC 8446 D.5)', () => {
  it('node:tls refuses each with a fatal alert: protocol_version below 0x0300 (the reference)', async () => {
    const { port } = await nodeServer();
    for (const version of sslAndBelow) {
      const { reply } = await sendRaw(port, [withLegacyVersion(version)], { until: answered });
      // OpenSSL 3 answers exactly 0x0300 with handshake_failure (40); D.5 and BoGo ask for
      // protocol_version, which is what we send for all of them.
      expect([version, answerTo(reply)]).toEqual([version, version === 0x0300 ? 40 : 70]);
    }
  });

  it('answers each with protocol_version at once and reports ERR_PROTOCOL_VERSION', async () => {
    const { port, clientErrors } = await ourServer();
    for (const [i, version] of sslAndBelow.entries()) {
      const started = Date.now();
      const { reply, ended } = await sendRaw(port, [withLegacyVersion(version)]);
      expect([version, answerTo(reply), ended]).toEqual([version, 70, 'close']);
      expect(Date.now() - started).toBeLessThan(2_000);
      await clientErrorsReach(clientErrors, i + 1);
      expect(clientErrors[i]).toMatchObject({ code: 'ERR_PROTOCOL_VERSION', alert: 70 });
    }
  });

  it('still answers legacy_version 0x0301 and 0x0303 with a ServerHello, as node:tls does', async () => {
    const ours = await ourServer();
    const reference = await nodeServer();
    for (const version of [0x0301, 0x0303]) {
      for (const port of [ours.port, reference.port]) {
        const { reply } = await sendRaw(port, [withLegacyVersion(version)], { until: answered });
        expect(answerTo(reply)).toBe('ServerHello');
      }
    }
  });
});
