import { describe, expect, it } from 'vitest';
import {
  type ClientHello,
  decodeHandshake,
  encodeHandshake,
  encodePskBinders,
  ExtensionType,
  findExtension,
  HandshakeType,
  hex,
  NamedGroup,
  type ServerHello,
} from '../src/index.js';
import { loadRfc8448, rfc8448HandshakeFixtures } from './rfc8448.js';

const entries = loadRfc8448();

const fixtures = rfc8448HandshakeFixtures();

function message(section: string, key: string) {
  const e = entries.find((x) => x.section === section && x.key === key);
  if (!e) throw new Error(`missing ${section} ${key}`);
  const bytes = key.startsWith('Record_') ? e.bytes.subarray(5) : e.bytes;
  return decodeHandshake(bytes, { protocol: 'tls13' }).message;
}

describe('RFC 8448 transcripts', () => {
  it('contain the expected number of plaintext handshake messages', () => {
    // 33 Message_* lines plus 16 ClientHello/ServerHello/HelloRetryRequest records.
    expect(fixtures.length).toBe(49);
  });

  it.each(fixtures.map((f) => [f.name, f.bytes] as const))(
    '%s decodes and re-encodes byte for byte',
    (_name, bytes) => {
      const decoded = decodeHandshake(bytes, { protocol: 'tls13' });
      expect(decoded.bytes).toBe(bytes);
      expect(hex(encodeHandshake(decoded.message))).toBe(hex(bytes));
    },
  );

  it('decodes the simple 1-RTT ClientHello fields as RFC 8448 section 3 lists them', () => {
    const ch = message('Simple_1RTT_Handshake', 'Record_ClientHello_1') as ClientHello;
    expect(ch.type).toBe(HandshakeType.clientHello);
    expect(hex(ch.random)).toBe('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
    expect(ch.cipherSuites).toEqual([0x1301, 0x1303, 0x1302]);
    expect(ch.extensions.map((e) => e.type)).toEqual([0, 0xff01, 10, 35, 51, 43, 13, 45, 28]);
    const sni = findExtension(ch.extensions, ExtensionType.serverName);
    expect(new TextDecoder().decode(sni?.serverNames[0]?.name)).toBe('server');
    const groups = findExtension(ch.extensions, ExtensionType.supportedGroups);
    expect(groups?.groups).toEqual([0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104]);
    const ks = findExtension(ch.extensions, ExtensionType.keyShare);
    expect(ks && 'clientShares' in ks && ks.clientShares.map((s) => s.group)).toEqual([
      NamedGroup.x25519,
    ]);
    const versions = findExtension(ch.extensions, ExtensionType.supportedVersions);
    expect(versions && 'versions' in versions && versions.versions).toEqual([0x0304]);
    expect(findExtension(ch.extensions, ExtensionType.recordSizeLimit)?.recordSizeLimit).toBe(
      0x4001,
    );
  });

  it('recognises the HelloRetryRequest by its random and decodes its forms', () => {
    const hrr = message('HelloRetryRequest_Handshake', 'Record_HelloRetryRequest') as ServerHello;
    expect(hrr.isHelloRetryRequest).toBe(true);
    const ks = findExtension(hrr.extensions, ExtensionType.keyShare);
    expect(ks && 'selectedGroup' in ks && ks.selectedGroup).toBe(NamedGroup.secp256r1);
    // RFC 8448 section 5: extension 002c, body length 0x74, cookie<..> length 0x72.
    expect(findExtension(hrr.extensions, ExtensionType.cookie)?.cookie.length).toBe(114);
    const sh = message('HelloRetryRequest_Handshake', 'Message_ServerHello') as ServerHello;
    expect(sh.isHelloRetryRequest).toBe(false);
  });

  it('decodes the resumption ClientHello pre_shared_key with one identity and one binder', () => {
    const ch = message('Resumed_0RTT_Handshake', 'Record_ClientHello_1') as ClientHello;
    expect(ch.extensions.at(-1)?.type).toBe(ExtensionType.preSharedKey);
    const psk = findExtension(ch.extensions, ExtensionType.preSharedKey);
    expect(psk && 'identities' in psk && psk.identities.length).toBe(1);
    expect(psk && 'binders' in psk && psk.binders[0]?.length).toBe(32);
    expect(findExtension(ch.extensions, ExtensionType.earlyData)).toEqual({ type: 42 });
    // RFC 8448 section 4: the binders vector (00 21, one 32-byte binder) ends the ClientHello;
    // the binder is computed over the ClientHello truncated before it.
    if (!psk || !('binders' in psk)) throw new Error('shape');
    const binders = encodePskBinders(psk.binders);
    expect(binders.length).toBe(35);
    const e = entries.find(
      (x) => x.section === 'Resumed_0RTT_Handshake' && x.key === 'Record_ClientHello_1',
    )!;
    expect(hex(e.bytes.subarray(e.bytes.length - 35))).toBe(hex(binders));
    const sh = message('Resumed_0RTT_Handshake', 'Message_ServerHello') as ServerHello;
    expect(findExtension(sh.extensions, ExtensionType.preSharedKey)).toEqual({
      type: 41,
      selectedIdentity: 0,
    });
  });

  it('decodes the client-authentication CertificateRequest in its TLS 1.3 form', () => {
    const cr = message('Client_Authentication_Handshake', 'Message_CertificateRequest');
    expect(cr.type).toBe(HandshakeType.certificateRequest);
    expect(cr.type === HandshakeType.certificateRequest && cr.protocol).toBe('tls13');
    if (cr.type !== HandshakeType.certificateRequest || cr.protocol !== 'tls13') return;
    expect(cr.certificateRequestContext.length).toBe(0);
    expect(findExtension(cr.extensions, ExtensionType.signatureAlgorithms)?.schemes).toContain(
      0x0804,
    );
  });
});
