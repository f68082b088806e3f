import { describe, expect, it } from 'vitest';
import {
  AlertDescription,
  CipherSuite,
  ContentType,
  ExtensionType,
  HandshakeType,
  isGrease,
  isKnown,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  SignatureScheme,
} from '../src/index.js';

describe('registries', () => {
  it('carry the IANA code points', () => {
    expect(NamedGroup.X25519MLKEM768).toBe(0x11ec);
    expect(NamedGroup.x25519).toBe(0x001d);
    expect(CipherSuite.TLS_AES_128_GCM_SHA256).toBe(0x1301);
    expect(CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256).toBe(0xcca9);
    expect(ExtensionType.keyShare).toBe(51);
    expect(ExtensionType.renegotiationInfo).toBe(0xff01);
    expect(HandshakeType.messageHash).toBe(254);
    expect(SignatureScheme.rsa_pss_rsae_sha256).toBe(0x0804);
    expect(AlertDescription.noApplicationProtocol).toBe(120);
    expect(AlertDescription.echRequired).toBe(121);
    expect(ProtocolVersion.TLSv1_3).toBe(0x0304);
    expect(ContentType.applicationData).toBe(23);
  });

  it('name known values in IANA spelling', () => {
    expect(nameOf(NamedGroup, 0x11ec)).toBe('X25519MLKEM768');
    expect(nameOf(ExtensionType, 16)).toBe('application_layer_protocol_negotiation');
    expect(nameOf(ExtensionType, 0xff01)).toBe('renegotiation_info');
    expect(nameOf(HandshakeType, 1)).toBe('client_hello');
    expect(nameOf(AlertDescription, 50)).toBe('decode_error');
    expect(nameOf(SignatureScheme, 0x0403)).toBe('ecdsa_secp256r1_sha256');
    expect(nameOf(CipherSuite, 0x1302)).toBe('TLS_AES_256_GCM_SHA384');
    expect(nameOf(ContentType, 20)).toBe('change_cipher_spec');
  });

  it('print unknown values as hex of the registry width', () => {
    expect(nameOf(ExtensionType, 0x1a1a)).toBe('0x1a1a');
    expect(nameOf(HandshakeType, 99)).toBe('0x63');
    expect(nameOf(CipherSuite, 0x0a0a)).toBe('0x0a0a');
    expect(isKnown(NamedGroup, 0x1d)).toBe(true);
    expect(isKnown(NamedGroup, 0x2a2a)).toBe(false);
  });

  it('recognise exactly the sixteen RFC 8701 GREASE values', () => {
    const grease: number[] = [];
    for (let v = 0; v <= 0xffff; v++) if (isGrease(v)) grease.push(v);
    expect(grease).toEqual(
      Array.from({ length: 16 }, (_, i) => (i << 12) | 0x0a00 | (i << 4) | 0x0a),
    );
  });
});
