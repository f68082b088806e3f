/**
 * TLS records built and read by hand, for tests that play a hostile or unusual peer: handshake
 * messages cut into records wherever a test wants, and the first alert or record of a reply.
 * Nothing here trusts its input: every loop is bounded and reads stop at the end of the bytes.
 */
import { readFileSync } from 'node:fs';

/**
 * `message` (whole handshake messages) as handshake records cut at the sorted offsets `cuts`,
 * each with record version 0x0301 as a first ClientHello may carry (RFC 8446 5.1).
 */
export function handshakeRecords(message: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const bounds = [0, ...cuts, message.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const fragment = message.subarray(bounds[i] as number, bounds[i + 1] as number);
    if (fragment.length === 0) continue;
    const record = new Uint8Array(5 + fragment.length);
    record.set([22, 3, 1, fragment.length >> 8, fragment.length & 0xff]);
    record.set(fragment, 5);
    out.push(record);
  }
  return out;
}

/** Offsets every `size` bytes inside `message` (the cuts of {@link handshakeRecords}). */
export function cutsEvery(message: Uint8Array, size: number): number[] {
  return Array.from({ length: Math.ceil(message.length / size) - 1 }, (_, i) => (i + 1) * size);
}

/** The first whole record of `bytes` (header and fragment), or all of `bytes` when it is cut. */
export function firstRecord(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 5) return bytes;
  const length = ((bytes[3] as number) << 8) | (bytes[4] as number);
  return bytes.subarray(0, Math.min(bytes.length, 5 + length));
}

/** The first plaintext alert record in `reply` as [level, description], if any (RFC 8446 6). */
export function firstAlert(reply: Uint8Array): [number, number] | undefined {
  let offset = 0;
  // At most 64 records: a reply longer than that has no alert worth finding.
  for (let i = 0; i < 64 && offset + 5 <= reply.length; i++) {
    const length = ((reply[offset + 3] as number) << 8) | (reply[offset + 4] as number);
    if (reply[offset] === 21 && length === 2 && offset + 7 <= reply.length) {
      return [reply[offset + 5] as number, reply[offset + 6] as number];
    }
    offset += 5 + length;
  }
  return undefined;
}

/**
 * How a server answered a ClientHello: 'ServerHello' when its first record is a handshake record
 * starting with a ServerHello, the alert description when it is a fatal alert, else 'nothing'.
 */
export function answerTo(reply: Uint8Array): 'ServerHello' | number | 'nothing' {
  if (reply[0] === 22 && reply[5] === 2) return 'ServerHello';
  const alert = reply[0] === 21 ? firstAlert(reply) : undefined;
  return alert !== undefined && alert[0] === 2 ? alert[1] : 'nothing';
}

/** Whether `reply` holds a whole first record (enough for {@link answerTo}). */
export function answered(reply: Uint8Array): boolean {
  return (
    reply.length >= 5 && reply.length >= 5 + (((reply[3] as number) << 8) | (reply[4] as number))
  );
}

/**
 * A captured record fixture of `@tlskit/wire`'s tests (hex text, e.g. `openssl-s_client.hex`, a
 * real ClientHello record from `openssl s_client`), as bytes.
 */
export function wireFixture(name: string): Uint8Array {
  const url = new URL(`../../../packages/wire/test/fixtures/${name}`, import.meta.url);
  return Uint8Array.from(Buffer.from(readFileSync(url, 'utf8').replace(/\s+/g, ''), 'hex'));
}
