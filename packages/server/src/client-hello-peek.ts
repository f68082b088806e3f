/**
 * Reads the server_name of a ClientHello before the engine exists, so that `SNICallback` can
 * pick the certificates the engine is built with (as node:tls does). Only public codec APIs;
 * anything odd is left for the engine to reject with the proper alert.
 */
import {
  ContentType,
  concatBytes,
  decodeHandshake,
  decodeRecordHeader,
  ExtensionType,
  HANDSHAKE_HEADER_LENGTH,
  HandshakeType,
  RECORD_HEADER_LENGTH,
} from '@tlskit/wire';

/** What the peek learned: `done` once it has seen enough to decide. */
export type PeekResult =
  | { readonly done: false }
  | { readonly done: true; readonly serverName: string | undefined };

/** A ClientHello larger than this is not peeked at; the engine's own limits apply to it. */
const maxPeekBytes = 1 << 16;

/**
 * Looks at the bytes received so far (`buffered`, from the first byte of the connection).
 * Returns `{ done: false }` while the ClientHello is incomplete.
 */
export function peekServerName(buffered: Uint8Array): PeekResult {
  const payload: Uint8Array[] = [];
  let payloadLength = 0;
  let offset = 0;
  try {
    while (offset + RECORD_HEADER_LENGTH <= buffered.length) {
      const header = decodeRecordHeader(buffered.subarray(offset, offset + RECORD_HEADER_LENGTH));
      if (header.type !== ContentType.handshake) return { done: true, serverName: undefined };
      const end = offset + RECORD_HEADER_LENGTH + header.length;
      if (end > buffered.length) break;
      payload.push(buffered.subarray(offset + RECORD_HEADER_LENGTH, end));
      payloadLength += header.length;
      offset = end;
      if (payloadLength >= HANDSHAKE_HEADER_LENGTH) {
        const joined = concatBytes(payload);
        if (joined[0] !== HandshakeType.clientHello) return { done: true, serverName: undefined };
        const bodyLength = (joined[1]! << 16) | (joined[2]! << 8) | joined[3]!;
        if (payloadLength >= HANDSHAKE_HEADER_LENGTH + bodyLength) {
          const { message } = decodeHandshake(
            joined.subarray(0, HANDSHAKE_HEADER_LENGTH + bodyLength),
            {
              protocol: 'tls13',
            },
          );
          if (message.type !== HandshakeType.clientHello)
            return { done: true, serverName: undefined };
          const sni = message.extensions.find((e) => e.type === ExtensionType.serverName);
          const first = sni !== undefined && 'serverNames' in sni ? sni.serverNames[0] : undefined;
          return {
            done: true,
            serverName: first === undefined ? undefined : new TextDecoder().decode(first.name),
          };
        }
      }
    }
  } catch {
    // Malformed: the engine will see the same bytes and answer with its alert.
    return { done: true, serverName: undefined };
  }
  return buffered.length > maxPeekBytes ? { done: true, serverName: undefined } : { done: false };
}
