import { describe, expect, it } from 'vitest';
import { constantTimeEqual, KEY_LOG_LABELS, keyLogLine } from '../src/index.js';
import { h } from './vectors.js';

// RFC 8448 section 3: the ClientHello random and client_handshake_traffic_secret.
const clientRandom = h('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
const chts = h('b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21');

describe('NSS key log lines', () => {
  it('writes "<label> <client_random> <secret>" in lowercase hex', () => {
    expect(keyLogLine('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientRandom, chts)).toBe(
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET ' +
        'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7 ' +
        'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
    );
  });

  it('writes a TLS 1.2 CLIENT_RANDOM line with the 48-byte master secret', () => {
    const line = keyLogLine('CLIENT_RANDOM', clientRandom, new Uint8Array(48).fill(0xab));
    expect(line).toBe(
      `CLIENT_RANDOM ${'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7'} ${'ab'.repeat(48)}`,
    );
  });

  it('knows the labels Wireshark reads for TLS 1.3 and 1.2', () => {
    expect(KEY_LOG_LABELS).toEqual(
      expect.arrayContaining([
        'CLIENT_EARLY_TRAFFIC_SECRET',
        'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
        'SERVER_HANDSHAKE_TRAFFIC_SECRET',
        'CLIENT_TRAFFIC_SECRET_0',
        'SERVER_TRAFFIC_SECRET_0',
        'EXPORTER_SECRET',
        'CLIENT_RANDOM',
      ]),
    );
  });

  it('refuses an unknown label and a client random that is not 32 bytes', () => {
    expect(() => keyLogLine('SECRET' as never, clientRandom, chts)).toThrow(
      /unknown key log label/,
    );
    expect(() => keyLogLine('CLIENT_RANDOM', clientRandom.subarray(1), chts)).toThrow(/32 bytes/);
  });
});

describe('constantTimeEqual', () => {
  it('is true for equal bytes and false for any single-bit difference or other length', () => {
    expect(constantTimeEqual(chts, chts.slice())).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    for (let i = 0; i < chts.length; i++) {
      const other = chts.slice();
      other[i]! ^= 0x80;
      expect(constantTimeEqual(chts, other)).toBe(false);
    }
    expect(constantTimeEqual(chts, chts.subarray(1))).toBe(false);
  });
});
