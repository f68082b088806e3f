/**
 * Session tickets for TLS 1.3 resumption (RFC 8446 section 4.6.1): what a ticket holds, and the
 * default protection (AES-256-GCM under rotating ticket keys).
 */
import type { CryptoProvider } from '@tlskit/crypto';
import { equalBytes, Reader, Writer } from '@tlskit/wire';
import { OptionsError, type TicketKey, type TicketSealer } from './options.js';

/** The server state a ticket carries (sealed, so the server keeps nothing). */
export interface TicketState {
  readonly cipherSuite: number;
  readonly psk: Uint8Array;
  /** ms since the epoch when the ticket was issued. */
  readonly issuedAt: number;
  /** Seconds. */
  readonly lifetime: number;
  readonly ageAdd: number;
  readonly alpn: string;
  readonly serverName: string;
  /** max_early_data_size the ticket was issued with (0: no 0-RTT). */
  readonly maxEarlyData: number;
}

/**
 * How old a ticket or session issued at `issuedAt` (ms since the epoch) is at `now`, or
 * undefined when it must not be used: issued in the future (the clock went back) or older than
 * its `lifetime` in seconds (RFC 8446 4.6.1, RFC 5077 3.3). Both roles, both versions.
 */
export function ticketAge(now: number, issuedAt: number, lifetime: number): number | undefined {
  const age = now - issuedAt;
  return age < 0 || age > lifetime * 1000 ? undefined : age;
}

/** Version 2 added max_early_data; tickets of version 1 still open (without 0-RTT). */
const stateVersion = 2;

export function encodeTicketState(s: TicketState): Uint8Array {
  const w = new Writer().u8(stateVersion).u16(s.cipherSuite);
  w.u32(Math.floor(s.issuedAt / 0x1_0000_0000)).u32(s.issuedAt >>> 0);
  w.u32(s.lifetime).u32(s.ageAdd);
  w.vector8('psk', 1, 255, (x) => x.bytes(s.psk));
  w.vector8('alpn', 0, 255, (x) => x.bytes(new TextEncoder().encode(s.alpn)));
  w.vector8('server_name', 0, 255, (x) => x.bytes(new TextEncoder().encode(s.serverName)));
  w.u32(s.maxEarlyData);
  return w.finish().slice();
}

/** Decodes a ticket state; undefined when it is not one of ours (never throws). */
export function decodeTicketState(bytes: Uint8Array): TicketState | undefined {
  try {
    const r = new Reader(bytes);
    const version = r.u8('version');
    if (version !== stateVersion && version !== 1) return undefined;
    const cipherSuite = r.u16('suite');
    const issuedAt = r.u32('issued high') * 0x1_0000_0000 + r.u32('issued low');
    const lifetime = r.u32('lifetime');
    const ageAdd = r.u32('age_add');
    const psk = r.vector8('psk', 1, 255).slice();
    const alpn = new TextDecoder().decode(r.vector8('alpn', 0, 255));
    const serverName = new TextDecoder().decode(r.vector8('server_name', 0, 255));
    const maxEarlyData = version === 1 ? 0 : r.u32('max_early_data');
    r.end('ticket state');
    return { cipherSuite, psk, issuedAt, lifetime, ageAdd, alpn, serverName, maxEarlyData };
  } catch {
    return undefined;
  }
}

/**
 * The default sealer: ticket = key_name(16) || nonce(12) || AES-256-GCM(state), with the key
 * name as additional data. `keys()` is read on every call, so the caller rotates keys by
 * changing what it returns: the first key seals, every listed key opens.
 */
export function ticketKeySealer(
  provider: CryptoProvider,
  keys: () => readonly TicketKey[],
): TicketSealer {
  return {
    async seal(state) {
      const key = keys()[0];
      // A rotation function with no current key: issue no ticket this time.
      if (key === undefined) return new Uint8Array(0);
      const nonce = provider.randomBytes(12);
      const aead = await provider.importAeadKey('AES-256-GCM', key.key);
      const sealed = await aead.seal(nonce, key.name, state);
      const out = new Uint8Array(16 + 12 + sealed.length);
      out.set(key.name);
      out.set(nonce, 16);
      out.set(sealed, 28);
      return out;
    },
    async open(ticket) {
      if (ticket.length < 16 + 12 + 16) return undefined;
      const name = ticket.subarray(0, 16);
      const key = keys().find((k) => equalBytes(k.name, name));
      if (key === undefined) return undefined;
      const aead = await provider.importAeadKey('AES-256-GCM', key.key);
      return (await aead.open(ticket.subarray(16, 28), name, ticket.subarray(28))) ?? undefined;
    },
  };
}

/** Checks ticket keys given in options, at the boundary. */
export function checkTicketKeys(keys: readonly TicketKey[]): void {
  // An empty list would pass here and fail every full handshake later, when the first ticket
  // is sealed (internal_error after the client's Finished).
  if (keys.length === 0) {
    throw new OptionsError(
      'ticketKeys is empty: give at least one key, or leave it out for no tickets',
    );
  }
  for (const k of keys) {
    if (k.name.length !== 16 || k.key.length !== 32) {
      throw new TypeError('ticket keys need a 16-byte name and a 32-byte key');
    }
  }
}
