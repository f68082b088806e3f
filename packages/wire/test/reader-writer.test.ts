import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decodeAll,
  EncodeError,
  encodeWith,
  fromHex,
  hex,
  Reader,
  Writer,
} from '../src/index.js';

describe('Reader', () => {
  it('reads big-endian integers, including uint32 values above 2^31', () => {
    const r = new Reader(fromHex('01 0203 040506 fffffffe'));
    expect([r.u8('a'), r.u16('b'), r.u24('c'), r.u32('d')]).toEqual([
      1, 0x0203, 0x040506, 0xfffffffe,
    ]);
    expect(r.remaining).toBe(0);
  });

  it('returns views into the input for vectors', () => {
    const input = fromHex('03aabbcc');
    const v = new Reader(input).vector8('v', 0, 3);
    expect(v.buffer).toBe(input.buffer);
    expect(v.byteOffset).toBe(1);
  });

  it('names the field when the input ends early', () => {
    expect(() => new Reader(fromHex('00')).u16('cipher_suite')).toThrow(/cipher_suite/);
    expect(() => new Reader(fromHex('0005aabb')).vector16('cookie', 1, 10)).toThrow(/cookie/);
  });

  it('enforces vector bounds on both sides', () => {
    expect(() => new Reader(fromHex('00')).vector8('v', 1, 5)).toThrow(DecodeError);
    expect(() => new Reader(fromHex('06000000000000')).vector8('v', 1, 5)).toThrow(DecodeError);
    expect(hex(new Reader(fromHex('000001aa')).vector24('v', 1, 5))).toBe('aa');
  });

  it('rejects trailing bytes in end() and decodeAll()', () => {
    expect(() => decodeAll(fromHex('0102'), 'x', (r) => r.u8('a'))).toThrow(/trailing/);
    expect(decodeAll(fromHex('0102'), 'x', (r) => r.u16('a'))).toBe(0x0102);
  });

  it('sub() confines reads to a slice and moves the parent past it', () => {
    const r = new Reader(fromHex('0203ff'));
    const sub = r.sub(2, 'inner');
    expect(sub.all('list', (s) => s.u8('item'))).toEqual([2, 3]);
    expect(() => sub.u8('past the end')).toThrow(DecodeError);
    expect(r.u8('after')).toBe(0xff);
  });

  it('rejects a negative or fractional length instead of moving backwards', () => {
    const r = new Reader(fromHex('aabb'));
    r.u8('first');
    expect(() => r.bytes(-1, 'x')).toThrow(DecodeError);
    expect(() => r.bytes(0.5, 'x')).toThrow(DecodeError);
    expect(r.offset).toBe(1);
  });
});

describe('Writer', () => {
  it('back-fills 1-, 2- and 3-byte length prefixes', () => {
    const out = encodeWith((w) => {
      w.vector8('a', 0, 255, () => w.u8(7));
      w.vector16('b', 0, 0xffff, () => w.u16(0x0102));
      w.vector24('c', 0, 0xffffff, () => w.bytes(fromHex('aabbcc')));
    });
    expect(hex(out)).toBe('0107' + '00020102' + '000003aabbcc');
  });

  it('keeps earlier bytes when the buffer grows mid-vector', () => {
    const big = new Uint8Array(1000).fill(0x5a);
    const out = encodeWith((w) =>
      w.vector16('outer', 0, 0xffff, () => {
        w.u8(1);
        w.bytes(big);
        w.u8(2);
      }),
    );
    expect(out.length).toBe(2 + 1002);
    expect([out[0], out[1], out[2], out[3], out[1002], out[1003]]).toEqual([
      0x03, 0xea, 1, 0x5a, 0x5a, 2,
    ]);
  });

  it('refuses out-of-range integers and vectors outside their bounds', () => {
    expect(() => new Writer().u8(256)).toThrow(EncodeError);
    expect(() => new Writer().u16(-1)).toThrow(EncodeError);
    expect(() => new Writer().u32(1.5)).toThrow(EncodeError);
    expect(() => new Writer().vector8('v', 1, 5, () => {})).toThrow(/v: length 0/);
  });
});
