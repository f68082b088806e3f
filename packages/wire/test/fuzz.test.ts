import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAlert,
  decodeChangeCipherSpec,
  decodeExtensions,
  decodeHandshake,
  decodeHandshakeHeader,
  decodeRecordHeader,
  encodeExtensions,
  encodeHandshake,
  ExtensionType,
  HandshakeType,
  hex,
  isTlsError,
  splitHandshakeMessages,
} from '../src/index.js';
import { CONTEXTS, contextOf, messages } from './arbitraries.js';
import { type Fixture, loadFixtures } from './fixtures.js';
import { rfc8448HandshakeFixtures } from './rfc8448.js';

// Mutated copies of every fixture go through every decoder. The only acceptable outcomes are a
// value or a TlsError: never a TypeError/RangeError, never a hang. A mutant that still decodes
// must re-encode to exactly its own bytes (the codec is byte-exact both ways).

/** xorshift32: deterministic, so a failure reproduces. */
function prng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * Truncations, extensions and bit flips of `bytes`. Positions are visited with a stride that
 * keeps long inputs (a 2 KB Chromium ClientHello) to about 3 * 256 + 68 mutants.
 */
function* mutants(bytes: Uint8Array, seed: number): Generator<Uint8Array> {
  const rand = prng(seed);
  const byte = () => Math.floor(rand() * 256);
  const stride = Math.max(1, Math.floor(bytes.length / 256));
  // Offsets 0..stride-1 are hit by a random start so every byte is covered across seeds.
  const start = Math.floor(rand() * stride);
  for (let n = start; n < bytes.length; n += stride) yield bytes.subarray(0, n);
  for (let extra = 1; extra <= 4; extra++) {
    const out = new Uint8Array(bytes.length + extra);
    out.set(bytes);
    for (let i = bytes.length; i < out.length; i++) out[i] = byte();
    yield out;
  }
  for (let i = start; i < bytes.length; i += stride) {
    const flipped = bytes.slice();
    flipped[i]! ^= 1 << Math.floor(rand() * 8);
    yield flipped;
    // Saturating a byte hits length fields with the largest and smallest values.
    const saturated = bytes.slice();
    saturated[i] = saturated[i] === 0xff ? 0 : 0xff;
    yield saturated;
  }
  for (let k = 0; k < 32; k++) {
    const multi = bytes.slice();
    for (let f = 0; f < 4; f++)
      multi[Math.floor(rand() * multi.length)]! ^= 1 << Math.floor(rand() * 8);
    const at = Math.floor(rand() * (bytes.length + 1));
    const inserted = new Uint8Array(bytes.length + 1);
    inserted.set(bytes.subarray(0, at));
    inserted[at] = byte();
    inserted.set(bytes.subarray(at), at + 1);
    yield multi;
    yield inserted;
  }
}

/** Runs `decode`; returns its value, or undefined when it threw a TlsError. Anything else fails. */
function attempt<T>(decode: () => T, input: Uint8Array): T | undefined {
  try {
    return decode();
  } catch (error) {
    if (!isTlsError(error)) {
      throw new Error(`non-TlsError for input ${hex(input)}: ${String(error)}`, { cause: error });
    }
    return undefined;
  }
}

function handshakeFixtures(): Fixture[] {
  const generated = Object.entries(messages).flatMap(([name, arb]) =>
    fc
      .sample(arb, { seed: 8446, numRuns: 4 })
      .map(
        (m): Fixture => ({ name: `generated ${name}`, bytes: encodeHandshake(m), ...contextOf(m) }),
      ),
  );
  return [...rfc8448HandshakeFixtures(), ...loadFixtures(), ...generated];
}

const fixtures = handshakeFixtures();

describe('fuzzing decoders with mutated fixtures', () => {
  it('has fixtures from every source', () => {
    expect(fixtures.length).toBeGreaterThan(49 + Object.keys(messages).length * 4 - 1);
  });

  it('decodeHandshake (both layouts) and splitHandshakeMessages throw only TlsError', () => {
    let decoded = 0;
    let total = 0;
    fixtures.forEach((fixture, index) => {
      for (const input of mutants(fixture.bytes, index + 1)) {
        total++;
        for (const protocol of ['tls13', 'tls12'] as const) {
          const result = attempt(() => decodeHandshake(input, { protocol }), input);
          if (result === undefined) continue;
          decoded++;
          // Byte-exact both ways; the one lossy spelling is an explicitly empty extensions
          // block in a hello, which re-encodes as an absent block (equivalent in TLS 1.2).
          const again = encodeHandshake(result.message);
          if (hex(again) !== hex(input)) {
            expect(hex(input)).toBe(`${hex(again)}0000`);
          }
        }
        attempt(() => splitHandshakeMessages(input), input);
        attempt(() => decodeHandshakeHeader(input), input);
      }
    });
    expect(total).toBeGreaterThan(5_000);
    expect(decoded).toBeGreaterThan(0);
  });

  it('decodeExtensions in every context throws only TlsError', () => {
    const blocks: Uint8Array[] = [];
    for (const f of fixtures) {
      const result = attempt(() => decodeHandshake(f.bytes, f), f.bytes);
      if (result && 'extensions' in result.message && result.message.extensions.length > 0) {
        blocks.push(encodeExtensions(result.message.extensions));
      }
    }
    expect(blocks.length).toBeGreaterThan(40);
    blocks.forEach((block, index) => {
      for (const input of mutants(block, 1000 + index)) {
        for (const context of CONTEXTS) {
          const result = attempt(() => decodeExtensions(input, context), input);
          if (result !== undefined) expect(hex(encodeExtensions(result))).toBe(hex(input));
        }
      }
    });
  });

  it('random bodies under every known handshake type throw only TlsError', () => {
    const types = Object.values(HandshakeType);
    const framed = fc
      .tuple(fc.constantFrom(...types), fc.uint8Array({ maxLength: 300 }))
      .map(([type, body]) => {
        const out = new Uint8Array(4 + body.length);
        out.set([type, 0, body.length >> 8, body.length & 0xff]);
        out.set(body, 4);
        return out;
      });
    fc.assert(
      fc.property(framed, (input) => {
        for (const protocol of ['tls13', 'tls12'] as const) {
          const result = attempt(() => decodeHandshake(input, { protocol }), input);
          if (result !== undefined) {
            const again = encodeHandshake(result.message);
            if (hex(again) !== hex(input)) expect(hex(input)).toBe(`${hex(again)}0000`);
          }
        }
      }),
      { numRuns: 3000, seed: 5246 },
    );
  });

  it('random extension bodies under every known extension type throw only TlsError', () => {
    const types = Object.values(ExtensionType);
    const block = fc
      .array(fc.tuple(fc.constantFrom(...types), fc.uint8Array({ maxLength: 40 })), {
        maxLength: 4,
      })
      .map((exts) => {
        const parts = exts.map(([t, b]) => [
          t >> 8,
          t & 0xff,
          b.length >> 8,
          b.length & 0xff,
          ...b,
        ]);
        const inner = parts.flat();
        return Uint8Array.from([inner.length >> 8, inner.length & 0xff, ...inner]);
      });
    fc.assert(
      fc.property(block, (input) => {
        for (const context of CONTEXTS) {
          const result = attempt(() => decodeExtensions(input, context), input);
          if (result !== undefined) expect(hex(encodeExtensions(result))).toBe(hex(input));
        }
      }),
      { numRuns: 3000, seed: 8446 },
    );
  });

  it('record header, alert and change_cipher_spec decoders throw only TlsError', () => {
    const seeds = [
      Uint8Array.of(0x16, 0x03, 0x03, 0x00, 0x5a),
      Uint8Array.of(0x02, 0x32),
      Uint8Array.of(0x01),
    ];
    seeds.forEach((seed, index) => {
      for (const input of mutants(seed, 2000 + index)) {
        attempt(() => decodeRecordHeader(input), input);
        attempt(() => decodeAlert(input), input);
        attempt(() => decodeChangeCipherSpec(input), input);
      }
    });
  });
});
