/**
 * Test helpers: the RFC 8448 transcript file (vectors/rfc8448/transcripts.vec, from
 * Botan's test data) and the TLS 1.3 record framing needed to replay it. Nothing here derives
 * keys: that is the code under test.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const VECTORS_DIR = resolve(import.meta.dirname, '../../../vectors');

/** Bytes from hex; whitespace ignored. */
export function h(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits))
    throw new Error(`bad hex: ${text}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}

/** One `[Section]` of the .vec file: `Key = hex-or-text` pairs. */
export type VecSection = ReadonlyMap<string, string>;

/** Parses the `[Section]` / `Key = value` / `# comment` format. */
export function readVec(path: string): ReadonlyMap<string, VecSection> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || current === undefined) throw new Error(`unexpected line: ${line.slice(0, 40)}`);
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

/** A value of a section as bytes; throws when absent. */
export function bytesOf(section: VecSection, key: string): Uint8Array {
  const value = section.get(key);
  if (value === undefined) throw new Error(`vector has no ${key}`);
  return h(value);
}

/** A TLS record: content type, the 5-byte header (the TLS 1.3 AAD) and the fragment. */
export interface TlsRecord {
  readonly type: number;
  readonly header: Uint8Array;
  readonly fragment: Uint8Array;
}

/** Splits concatenated records. */
export function splitRecords(bytes: Uint8Array): TlsRecord[] {
  const out: TlsRecord[] = [];
  for (let o = 0; o < bytes.length; ) {
    if (o + 5 > bytes.length) throw new Error('truncated record header');
    const length = (bytes[o + 3]! << 8) | bytes[o + 4]!;
    if (o + 5 + length > bytes.length) throw new Error('truncated record');
    out.push({
      type: bytes[o]!,
      header: bytes.subarray(o, o + 5),
      fragment: bytes.subarray(o + 5, o + 5 + length),
    });
    o += 5 + length;
  }
  return out;
}

/** A handshake message: type and the whole encoding (4-byte header included). */
export interface HandshakeMessage {
  readonly type: number;
  readonly bytes: Uint8Array;
  readonly body: Uint8Array;
}

/** Splits concatenated handshake messages. */
export function splitHandshake(bytes: Uint8Array): HandshakeMessage[] {
  const out: HandshakeMessage[] = [];
  for (let o = 0; o < bytes.length; ) {
    const length = (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
    if (o + 4 + length > bytes.length) throw new Error('truncated handshake message');
    out.push({
      type: bytes[o]!,
      bytes: bytes.subarray(o, o + 4 + length),
      body: bytes.subarray(o + 4, o + 4 + length),
    });
    o += 4 + length;
  }
  return out;
}

/** The extensions of a ClientHello or ServerHello (type -> body), in order. */
export function helloExtensions(message: Uint8Array): Map<number, Uint8Array> {
  // type(1) length(3) legacy_version(2) random(32) legacy_session_id<0..32>
  let o = 4 + 2 + 32;
  o += 1 + message[o]!;
  if (message[0] === 1) {
    o += 2 + ((message[o]! << 8) | message[o + 1]!); // cipher_suites
    o += 1 + message[o]!; // legacy_compression_methods
  } else {
    o += 2 + 1; // cipher_suite, legacy_compression_method
  }
  const end = o + 2 + ((message[o]! << 8) | message[o + 1]!);
  o += 2;
  const out = new Map<number, Uint8Array>();
  while (o < end) {
    const type = (message[o]! << 8) | message[o + 1]!;
    const length = (message[o + 2]! << 8) | message[o + 3]!;
    out.set(type, message.subarray(o + 4, o + 4 + length));
    o += 4 + length;
  }
  return out;
}

/** The legacy_session_id of a ClientHello. */
export function helloSessionId(message: Uint8Array): Uint8Array {
  const o = 4 + 2 + 32;
  return message.subarray(o + 1, o + 1 + message[o]!);
}

/** The cipher_suite of a ServerHello (or HelloRetryRequest). */
export function serverHelloSuite(message: Uint8Array): number {
  let o = 4 + 2 + 32;
  o += 1 + message[o]!;
  return (message[o]! << 8) | message[o + 1]!;
}

/** The entries of a ClientHello key_share extension body, or the one of a ServerHello. */
export function keyShares(body: Uint8Array, list: boolean): { group: number; key: Uint8Array }[] {
  const out: { group: number; key: Uint8Array }[] = [];
  for (let o = list ? 2 : 0; o < body.length; ) {
    const group = (body[o]! << 8) | body[o + 1]!;
    const length = (body[o + 2]! << 8) | body[o + 3]!;
    out.push({ group, key: body.subarray(o + 4, o + 4 + length) });
    o += 4 + length;
  }
  return out;
}

/** A random source that hands out a recorded pool byte by byte, as the RFC 8448 peers drew it. */
export function recordedRandom(pool: Uint8Array): (length: number) => Uint8Array {
  let offset = 0;
  return (length) => {
    if (offset + length > pool.length) throw new Error('recorded random pool exhausted');
    const out = pool.slice(offset, offset + length);
    offset += length;
    return out;
  };
}
