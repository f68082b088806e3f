/**
 * Certificate Transparency SCTs in the handshake (RFC 6962 3.3.1): the server sends the leaf's
 * SignedCertificateTimestampList when asked, in ServerHello (TLS 1.2) or the leaf's
 * CertificateEntry (TLS 1.3); the client checks its framing and reports it.
 */
import { describe, expect, it } from 'vitest';
import { OptionsError, type TlsVersion } from '../src/index.js';
import { receivedSctList, sctListExtension, sctListProblem } from '../src/certs/sct.js';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

// Two SerializedSCTs (RFC 6962 3.3: opaque SerializedSCT<1..2^16-1>, in a <1..2^16-1> list).
const list = Uint8Array.of(0, 9, 0, 3, 1, 2, 3, 0, 2, 4, 5);

describe.each<TlsVersion>(['TLSv1.3', 'TLSv1.2'])('SCTs over %s', (version) => {
  const only = { minVersion: version, maxVersion: version };

  it('sends the entry list when asked and the client reports it as sent', async () => {
    const f = await fixtures();
    const entry = { ...f.server.p256, signedCertificateTimestamps: list };
    const pair = await connectPair([entry], { ...only, requestSignedCertificateTimestamps: true });
    expect(pair.clientClose?.error).toBeUndefined();
    expect(pair.clientInfo?.version).toBe(version);
    expect(pair.clientInfo?.signedCertificateTimestamps).toEqual(list);
    expect(pair.serverInfo?.signedCertificateTimestamps).toBeUndefined();
  });

  it('sends nothing to a client that did not ask (which would refuse it as unsolicited)', async () => {
    const f = await fixtures();
    const entry = { ...f.server.p256, signedCertificateTimestamps: list };
    const pair = await connectPair([entry], only);
    expect(pair.clientClose?.error).toBeUndefined();
    expect(pair.clientInfo?.version).toBe(version);
    expect(pair.clientInfo?.signedCertificateTimestamps).toBeUndefined();
  });

  it('reports none when the server has none', async () => {
    const f = await fixtures();
    const pair = await connectPair([f.server.p256], {
      ...only,
      requestSignedCertificateTimestamps: true,
    });
    expect(pair.clientInfo?.version).toBe(version);
    expect(pair.clientInfo?.signedCertificateTimestamps).toBeUndefined();
  });
});

describe('SCT list framing', () => {
  it('refuses lists that break RFC 6962 3.3 with decode_error', () => {
    const bad = [
      Uint8Array.of(0, 0), // an empty list
      Uint8Array.of(0, 6, 0, 2, 1, 2, 0, 0), // an empty SCT
      Uint8Array.of(0, 4, 0, 3, 1, 2), // an SCT cut short
      Uint8Array.of(0, 6, 0, 3, 1, 2, 3), // a list length beyond the data
      Uint8Array.of(0), // no length
    ];
    for (const raw of bad) {
      expect(sctListProblem(raw)).toBeDefined();
      expect(() => receivedSctList([sctListExtension(raw)])).toThrow(
        expect.objectContaining({ code: 'ERR_DECODE', alert: 50 }),
      );
    }
    expect(sctListProblem(list)).toBeUndefined();
    expect(receivedSctList([])).toBeUndefined();
  });

  it('refuses a malformed list in a server entry at creation', async () => {
    const f = await fixtures();
    await expect(
      connectPair([{ ...f.server.p256, signedCertificateTimestamps: Uint8Array.of(0, 0) }]),
    ).rejects.toThrow(OptionsError);
  });
});
