/**
 * The bridge between the engines and the `@tlskit/wire` codec: framed messages (raw bytes for
 * the transcript hash) and their decoded TLS 1.3 forms.
 */
import {
  decodeHandshakeBody,
  encodeHandshake,
  type Extension,
  HandshakeType,
  IllegalParameterError,
  nameOf,
  type ServerNameExtension,
  type HandshakeMessage as WireMessage,
} from '@tlskit/wire';
import { unexpected } from './errors.js';

/** A handshake message as framed on the wire: its type, body and full encoding. */
export interface RawMessage {
  readonly type: number;
  readonly body: Uint8Array;
  /** msg_type || uint24 length || body: what the transcript hash covers. */
  readonly raw: Uint8Array;
}

/** The decoded message of a given type. */
export type MessageOf<T extends WireMessage['type']> = Extract<WireMessage, { type: T }>;

/** Encodes `message` and returns its framing. */
export function frame(message: WireMessage): RawMessage {
  const raw = encodeHandshake(message).slice();
  return { type: message.type, body: raw.subarray(4), raw };
}

/** Decodes a message in the layout of `protocol` (for traces). */
export function decodeMessage(m: RawMessage, protocol: 'tls13' | 'tls12' = 'tls13'): WireMessage {
  return decodeHandshakeBody(m.type, m.body, { protocol });
}

/**
 * Checks that `m` is the one message type the state expects (otherwise `unexpected_message`,
 * before any decoding), then decodes it in its TLS 1.3 form.
 */
export function expectMessage<T extends WireMessage['type']>(
  m: RawMessage,
  type: T,
  state: string,
  protocol: 'tls13' | 'tls12' = 'tls13',
): MessageOf<T> {
  if (m.type !== type) {
    throw unexpected(
      `${state}: expected ${nameOf(HandshakeType, type)}, got ${nameOf(HandshakeType, m.type)}`,
    );
  }
  return decodeHandshakeBody(m.type, m.body, { protocol }) as MessageOf<T>;
}

/** ALPN protocol names travel as bytes; tlskit's API uses strings. */
export function alpnNames(protocols: readonly Uint8Array[]): string[] {
  return protocols.map((p) => new TextDecoder().decode(p));
}

/** Encodes ALPN names for the wire. */
export function alpnBytes(names: readonly string[]): Uint8Array[] {
  return names.map((n) => new TextEncoder().encode(n));
}

/**
 * RFC 6066 section 3: the host_name of a ClientHello server_name, as printable ASCII; at most one
 * host_name entry.
 */
export function hostName(ext: ServerNameExtension): string | undefined {
  let name: string | undefined;
  for (const entry of ext.serverNames) {
    if (entry.nameType !== 0) continue;
    if (name !== undefined) throw new IllegalParameterError('server_name: two host_name entries');
    name = '';
    for (const b of entry.name) {
      if (b < 0x21 || b > 0x7e) {
        throw new IllegalParameterError(`server_name: byte ${b} is not printable ASCII`);
      }
      name += String.fromCharCode(b);
    }
  }
  return name;
}

/** The extension types of a block, for "was it offered" checks. */
export function typesOf(list: readonly Extension[]): Set<number> {
  return new Set(list.map((e) => e.type));
}
