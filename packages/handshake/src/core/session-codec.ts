/**
 * Portable sessions: a {@link Session} as bytes and back, so that a client can keep it in a file,
 * a cache or another process (as node:tls users keep `getSession()`'s Buffer).
 *
 * The bytes hold the resumption secret (TLS 1.3 PSK) or the master secret (TLS 1.2): whoever
 * has them can resume the session, read its 0-RTT data and impersonate the client to the server.
 * Store them as carefully as a private key.
 *
 * Format, version 1, in the RFC 8446 presentation language (integers big-endian):
 *
 * ```
 * struct {
 *   opaque magic[4] = "TKSN";
 *   uint8 format_version = 1;
 *   uint8 protocol;                     // 0x04: TLS 1.3, 0x03: TLS 1.2
 *   uint16 cipher_suite;
 *   uint64 received_at;                 // ms since the epoch
 *   uint32 lifetime;                    // seconds
 *   OptionalString server_name;         // present flag (uint8 0/1) then opaque<0..255>
 *   OptionalString alpn;
 *   opaque peer_certificates<0..2^24-1>;  // a list of opaque cert<1..2^24-1>, leaf first
 *   select (protocol) {
 *     case 0x04: uint32 ticket_age_add; uint32 max_early_data;
 *                opaque ticket<1..2^16-1>; opaque psk<1..255>;
 *     case 0x03: uint8 has_ticket; opaque ticket<0..2^16-1>;
 *                opaque session_id<0..32>; opaque master_secret<48>;
 *   };
 * } SerializedSession;
 * ```
 *
 * A later format bumps `format_version`; a reader refuses versions it does not know.
 */
import { DecodeError, Reader, Writer } from '@tlskit/wire';
import type { Session, Session12, Session13 } from './events.js';

/** "TKSN": marks the bytes as a tlskit session. */
const magic = Uint8Array.of(0x54, 0x4b, 0x53, 0x4e);
/** The format {@link encodeSession} writes. */
export const sessionFormatVersion = 1;
const tls13 = 0x04;
const tls12 = 0x03;

function writeOptional(w: Writer, field: string, value: string | undefined): void {
  w.u8(value === undefined ? 0 : 1);
  const bytes = new TextEncoder().encode(value ?? '');
  w.vector8(field, 0, 255, (x) => x.bytes(bytes));
}

function readOptional(r: Reader, field: string): string | undefined {
  const present = r.u8(`${field} present`);
  if (present > 1) throw new DecodeError(`session ${field}: present flag must be 0 or 1`);
  const bytes = r.vector8(field, 0, 255);
  if (present === 0) {
    if (bytes.length !== 0) throw new DecodeError(`session ${field}: absent but not empty`);
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DecodeError(`session ${field}: not UTF-8`);
  }
}

/**
 * Serialises a session (version {@link sessionFormatVersion} of the format documented in this
 * module). The result contains the session's secret.
 */
export function encodeSession(session: Session): Uint8Array {
  const w = new Writer().bytes(magic).u8(sessionFormatVersion);
  w.u8(session.version === 'TLSv1.3' ? tls13 : tls12);
  w.u16(session.cipherSuite);
  w.u32(Math.floor(session.receivedAt / 0x1_0000_0000)).u32(session.receivedAt >>> 0);
  w.u32(session.lifetime);
  writeOptional(w, 'server_name', session.serverName);
  writeOptional(w, 'alpn', session.alpn);
  w.vector24('peer_certificates', 0, 0xff_ffff, (list) => {
    for (const cert of session.peerCertificates) {
      list.vector24('certificate', 1, 0xff_ffff, (x) => x.bytes(cert));
    }
  });
  if (session.version === 'TLSv1.3') {
    w.u32(session.ageAdd).u32(session.maxEarlyData);
    w.vector16('ticket', 1, 0xffff, (x) => x.bytes(session.ticket));
    w.vector8('psk', 1, 255, (x) => x.bytes(session.psk));
  } else {
    w.u8(session.ticket === undefined ? 0 : 1);
    w.vector16('ticket', 0, 0xffff, (x) => x.bytes(session.ticket ?? new Uint8Array(0)));
    w.vector8('session_id', 0, 32, (x) => x.bytes(session.sessionId));
    w.vector8('master_secret', 48, 48, (x) => x.bytes(session.masterSecret));
  }
  return w.finish().slice();
}

/**
 * Reads a session written by {@link encodeSession}.
 * @throws DecodeError (code `ERR_DECODE`) for bytes that are not a session of a known format
 * version; the message names the field, never the secret.
 */
export function decodeSession(bytes: Uint8Array): Session {
  const r = new Reader(bytes);
  const head = r.bytes(4, 'session magic');
  if (!head.every((b, i) => b === magic[i])) throw new DecodeError('not a tlskit session');
  const format = r.u8('session format_version');
  if (format !== sessionFormatVersion) {
    throw new DecodeError(`session format version ${format} is not supported`);
  }
  const protocol = r.u8('session protocol');
  if (protocol !== tls13 && protocol !== tls12) {
    throw new DecodeError(`session protocol ${protocol} is neither TLS 1.3 nor TLS 1.2`);
  }
  const cipherSuite = r.u16('session cipher_suite');
  const high = r.u32('session received_at');
  const receivedAt = high * 0x1_0000_0000 + r.u32('session received_at');
  if (!Number.isSafeInteger(receivedAt)) throw new DecodeError('session received_at overflows');
  const lifetime = r.u32('session lifetime');
  const serverName = readOptional(r, 'server_name');
  const alpn = readOptional(r, 'alpn');
  const list = r.sub(r.u24('peer_certificates'), 'peer_certificates');
  const peerCertificates: Uint8Array[] = [];
  while (list.remaining > 0)
    peerCertificates.push(list.vector24('certificate', 1, 0xff_ffff).slice());
  let session: Session;
  if (protocol === tls13) {
    const ageAdd = r.u32('session ticket_age_add');
    const maxEarlyData = r.u32('session max_early_data');
    const ticket = r.vector16('session ticket', 1, 0xffff).slice();
    const psk = r.vector8('session psk', 1, 255).slice();
    session = {
      version: 'TLSv1.3',
      serverName,
      cipherSuite,
      ticket,
      psk,
      receivedAt,
      lifetime,
      ageAdd,
      alpn,
      peerCertificates,
      maxEarlyData,
    } satisfies Session13;
  } else {
    const hasTicket = r.u8('session has_ticket');
    if (hasTicket > 1) throw new DecodeError('session has_ticket must be 0 or 1');
    const ticket = r.vector16('session ticket', 0, 0xffff).slice();
    const sessionId = r.vector8('session session_id', 0, 32).slice();
    const masterSecret = r.vector8('session master_secret', 48, 48).slice();
    session = {
      version: 'TLSv1.2',
      serverName,
      cipherSuite,
      ticket: hasTicket === 1 ? ticket : undefined,
      sessionId,
      masterSecret,
      receivedAt,
      lifetime,
      alpn,
      peerCertificates,
    } satisfies Session12;
  }
  r.end('session');
  return session;
}
