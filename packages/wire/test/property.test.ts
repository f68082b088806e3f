import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Alert,
  decodeAlert,
  decodeExtensions,
  decodeHandshake,
  decodeRecordHeader,
  encodeAlert,
  encodeExtensions,
  encodeHandshake,
  encodeRecordHeader,
  hex,
  type RecordHeader,
  splitHandshakeMessages,
} from '../src/index.js';
import { CONTEXTS, contextOf, extensionsIn, messages } from './arbitraries.js';

const RUNS = { numRuns: 150 };

describe('round trips (fast-check)', () => {
  it.each(Object.keys(messages))('%s: encode then decode gives the same message', (name) => {
    fc.assert(
      fc.property(messages[name]!, (message) => {
        const bytes = encodeHandshake(message);
        const decoded = decodeHandshake(bytes, contextOf(message));
        expect(decoded.message).toEqual(message);
        expect(hex(encodeHandshake(decoded.message))).toBe(hex(bytes));
      }),
      RUNS,
    );
  });

  it.each(CONTEXTS)('extension block in %s: encode then decode gives the same list', (context) => {
    fc.assert(
      fc.property(extensionsIn(context, 0, 8), (extensions) => {
        const bytes = encodeExtensions(extensions);
        const decoded = decodeExtensions(bytes, context);
        expect(decoded).toEqual(extensions);
        expect(hex(encodeExtensions(decoded))).toBe(hex(bytes));
      }),
      RUNS,
    );
  });

  it('splits concatenated messages back into the encodings', () => {
    const any = fc.oneof(...Object.values(messages));
    fc.assert(
      fc.property(fc.array(any, { minLength: 1, maxLength: 5 }), (list) => {
        const encoded = list.map((m) => encodeHandshake(m));
        const joined = new Uint8Array(encoded.reduce((n, e) => n + e.length, 0));
        let at = 0;
        for (const e of encoded) {
          joined.set(e, at);
          at += e.length;
        }
        expect(splitHandshakeMessages(joined).map(hex)).toEqual(encoded.map(hex));
      }),
      { numRuns: 50 },
    );
  });

  it('record headers and alerts round-trip', () => {
    const header = fc.record({
      type: fc.integer({ min: 0, max: 255 }),
      legacyRecordVersion: fc.integer({ min: 0, max: 0xffff }),
      length: fc.integer({ min: 0, max: 2 ** 14 + 2048 }),
    }) as fc.Arbitrary<RecordHeader>;
    fc.assert(
      fc.property(header, (h) => {
        expect(decodeRecordHeader(encodeRecordHeader(h))).toEqual(h);
      }),
      RUNS,
    );
    const alert = fc.record({
      level: fc.integer({ min: 0, max: 255 }),
      description: fc.integer({ min: 0, max: 255 }),
    }) as fc.Arbitrary<Alert>;
    fc.assert(
      fc.property(alert, (a) => {
        expect(decodeAlert(encodeAlert(a))).toEqual(a);
      }),
      RUNS,
    );
  });
});
