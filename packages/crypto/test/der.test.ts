import { describe, expect, it } from 'vitest';
import { decodeEcdsaSignature, oidTlv, Tag, tlv, unsignedIntegerTlv } from '../src/der.js';
import { PROVIDERS } from './providers.js';
import { hex, toHex } from './vectors.js';

// X.690 10.1 / 8.3.2 rules, each shown by a hand-written encoding.
describe('strict DER in ECDSA signatures', () => {
  const good = '3006020101020102'; // SEQUENCE { INTEGER 1, INTEGER 2 }
  it('decodes a minimal encoding to fixed-width r || s', () => {
    expect(toHex(decodeEcdsaSignature(hex(good), 2) ?? new Uint8Array(0))).toBe('00010002');
  });
  it.each([
    ['long-form length below 128', '308106020101020102'],
    ['length with a leading zero byte', '30820006020101020102'],
    ['indefinite length', '3080020101020102' + '0000'],
    ['non-minimal INTEGER', '300702020001020102'],
    ['negative INTEGER', '30060201ff020102'],
    ['trailing bytes after the SEQUENCE', `${good}00`],
    ['trailing bytes inside the SEQUENCE', '3009020101020102020103'],
    ['length beyond the data', '3007020101020102'],
    ['empty INTEGER', '30050200020102'],
    ['wrong outer tag', '3106020101020102'],
  ])('rejects %s', (_what, der) => {
    expect(decodeEcdsaSignature(hex(der), 2)).toBeUndefined();
  });
  it('rejects an integer wider than the curve', () => {
    expect(decodeEcdsaSignature(hex('300702020101020102'), 1)).toBeUndefined();
  });
});

describe.each(PROVIDERS)('%s provider key import limits', (_name, create) => {
  const p = create();
  const rsaSpki = (modulusBits: number) => {
    const n = new Uint8Array(modulusBits / 8).fill(0xab);
    n[0] = 0xc1;
    const body = tlv(
      Tag.sequence,
      unsignedIntegerTlv(n),
      unsignedIntegerTlv(new Uint8Array([1, 0, 1])),
    );
    return tlv(
      Tag.sequence,
      tlv(Tag.sequence, oidTlv('1.2.840.113549.1.1.1'), tlv(Tag.null)),
      tlv(Tag.bitString, new Uint8Array([0]), body),
    );
  };

  it('accepts a 4096-bit RSA modulus and refuses one over 16384 bits (ERR_UNSUPPORTED_KEY)', async () => {
    await expect(p.importPublicKey(rsaSpki(4096))).resolves.toMatchObject({
      type: 'rsa',
      bits: 4096,
    });
    await expect(p.importPublicKey(rsaSpki(16392))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_KEY',
      alert: 43,
    });
  });

  it('refuses an RSA key without the NULL parameters (ERR_DECODE)', async () => {
    const spki = rsaSpki(2048);
    const noNull = tlv(
      Tag.sequence,
      tlv(Tag.sequence, oidTlv('1.2.840.113549.1.1.1')),
      spki.subarray(spki.length - 271),
    );
    await expect(p.importPublicKey(noNull)).rejects.toMatchObject({
      code: 'ERR_DECODE',
      alert: 50,
    });
  });
});
