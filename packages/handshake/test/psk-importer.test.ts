/**
 * RFC 9258 PSK importers: the derived key checked against an HKDF written here with
 * node:crypto's HMAC (independent of the provider), and imported PSKs between our engines.
 */
import { createHash, createHmac } from 'node:crypto';
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  decodeImportedIdentity,
  encodeImportedIdentity,
  type ExternalPskLookup,
  importPsk,
} from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { connectPair } from './pair.js';

const enc = (s: string) => new TextEncoder().encode(s);
const epsk = new Uint8Array(32).map((_, i) => 0xa0 + i);
const lookup: ExternalPskLookup = (identity) =>
  new TextDecoder().decode(identity) === 'device-7' ? { key: epsk } : undefined;

/** HKDF-Extract and HKDF-Expand-Label (RFC 5869, RFC 8446 7.1) with node:crypto HMAC-SHA256. */
function referenceImport(key: Uint8Array, importedIdentity: Uint8Array, length: number): Buffer {
  const hmac = (k: Uint8Array, data: Uint8Array) => createHmac('sha256', k).update(data).digest();
  const prk = hmac(new Uint8Array(32), key);
  const label = Buffer.from('tls13 derived psk');
  const hash = createHash('sha256').update(importedIdentity).digest();
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, label.length]),
    label,
    Buffer.from([hash.length]),
    hash,
  ]);
  let t = Buffer.alloc(0);
  let out = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = hmac(prk, Buffer.concat([t, info, Buffer.from([i])]));
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, length);
}

describe('RFC 9258 PSK importers', () => {
  it('encodes the ImportedIdentity of RFC 9258 section 3 and reads it back', () => {
    const bytes = encodeImportedIdentity(enc('id'), enc('ctx'), 'SHA-384');
    expect([...bytes]).toEqual([0, 2, 0x69, 0x64, 0, 3, 0x63, 0x74, 0x78, 0x03, 0x04, 0, 2]);
    expect(decodeImportedIdentity(bytes)).toEqual({
      externalIdentity: enc('id'),
      context: enc('ctx'),
      targetHash: 'SHA-384',
      forTls13: true,
    });
    expect(decodeImportedIdentity(enc('plain identity'))).toBeUndefined();
  });

  it('derives ipskx as HKDF-Expand-Label(HKDF-Extract(0, epsk), "derived psk", Hash(id), L)', () => {
    for (const [hash, length] of [
      ['SHA-256', 32],
      ['SHA-384', 48],
    ] as const) {
      const identity = encodeImportedIdentity(enc('device-7'), new Uint8Array(0), hash);
      const ours = importPsk(provider, epsk, identity, hash);
      expect(Buffer.from(ours)).toEqual(referenceImport(epsk, identity, length));
    }
  });

  it('completes a handshake with an imported PSK, SHA-256 and SHA-384', async () => {
    for (const [hash, suite] of [
      ['SHA-256', 'TLS_AES_128_GCM_SHA256'],
      ['SHA-384', 'TLS_AES_256_GCM_SHA384'],
    ] as const) {
      const p = await connectPair(
        [],
        { externalPsk: { identity: enc('device-7'), key: epsk, hash, importer: {} } },
        { pskCallback: lookup, pskImporters: true },
      );
      expect(p.clientClose?.error).toBeUndefined();
      expect(p.clientInfo).toMatchObject({ cipherSuite: suite, peerVerified: true });
      expect(p.clientInfo?.pskIdentity).toEqual(enc('device-7'));
      expect(p.serverInfo?.pskIdentity).toEqual(enc('device-7'));
    }
  });

  it('is not accepted by a server without pskImporters; an importing server still takes plain PSKs', async () => {
    const plain = await connectPair(
      [],
      { externalPsk: { identity: enc('device-7'), key: epsk, importer: {} } },
      { pskCallback: lookup },
    );
    expect(plain.serverClose?.error).toMatchObject({ alert: 40 });
    // A used-as-is key under an importing server: plain lookup, ext binder, still works.
    const direct = await connectPair(
      [],
      { externalPsk: { identity: enc('device-7'), key: epsk } },
      { pskCallback: lookup, pskImporters: true },
    );
    expect(direct.clientClose?.error).toBeUndefined();
  });
});
