import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../src/bytes.js';
import { ContentType, splitHandshakeMessages } from '../src/index.js';

/** One handshake message of a fixture, with the layout (TLS version) to decode it in. */
export interface Fixture {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly protocol: 'tls13' | 'tls12';
}

/**
 * The records in `bytes` (several may be concatenated), split by hand from the 5-byte headers
 * (not with the decoder under test). At most 64 records.
 */
export function splitRecords(bytes: Uint8Array): { type: number; fragment: Uint8Array }[] {
  const records: { type: number; fragment: Uint8Array }[] = [];
  let at = 0;
  for (let i = 0; i < 64 && at + 5 <= bytes.length; i++) {
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    records.push({ type: bytes[at]!, fragment: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return records;
}

const DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The raw records of each captured `.hex` file in test/fixtures/ (see the README there). */
export function loadCapturedRecords(): { file: string; bytes: Uint8Array }[] {
  if (!existsSync(DIR)) return [];
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((file) => ({ file, bytes: fromHex(readFileSync(DIR + file, 'utf8')) }));
}

/**
 * Every handshake message in the captured fixtures. Files named `*tls12*` are TLS 1.2
 * exchanges; the others are decoded with the TLS 1.3 layouts (a ClientHello has one layout).
 * Each handshake record of these captures holds whole messages; records after a
 * change_cipher_spec are skipped as encrypted.
 */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const { file, bytes } of loadCapturedRecords()) {
    const protocol = file.includes('tls12') ? 'tls12' : 'tls13';
    for (const record of splitRecords(bytes)) {
      // RFC 5246 section 7.1: after change_cipher_spec, TLS 1.2 handshake records (Finished)
      // are encrypted, so the plaintext part of a capture ends there.
      if (record.type === ContentType.changeCipherSpec) break;
      if (record.type !== ContentType.handshake) continue;
      for (const m of splitHandshakeMessages(record.fragment)) {
        out.push({ name: file, bytes: m, protocol });
      }
    }
  }
  return out;
}
