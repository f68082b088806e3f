import { describe, expect, it } from 'vitest';
import {
  AlertDescription,
  ContentType,
  concatBytes,
  decodeRecords,
  encodeAlert,
  encodeHandshake,
  encodeRecordHeader,
  HandshakeType,
  ProtocolVersion,
  TlsError,
} from '../src/index.js';

function record(type: number, fragment: Uint8Array): Uint8Array {
  const header = encodeRecordHeader({
    type: type as ContentType,
    legacyRecordVersion: ProtocolVersion.TLSv1_2,
    length: fragment.length,
  });
  return concatBytes([header, fragment]);
}

const hello = encodeHandshake({
  type: HandshakeType.serverHelloDone,
});
const finishedLike = encodeHandshake({
  type: HandshakeType.finished,
  verifyData: new Uint8Array(12),
});

describe('decodeRecords', () => {
  it('reassembles a handshake message split across records and reads several in one', () => {
    const both = concatBytes([finishedLike, hello]);
    const bytes = concatBytes([
      record(ContentType.handshake, both.subarray(0, 7)),
      record(ContentType.handshake, both.subarray(7)),
      record(
        ContentType.alert,
        encodeAlert({ level: 2, description: AlertDescription.handshakeFailure }),
      ),
    ]);
    const records = decodeRecords(bytes, { protocol: 'tls12' });
    expect(records.map((r) => r.content.kind)).toEqual(['handshake', 'handshake', 'alert']);
    const first = records[0]?.content;
    const second = records[1]?.content;
    if (first?.kind !== 'handshake' || second?.kind !== 'handshake') throw new Error('kinds');
    expect(first.messages).toHaveLength(0);
    expect(first.pendingBytes).toBe(7);
    expect(second.messages.map((m) => m.message.type)).toEqual([
      HandshakeType.finished,
      HandshakeType.serverHelloDone,
    ]);
    const alert = records[2]?.content;
    expect(alert?.kind === 'alert' && alert.alert.description).toBe(
      AlertDescription.handshakeFailure,
    );
  });

  it('refuses a stream that ends inside a handshake message, naming where', () => {
    const bytes = record(ContentType.handshake, finishedLike.subarray(0, 6));
    expect(() => decodeRecords(bytes)).toThrow(TlsError);
    expect(() => decodeRecords(bytes)).toThrow(/end of input/);
  });

  it('treats what follows a TLS 1.2 ChangeCipherSpec as encrypted', () => {
    const bytes = concatBytes([
      record(ContentType.changeCipherSpec, Uint8Array.of(1)),
      record(ContentType.handshake, new Uint8Array(40)),
    ]);
    const records = decodeRecords(bytes, { protocol: 'tls12' });
    expect(records[1]?.content).toEqual({ kind: 'opaque', reason: 'encrypted' });
  });
});
