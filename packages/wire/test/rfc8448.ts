import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../src/bytes.js';

/** One hex value from transcripts.vec, with the section it belongs to. */
export interface VecEntry {
  readonly section: string;
  readonly key: string;
  readonly bytes: Uint8Array;
}

const VEC = fileURLToPath(
  new URL('../../../../shared/vectors/rfc8448/transcripts.vec', import.meta.url),
);

/** Every `Record_*` / `Message_*` line (some hex values contain stray spaces, which are ignored) of the RFC 8448 transcripts (botan's tls_13_rfc8448 data). */
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
    if (kv && /^(Record|Message)_/.test(kv[1]!))
      entries.push({ section, key: kv[1]!, bytes: fromHex(kv[2]!) });
  }
  return entries;
}

/** The records in a `Record_*` value (several records may be concatenated). */
export function splitRecords(bytes: Uint8Array): { type: number; fragment: Uint8Array }[] {
  const records: { type: number; fragment: Uint8Array }[] = [];
  let at = 0;
  for (let i = 0; i < 64 && at < bytes.length; i++) {
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    records.push({ type: bytes[at]!, fragment: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return records;
}
