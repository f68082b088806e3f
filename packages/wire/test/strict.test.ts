import { describe, expect, it } from 'vitest';
import {
  AlertDescription,
  AlertLevel,
  allowedExtensions,
  CHANGE_CIPHER_SPEC,
  type ClientHello,
  checkExtensionsAllowed,
  ContentType,
  DecodeError,
  decodeAlert,
  decodeChangeCipherSpec,
  decodeExtensions,
  decodeHandshake,
  decodeHandshakeHeader,
  decodeRecordHeader,
  EncodeError,
  encodeAlert,
  encodeExtensions,
  encodeHandshake,
  encodeRecordHeader,
  type Extension,
  ExtensionType,
  fromHex,
  HandshakeType,
  hex,
  IllegalParameterError,
  isTlsError,
  RecordOverflowError,
  type TlsError,
  UnexpectedMessageError,
  UnsupportedExtensionError,
} from '../src/index.js';
import { loadRfc8448 } from './rfc8448.js';

const tls13 = { protocol: 'tls13' } as const;
const tls12 = { protocol: 'tls12' } as const;

/** A handshake message of `type` with `body`, framed by hand (not by the code under test). */
function frame(type: number, body: string): Uint8Array {
  const b = fromHex(body);
  const len = b.length;
  return fromHex(
    `${type.toString(16).padStart(2, '0')}${len.toString(16).padStart(6, '0')}${hex(b)}`,
  );
}

/** An extension block from `type:bodyhex` pairs, built by hand. */
function block(...exts: [number, string][]): string {
  const inner = exts
    .map(([t, b]) => {
      const body = fromHex(b);
      return `${t.toString(16).padStart(4, '0')}${body.length.toString(16).padStart(4, '0')}${b}`;
    })
    .join('');
  return `${(inner.length / 2).toString(16).padStart(4, '0')}${inner}`;
}

const RANDOM = '11'.repeat(32);
// legacy_version, random, empty session id, one suite, compression [0].
const CH_PREFIX = `0303${RANDOM}00000213010100`;
const SUPPORTED_VERSIONS_13 = '020304';

function expectTlsError(fn: () => unknown, type: new (...args: never[]) => TlsError, code: string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect((error as TlsError).code).toBe(code);
    return error as TlsError;
  }
  throw new Error('expected a TlsError');
}

describe('extension blocks', () => {
  it('rejects a duplicate extension type with illegal_parameter', () => {
    const err = expectTlsError(
      () => decodeExtensions(fromHex(block([23, ''], [23, ''])), 'client_hello'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
    expect(err.alert).toBe(AlertDescription.illegalParameter);
  });

  it('rejects a duplicate GREASE extension even though it is unknown', () => {
    expectTlsError(
      () => decodeExtensions(fromHex(block([0x0a0a, ''], [0x0a0a, '00'])), 'client_hello'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('keeps GREASE and unknown extensions raw, in order, and re-encodes them unchanged', () => {
    const bytes = fromHex(block([0x1a1a, ''], [23, ''], [0xfe0d, 'abcdef'], [0x2a2a, '00']));
    const exts = decodeExtensions(bytes, 'client_hello');
    expect(exts.map((e) => e.type)).toEqual([0x1a1a, 23, 0xfe0d, 0x2a2a]);
    expect(exts[0]).toEqual({ type: 0x1a1a, raw: new Uint8Array(0) });
    expect(exts[2]).toEqual({ type: 0xfe0d, raw: fromHex('abcdef') });
    expect(hex(encodeExtensions(exts))).toBe(hex(bytes));
  });

  it('rejects trailing bytes inside an extension body', () => {
    // extended_master_secret must be empty.
    const err = expectTlsError(
      () => decodeExtensions(fromHex(block([23, '00'])), 'client_hello'),
      DecodeError,
      'ERR_DECODE',
    );
    expect(err.alert).toBe(AlertDescription.decodeError);
    // record_size_limit is exactly a uint16.
    expectTlsError(
      () => decodeExtensions(fromHex(block([28, '400000'])), 'client_hello'),
      DecodeError,
      'ERR_DECODE',
    );
  });

  it('rejects an extension whose length runs past the block', () => {
    expectTlsError(
      () => decodeExtensions(fromHex('0004000a0010'), 'client_hello'),
      DecodeError,
      'ERR_DECODE',
    );
  });

  it('rejects an empty supported_groups list (named_group_list<2..2^16-1>)', () => {
    expectTlsError(
      () => decodeExtensions(fromHex(block([10, '0000'])), 'client_hello'),
      DecodeError,
      'ERR_DECODE',
    );
  });

  it('rejects an odd-length signature_algorithms list', () => {
    expectTlsError(
      () => decodeExtensions(fromHex(block([13, '0003040305'])), 'client_hello'),
      DecodeError,
      'ERR_DECODE',
    );
  });

  it('rejects a supported_versions list longer than 254 bytes', () => {
    const versions = '0304'.repeat(128); // 256 bytes, over the <2..254> bound
    expectTlsError(
      () => decodeExtensions(fromHex(block([43, `ff${versions.slice(0, 510)}`])), 'client_hello'),
      DecodeError,
      'ERR_DECODE',
    );
  });

  it('rejects a record_size_limit below 64 with illegal_parameter (RFC 8449 section 4)', () => {
    expectTlsError(
      () => decodeExtensions(fromHex(block([28, '003f'])), 'encrypted_extensions'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('rejects non-zero padding', () => {
    expectTlsError(
      () => decodeExtensions(fromHex(block([21, '000100'])), 'client_hello'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('rejects two key shares for one group and mismatched PSK identities and binders', () => {
    const share = `001d0001aa`;
    expectTlsError(
      () => decodeExtensions(fromHex(block([51, `000a${share}${share}`])), 'client_hello'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
    const identity = '0001aa00000000'; // identity<1..>, obfuscated_ticket_age
    const binder = `20${'bb'.repeat(32)}`;
    const twoBinders = `0042${binder}${binder}`;
    expectTlsError(
      () => decodeExtensions(fromHex(block([41, `0007${identity}${twoBinders}`])), 'client_hello'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('decodes key_share, supported_versions and pre_shared_key in the form of each message', () => {
    expect(decodeExtensions(fromHex(block([51, '0000'])), 'client_hello')).toEqual([
      { type: 51, clientShares: [] },
    ]);
    expect(decodeExtensions(fromHex(block([51, '001d0001aa'])), 'server_hello')).toEqual([
      { type: 51, serverShare: { group: 0x1d, keyExchange: fromHex('aa') } },
    ]);
    expect(decodeExtensions(fromHex(block([51, '0017'])), 'hello_retry_request')).toEqual([
      { type: 51, selectedGroup: 0x17 },
    ]);
    expect(decodeExtensions(fromHex(block([43, '0304'])), 'server_hello')).toEqual([
      { type: 43, selectedVersion: 0x0304 },
    ]);
    expect(decodeExtensions(fromHex(block([42, '00004000'])), 'new_session_ticket')).toEqual([
      { type: 42, maxEarlyDataSize: 0x4000 },
    ]);
    expect(decodeExtensions(fromHex(block([42, ''])), 'encrypted_extensions')).toEqual([
      { type: 42 },
    ]);
    expect(decodeExtensions(fromHex(block([0, ''])), 'encrypted_extensions')).toEqual([
      { type: 0, serverNames: [] },
    ]);
  });

  it('keeps a known extension raw in a message where it has no defined form', () => {
    const bytes = fromHex(block([51, '001d0001aa']));
    const exts = decodeExtensions(bytes, 'encrypted_extensions');
    expect(exts).toEqual([{ type: 51, raw: fromHex('001d0001aa') }]);
    expect(hex(encodeExtensions(exts))).toBe(hex(bytes));
  });
});

describe('which extensions may appear where (RFC 8446 section 4.2)', () => {
  const ext = (type: number): Extension => ({ type: type as ExtensionType, raw: new Uint8Array() });

  it('lists key_share for ClientHello, ServerHello and HelloRetryRequest only', () => {
    expect(allowedExtensions('client_hello').has(ExtensionType.keyShare)).toBe(true);
    expect(allowedExtensions('server_hello').has(ExtensionType.keyShare)).toBe(true);
    expect(allowedExtensions('hello_retry_request').has(ExtensionType.keyShare)).toBe(true);
    expect(allowedExtensions('encrypted_extensions').has(ExtensionType.keyShare)).toBe(false);
    expect(allowedExtensions('certificate').has(ExtensionType.keyShare)).toBe(false);
  });

  it('matches the table rows for early_data, cookie, oid_filters and status_request', () => {
    const where = (t: number) =>
      (
        [
          'client_hello',
          'server_hello',
          'hello_retry_request',
          'encrypted_extensions',
          'certificate',
          'certificate_request',
          'new_session_ticket',
        ] as const
      ).filter((c) => allowedExtensions(c).has(t as ExtensionType));
    expect(where(42)).toEqual(['client_hello', 'encrypted_extensions', 'new_session_ticket']);
    expect(where(44)).toEqual(['client_hello', 'hello_retry_request']);
    expect(where(48)).toEqual(['certificate_request']);
    expect(where(5)).toEqual(['client_hello', 'certificate', 'certificate_request']);
    expect(where(41)).toEqual(['client_hello', 'server_hello']);
  });

  it('rejects a recognised extension in the wrong message with illegal_parameter', () => {
    expectTlsError(
      () => checkExtensionsAllowed([ext(ExtensionType.keyShare)], 'encrypted_extensions'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
    expectTlsError(
      () => checkExtensionsAllowed([ext(ExtensionType.padding)], 'server_hello'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('ignores unknown extensions in ClientHello, CertificateRequest and NewSessionTicket', () => {
    for (const context of ['client_hello', 'certificate_request', 'new_session_ticket'] as const) {
      expect(() => checkExtensionsAllowed([ext(0x1a1a), ext(0xfe0d)], context)).not.toThrow();
    }
  });

  it('rejects an unrequested extension in a response with unsupported_extension', () => {
    const err = expectTlsError(
      () => checkExtensionsAllowed([ext(0xfe0d)], 'encrypted_extensions'),
      UnsupportedExtensionError,
      'ERR_UNSUPPORTED_EXTENSION',
    );
    expect(err.alert).toBe(AlertDescription.unsupportedExtension);
    expectTlsError(
      () =>
        checkExtensionsAllowed(
          [ext(ExtensionType.applicationLayerProtocolNegotiation)],
          'encrypted_extensions',
          [ExtensionType.serverName],
        ),
      UnsupportedExtensionError,
      'ERR_UNSUPPORTED_EXTENSION',
    );
    expect(() =>
      checkExtensionsAllowed([ext(ExtensionType.serverName)], 'encrypted_extensions', [
        ExtensionType.serverName,
      ]),
    ).not.toThrow();
  });

  it('accepts a HelloRetryRequest cookie the client never offered', () => {
    expect(() =>
      checkExtensionsAllowed(
        [ext(ExtensionType.cookie), ext(ExtensionType.supportedVersions)],
        'hello_retry_request',
        [ExtensionType.supportedVersions],
      ),
    ).not.toThrow();
  });

  it('rejects key_share in a TLS 1.2 ServerHello but accepts extended_master_secret', () => {
    expectTlsError(
      () => checkExtensionsAllowed([ext(ExtensionType.keyShare)], 'server_hello_tls12'),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
    expect(() =>
      checkExtensionsAllowed([ext(ExtensionType.extendedMasterSecret)], 'server_hello_tls12'),
    ).not.toThrow();
  });
});

describe('handshake messages', () => {
  it('rejects trailing bytes after a message and inside a body', () => {
    const ch = frame(1, `${CH_PREFIX}${block([43, SUPPORTED_VERSIONS_13])}`);
    expect(() => decodeHandshake(ch, tls13)).not.toThrow();
    const extended = new Uint8Array([...ch, 0]);
    expectTlsError(() => decodeHandshake(extended, tls13), DecodeError, 'ERR_DECODE');
    const inner = frame(1, `${CH_PREFIX}${block([43, SUPPORTED_VERSIONS_13])}00`);
    expectTlsError(() => decodeHandshake(inner, tls13), DecodeError, 'ERR_DECODE');
  });

  it('rejects a legacy_session_id longer than 32 bytes', () => {
    const body = `0303${RANDOM}21${'00'.repeat(33)}0213010100`;
    expectTlsError(() => decodeHandshake(frame(1, body), tls13), DecodeError, 'ERR_DECODE');
  });

  it('rejects an empty or odd-length cipher_suites list', () => {
    expectTlsError(
      () => decodeHandshake(frame(1, `0303${RANDOM}0000000100`), tls13),
      DecodeError,
      'ERR_DECODE',
    );
    expectTlsError(
      () => decodeHandshake(frame(1, `0303${RANDOM}000003130113020100`), tls13),
      DecodeError,
      'ERR_DECODE',
    );
  });

  it('requires compression exactly [0] when TLS 1.3 is offered, and null compression always', () => {
    const sv = block([43, SUPPORTED_VERSIONS_13]);
    expectTlsError(
      () => decodeHandshake(frame(1, `0303${RANDOM}0000021301020100${sv}`), tls13),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
    // TLS 1.2 only: deflate may be offered beside null.
    const ch12 = decodeHandshake(frame(1, `0303${RANDOM}000002c02f020100`), tls12).message;
    expect(ch12.type === HandshakeType.clientHello && hex(ch12.legacyCompressionMethods)).toBe(
      '0100',
    );
    expect((ch12 as ClientHello).extensions).toEqual([]);
    expectTlsError(
      () => decodeHandshake(frame(1, `0303${RANDOM}000002c02f0101`), tls12),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('rejects a ClientHello whose pre_shared_key is not the last extension', () => {
    const identity = '0001aa00000000';
    const binder = `20${'bb'.repeat(32)}`;
    const psk = `0007${identity}0021${binder}`;
    const body = `${CH_PREFIX}${block([41, psk], [43, SUPPORTED_VERSIONS_13])}`;
    expectTlsError(
      () => decodeHandshake(frame(1, body), tls13),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
    const ok = `${CH_PREFIX}${block([43, SUPPORTED_VERSIONS_13], [41, psk])}`;
    expect(() => decodeHandshake(frame(1, ok), tls13)).not.toThrow();
  });

  it('rejects a ServerHello with a non-zero compression method', () => {
    expectTlsError(
      () => decodeHandshake(frame(2, `0303${RANDOM}00130101`), tls13),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('rejects a KeyUpdate request_update other than 0 or 1 with illegal_parameter', () => {
    expect(decodeHandshake(frame(24, '01'), tls13).message).toEqual({ type: 24, requestUpdate: 1 });
    expectTlsError(
      () => decodeHandshake(frame(24, '02'), tls13),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('reads a CertificateStatus (RFC 6066 8) and refuses other status types or an empty response', () => {
    expect(decodeHandshake(frame(22, '01000002abcd'), tls12).message).toEqual({
      type: 22,
      ocspResponse: fromHex('abcd'),
    });
    expectTlsError(
      () => decodeHandshake(frame(22, '02000002abcd'), tls12),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
    expectTlsError(() => decodeHandshake(frame(22, '01000000'), tls12), DecodeError, 'ERR_DECODE');
    expectTlsError(
      () => decodeHandshake(frame(22, '01000003abcd'), tls12),
      DecodeError,
      'ERR_DECODE',
    );
  });

  it('rejects a non-empty ServerHelloDone and EndOfEarlyData', () => {
    expectTlsError(() => decodeHandshake(frame(14, '00'), tls12), DecodeError, 'ERR_DECODE');
    expectTlsError(() => decodeHandshake(frame(5, '00'), tls13), DecodeError, 'ERR_DECODE');
  });

  it('rejects an unknown handshake type with unexpected_message', () => {
    expectTlsError(
      () => decodeHandshake(frame(99, ''), tls13),
      UnexpectedMessageError,
      'ERR_UNEXPECTED_MESSAGE',
    );
  });

  it('rejects a ServerKeyExchange with explicit curve parameters', () => {
    expectTlsError(
      () => decodeHandshake(frame(12, '010017'), tls12),
      IllegalParameterError,
      'ERR_ILLEGAL_PARAMETER',
    );
  });

  it('decodes Certificate in the layout the context names', () => {
    // One 3-byte certificate "abcdef".
    const cert13 = frame(11, '00000008000003abcdef0000');
    const cert12 = frame(11, '000006000003abcdef');
    const m13 = decodeHandshake(cert13, tls13).message;
    expect(m13).toEqual({
      type: 11,
      protocol: 'tls13',
      certificateRequestContext: new Uint8Array(),
      certificateList: [{ data: fromHex('abcdef'), extensions: [] }],
    });
    expect(decodeHandshake(cert12, tls12).message).toEqual({
      type: 11,
      protocol: 'tls12',
      certificateList: [fromHex('abcdef')],
    });
    expectTlsError(() => decodeHandshake(cert12, tls13), DecodeError, 'ERR_DECODE');
  });

  it('reads the handshake header without the body', () => {
    expect(decodeHandshakeHeader(fromHex('0100012c03'))).toEqual({ type: 1, length: 300 });
    expectTlsError(() => decodeHandshakeHeader(fromHex('0100')), DecodeError, 'ERR_DECODE');
  });

  it('refuses to encode values outside their bounds', () => {
    const ch: ClientHello = {
      type: HandshakeType.clientHello,
      legacyVersion: 0x0303,
      random: new Uint8Array(32),
      legacySessionId: new Uint8Array(33),
      cipherSuites: [0x1301],
      legacyCompressionMethods: Uint8Array.of(0),
      extensions: [],
    };
    expect(() => encodeHandshake(ch)).toThrow(EncodeError);
    expect(() =>
      encodeHandshake({ ...ch, legacySessionId: new Uint8Array(), cipherSuites: [] }),
    ).toThrow(EncodeError);
    expect(() =>
      encodeHandshake({ ...ch, legacySessionId: new Uint8Array(), random: new Uint8Array(31) }),
    ).toThrow(EncodeError);
  });

  it('refuses to encode a ServerHello whose isHelloRetryRequest contradicts its random', () => {
    const sh = {
      type: HandshakeType.serverHello,
      legacyVersion: 0x0303,
      random: new Uint8Array(32),
      legacySessionIdEcho: new Uint8Array(),
      cipherSuite: 0x1301,
      legacyCompressionMethod: 0,
      extensions: [],
      isHelloRetryRequest: true,
    } as const;
    expect(() => encodeHandshake(sh)).toThrow(EncodeError);
    expect(hex(encodeHandshake({ ...sh, isHelloRetryRequest: false }))).toBe(
      `02000026 0303${'00'.repeat(32)} 00 1301 00`.replaceAll(' ', ''),
    );
  });

  it('produces views into the input rather than copies', () => {
    const e = loadRfc8448().find((x) => x.key === 'Message_Server_Certificate')!;
    const m = decodeHandshake(e.bytes, tls13).message;
    if (m.type !== HandshakeType.certificate || m.protocol !== 'tls13') throw new Error('shape');
    expect(m.certificateList[0]!.data.buffer).toBe(e.bytes.buffer);
  });
});

describe('records, alerts and change_cipher_spec', () => {
  it('decodes and encodes the 5-byte record header', () => {
    const h = decodeRecordHeader(fromHex('160303005a0200'));
    expect(h).toEqual({ type: ContentType.handshake, legacyRecordVersion: 0x0303, length: 0x5a });
    expect(hex(encodeRecordHeader(h))).toBe('160303005a');
  });

  it('rejects a record longer than 2^14 + 2048 with record_overflow', () => {
    expect(decodeRecordHeader(fromHex('1703034800')).length).toBe(2 ** 14 + 2048);
    const err = expectTlsError(
      () => decodeRecordHeader(fromHex('1703034801')),
      RecordOverflowError,
      'ERR_RECORD_OVERFLOW',
    );
    expect(err.alert).toBe(AlertDescription.recordOverflow);
  });

  it('decodes alerts of exactly two bytes', () => {
    expect(decodeAlert(fromHex('0232'))).toEqual({ level: AlertLevel.fatal, description: 50 });
    expect(hex(encodeAlert({ level: AlertLevel.warning, description: 0 }))).toBe('0100');
    expectTlsError(() => decodeAlert(fromHex('02')), DecodeError, 'ERR_DECODE');
    expectTlsError(() => decodeAlert(fromHex('023200')), DecodeError, 'ERR_DECODE');
  });

  it('accepts only the single byte 0x01 as change_cipher_spec', () => {
    expect(hex(CHANGE_CIPHER_SPEC)).toBe('01');
    expect(() => decodeChangeCipherSpec(fromHex('01'))).not.toThrow();
    for (const body of ['', '00', '02', '0101']) {
      const err = expectTlsError(
        () => decodeChangeCipherSpec(fromHex(body)),
        UnexpectedMessageError,
        'ERR_UNEXPECTED_MESSAGE',
      );
      expect(err.alert).toBe(AlertDescription.unexpectedMessage);
    }
  });

  it('marks every error as a TlsError', () => {
    expect(isTlsError(new DecodeError('x'))).toBe(true);
    expect(isTlsError(new Error('x'))).toBe(false);
  });
});
