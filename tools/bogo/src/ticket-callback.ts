/**
 * BoringSSL's ticket callbacks (-use-ticket-callback, the legacy key callback; and
 * -use-ticket-aead-callback, SSL_TICKET_AEAD_METHOD) as a tlskit `TicketSealer`: tickets sealed
 * under one fixed all-zero key (so every connection of the test opens them), a ticket that does
 * not open is ignored (a full handshake), and opening again after a ticket opened is an error, as
 * the shim's callbacks refuse a second decryption. -skip-ticket seals to nothing, which issues no
 * ticket. -renew-ticket asks for a new ticket on resumption, which tlskit's server always issues.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import type { ServerOptions, TicketSealer } from '@tlskit/handshake';
import { flagBool, type ShimConfig } from './flags.js';

const nonceLength = 12;

/** The sealer of one connection (the "called once" check is per connection, as in BoringSSL). */
export function shimTicketSealer(provider: CryptoProvider, skip: boolean): TicketSealer {
  const key = provider.importAeadKey('AES-128-GCM', new Uint8Array(16));
  let opened = false;
  return {
    async seal(state) {
      if (skip) return new Uint8Array(0);
      const nonce = provider.randomBytes(nonceLength);
      const sealed = await (await key).seal(nonce, new Uint8Array(0), state);
      const ticket = new Uint8Array(nonceLength + sealed.length);
      ticket.set(nonce);
      ticket.set(sealed, nonceLength);
      return ticket;
    },
    async open(ticket) {
      if (opened) throw new Error('ticket callback called after completion');
      if (ticket.length < nonceLength) return undefined;
      const state = await (await key).open(
        ticket.subarray(0, nonceLength),
        new Uint8Array(0),
        ticket.subarray(nonceLength),
      );
      if (state === null) return undefined;
      opened = true;
      return state;
    },
  };
}

/** The ticket options the flags ask for (none: the shim's shared ticket keys apply). */
export function ticketCallbackOptions(
  config: ShimConfig,
  provider: CryptoProvider,
): Partial<ServerOptions> {
  if (!flagBool(config, '-use-ticket-callback') && !flagBool(config, '-use-ticket-aead-callback')) {
    return {};
  }
  return { ticketSealer: shimTicketSealer(provider, flagBool(config, '-skip-ticket')) };
}
