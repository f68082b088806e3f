import { describe, expect, it } from 'vitest';
import {
  AlertDescription,
  AlertLevel,
  type ClientHello,
  ContentType,
  decodeAlert,
  decodeChangeCipherSpec,
  decodeHandshake,
  encodeHandshake,
  ExtensionType,
  findExtension,
  HandshakeType,
  hex,
  isGrease,
  NamedGroup,
} from '../src/index.js';
import { loadCapturedRecords, loadFixtures, splitRecords } from './fixtures.js';

// Real bytes captured from OpenSSL, GnuTLS, Node and Chromium (test/fixtures/README.md). The
// expected facts below come from that README and the capture commands, not from our decoder.

const fixtures = loadFixtures();

function clientHello(file: string): ClientHello {
  const f = fixtures.find((x) => x.name === file);
  if (!f) throw new Error(`missing fixture ${file}`);
  const { message } = decodeHandshake(f.bytes, f);
  if (message.type !== HandshakeType.clientHello) throw new Error(`${file}: not a ClientHello`);
  return message;
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('captured fixtures', () => {
  it('are present', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(9);
  });

  it.each(fixtures.map((f, i) => [`${f.name} #${i}`, f] as const))(
    '%s decodes and re-encodes byte for byte',
    (_name, f) => {
      const { message } = decodeHandshake(f.bytes, f);
      expect(hex(encodeHandshake(message))).toBe(hex(f.bytes));
    },
  );

  it.each([
    'openssl-s_client.hex',
    'openssl-s_client-tls12.hex',
    'gnutls-cli.hex',
    'node-tls.hex',
    'chromium.hex',
  ])('%s sends the server name tlskit.test', (file) => {
    const sni = findExtension(clientHello(file).extensions, ExtensionType.serverName);
    expect(sni?.serverNames.map((n) => text(n.name))).toEqual(['tlskit.test']);
  });

  it('openssl -tls1_2 offers neither supported_versions nor key_share', () => {
    const ch = clientHello('openssl-s_client-tls12.hex');
    expect(findExtension(ch.extensions, ExtensionType.supportedVersions)).toBeUndefined();
    expect(findExtension(ch.extensions, ExtensionType.keyShare)).toBeUndefined();
  });

  it('gnutls and node offer the ALPN protocols they were given', () => {
    const alpn = (file: string) =>
      findExtension(
        clientHello(file).extensions,
        ExtensionType.applicationLayerProtocolNegotiation,
      )?.protocols.map(text);
    expect(alpn('gnutls-cli.hex')).toEqual(['http/1.1']);
    expect(alpn('node-tls.hex')).toEqual(['h2', 'http/1.1']);
  });

  it('chromium: GREASE kept raw, X25519MLKEM768 share, ECH GREASE 0xfe0d kept raw', () => {
    const ch = clientHello('chromium.hex');
    const grease = ch.extensions.filter((e) => isGrease(e.type));
    expect(grease.length).toBeGreaterThanOrEqual(1);
    for (const g of grease) expect('raw' in g).toBe(true);
    expect(ch.cipherSuites.some(isGrease)).toBe(true);
    const ks = findExtension(ch.extensions, ExtensionType.keyShare);
    const groups = ks && 'clientShares' in ks ? ks.clientShares.map((s) => s.group) : [];
    expect(groups).toContain(NamedGroup.X25519MLKEM768);
    // ML-KEM-768 encapsulation key (1184) followed by the X25519 key (32).
    const hybrid =
      ks && 'clientShares' in ks ? ks.clientShares.find((s) => s.group === 0x11ec) : undefined;
    expect(hybrid?.keyExchange.length).toBe(1184 + 32);
    expect(ch.extensions.find((e) => e.type === 0xfe0d && 'raw' in e)).toBeDefined();
  });

  it('the TLS 1.2 s_server flight is ServerHello, Certificate, ServerKeyExchange, ServerHelloDone', () => {
    const flight = fixtures.filter((f) => f.name === 'openssl-s_server-tls12-flight.hex');
    const types = flight.map((f) => decodeHandshake(f.bytes, f).message.type);
    expect(types).toEqual([2, 11, 12, 14]);
    const ske = decodeHandshake(flight[2]!.bytes, flight[2]!).message;
    if (ske.type !== HandshakeType.serverKeyExchange) throw new Error('shape');
    expect(ske.publicKey.length).toBeGreaterThan(0);
    const cert = decodeHandshake(flight[1]!.bytes, flight[1]!).message;
    expect(cert.type === HandshakeType.certificate && cert.protocol).toBe('tls12');
  });

  it('the TLS 1.3 s_server flight is a ServerHello and a compatibility change_cipher_spec', () => {
    const file = loadCapturedRecords().find((f) => f.file === 'openssl-s_server-tls13-flight.hex')!;
    const records = splitRecords(file.bytes);
    expect(records.map((r) => r.type)).toEqual([
      ContentType.handshake,
      ContentType.changeCipherSpec,
    ]);
    expect(() => decodeChangeCipherSpec(records[1]!.fragment)).not.toThrow();
    const sh = decodeHandshake(records[0]!.fragment, { protocol: 'tls13' }).message;
    if (sh.type !== HandshakeType.serverHello) throw new Error('shape');
    const sv = findExtension(sh.extensions, ExtensionType.supportedVersions);
    expect(sv && 'selectedVersion' in sv && sv.selectedVersion).toBe(0x0304);
  });

  it('the s_server HelloRetryRequest selects secp384r1 and is recognised by its random', () => {
    const f = fixtures.find((x) => x.name === 'openssl-s_server-hrr.hex');
    if (!f) throw new Error('missing fixture');
    const hrr = decodeHandshake(f.bytes, f).message;
    if (hrr.type !== HandshakeType.serverHello) throw new Error('shape');
    expect(hrr.isHelloRetryRequest).toBe(true);
    const ks = findExtension(hrr.extensions, ExtensionType.keyShare);
    expect(ks && 'selectedGroup' in ks && ks.selectedGroup).toBe(NamedGroup.secp384r1);
  });

  it('the s_server alert is a fatal protocol_version', () => {
    const file = loadCapturedRecords().find((f) => f.file === 'openssl-s_server-alert.hex');
    if (!file) throw new Error('missing fixture');
    const [record] = splitRecords(file.bytes);
    expect(record?.type).toBe(ContentType.alert);
    expect(decodeAlert(record!.fragment)).toEqual({
      level: AlertLevel.fatal,
      description: AlertDescription.protocolVersion,
    });
  });
});
