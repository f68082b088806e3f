import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decodeExtensions,
  decodeHandshakeBody,
  encodeExtensions,
  encodeHandshake,
  ExtensionType,
  findExtension,
  fromHex,
  HandshakeType,
  hex,
  IllegalParameterError,
} from '../src/index.js';

const tls13 = { protocol: 'tls13' } as const;

// Bytes built by hand from RFC 8879 sections 3 and 4, not by the code under test.
describe('compress_certificate (RFC 8879 section 3)', () => {
  // extensions<2>: type 0x001b, length 5, algorithms<1-byte length 4>: zlib (1), brotli (2).
  const block = '0009' + '001b' + '0005' + '04' + '0001' + '0002';

  it('decodes the algorithm list in a ClientHello and a CertificateRequest', () => {
    for (const context of ['client_hello', 'certificate_request'] as const) {
      const list = decodeExtensions(fromHex(block), context);
      expect(findExtension(list, ExtensionType.compressCertificate)?.algorithms).toEqual([1, 2]);
    }
  });

  it('encodes back to the same bytes', () => {
    const list = decodeExtensions(fromHex(block), 'client_hello');
    expect(hex(encodeExtensions(list))).toBe(block);
  });

  it('keeps it raw where RFC 8879 defines no form (EncryptedExtensions)', () => {
    const list = decodeExtensions(fromHex(block), 'encrypted_extensions');
    expect(list[0]).toHaveProperty('raw');
  });

  it('refuses an algorithm listed twice with illegal_parameter', () => {
    const dup = '0009' + '001b' + '0005' + '04' + '0002' + '0002';
    expect(() => decodeExtensions(fromHex(dup), 'client_hello')).toThrow(IllegalParameterError);
  });

  it('refuses an empty list or an odd length with decode_error', () => {
    const empty = '0005' + '001b' + '0001' + '00';
    const odd = '0008' + '001b' + '0004' + '03' + '000100';
    expect(() => decodeExtensions(fromHex(empty), 'client_hello')).toThrow(DecodeError);
    expect(() => decodeExtensions(fromHex(odd), 'client_hello')).toThrow(DecodeError);
  });
});

describe('CompressedCertificate (RFC 8879 section 4)', () => {
  // algorithm brotli (2), uncompressed_length 0x000102, compressed<3-byte length 3> aabbcc.
  const body = '0002' + '000102' + '000003' + 'aabbcc';

  it('decodes and encodes msg_type 25', () => {
    const m = decodeHandshakeBody(HandshakeType.compressedCertificate, fromHex(body), tls13);
    expect(m).toEqual({
      type: HandshakeType.compressedCertificate,
      algorithm: 2,
      uncompressedLength: 0x102,
      compressedCertificateMessage: fromHex('aabbcc'),
    });
    expect(hex(encodeHandshake(m))).toBe('19' + '00000b' + body);
  });

  it('refuses an empty compressed_certificate_message and trailing bytes', () => {
    const empty = '0002' + '000102' + '000000';
    const decode = (b: string) =>
      decodeHandshakeBody(HandshakeType.compressedCertificate, fromHex(b), tls13);
    expect(() => decode(empty)).toThrow(DecodeError);
    expect(() => decode(body + '00')).toThrow(DecodeError);
  });
});
