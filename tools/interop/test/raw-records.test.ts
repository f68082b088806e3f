/**
 * The record helpers of hostile-peer tests, against records captured from openssl (the wire
 * package's fixtures) and against their own inverse.
 */
import { describe, expect, it } from 'vitest';
import {
  answered,
  answerTo,
  cutsEvery,
  firstAlert,
  firstRecord,
  handshakeRecords,
  wireFixture,
} from '../src/index.js';

describe('raw records', () => {
  it('cuts a message into handshake records whose fragments put it back together', () => {
    const message = Uint8Array.from({ length: 40_000 }, (_, i) => i % 251);
    const records = handshakeRecords(message, cutsEvery(message, 16_384));
    expect(records.map((r) => r.length - 5)).toEqual([16_384, 16_384, 40_000 - 2 * 16_384]);
    for (const record of records) {
      expect([...record.subarray(0, 3)]).toEqual([22, 3, 1]);
      expect(firstRecord(record)).toEqual(record);
    }
    expect(Buffer.concat(records.map((r) => r.subarray(5)))).toEqual(Buffer.from(message));
  });

  it("reads openssl s_server's answers: a ServerHello flight, and a fatal alert", () => {
    const flight = wireFixture('openssl-s_server-tls13-flight.hex');
    expect(answerTo(flight)).toBe('ServerHello');
    expect(answered(flight)).toBe(true);
    expect(answered(flight.subarray(0, firstRecord(flight).length - 1))).toBe(false);
    const alert = wireFixture('openssl-s_server-alert.hex');
    const found = firstAlert(alert);
    expect(found?.[0]).toBe(2);
    expect(answerTo(alert)).toBe(found?.[1]);
  });

  it('finds nothing in bytes that are not records, without reading past them', () => {
    expect(firstAlert(Uint8Array.of(21, 3, 3, 0xff, 0xff, 2))).toBeUndefined();
    expect(answerTo(new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n'))).toBe('nothing');
    expect(answered(Uint8Array.of(22, 3))).toBe(false);
  });
});
