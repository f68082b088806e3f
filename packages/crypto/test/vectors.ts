import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared vectors folder (vectors relative to the project root). */
const VECTORS = fileURLToPath(new URL('../../../vectors/', import.meta.url));

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  [field: string]: unknown;
}

export interface WycheproofGroup {
  tests: WycheproofTest[];
  [field: string]: unknown;
}

/** Reads one Wycheproof file from vectors/wycheproof. */
export function wycheproof(file: string): { algorithm: string; testGroups: WycheproofGroup[] } {
  return JSON.parse(readFileSync(`${VECTORS}wycheproof/${file}`, 'utf8'));
}

export function readVector(path: string): string {
  return readFileSync(`${VECTORS}${path}`, 'utf8');
}

export function hex(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new Error(`odd hex length: ${s}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
