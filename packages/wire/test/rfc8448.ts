import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../src/bytes.js';
import { ContentType, splitHandshakeMessages } from '../src/index.js';
import { type Fixture, splitRecords } from './fixtures.js';

/** One hex value from transcripts.vec, with the section it belongs to. */
export interface VecEntry {
  readonly section: string;
  readonly key: string;
  readonly bytes: Uint8Array;
}

const VEC = fileURLToPath(new URL('../../../vectors/rfc8448/transcripts.vec', import.meta.url));

/**
 * Every `Record_*` / `Message_*` line of the RFC 8448 transcripts (botan's tls_13_rfc8448 data).
 * Some hex values contain stray spaces, which are ignored.
 */
export function loadRfc8448(): VecEntry[] {
  const entries: VecEntry[] = [];
  let section = '';
  for (const line of readFileSync(VEC, 'utf8').split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) {
      section = header[1]!;
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*([0-9a-fA-F\s]+)$/.exec(line.trim());
    if (kv && /^(Record|Message)_/.test(kv[1]!)) {
      entries.push({ section, key: kv[1]!, bytes: fromHex(kv[2]!) });
    }
  }
  return entries;
}

/**
 * Every plaintext handshake message in the transcripts: the `Message_*` values and the messages
 * inside plaintext handshake records (ClientHello, ServerHello, HelloRetryRequest).
 */
export function rfc8448HandshakeFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const e of loadRfc8448()) {
    const name = `${e.section} ${e.key}`;
    if (e.key.startsWith('Message_')) out.push({ name, bytes: e.bytes, protocol: 'tls13' });
    if (!e.key.startsWith('Record_')) continue;
    for (const record of splitRecords(e.bytes)) {
      if (record.type !== ContentType.handshake) continue;
      for (const m of splitHandshakeMessages(record.fragment)) {
        out.push({ name, bytes: m, protocol: 'tls13' });
      }
    }
  }
  return out;
}
