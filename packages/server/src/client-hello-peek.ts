/**
 * Reads the server_name of a ClientHello before the engine exists, so that `SNICallback` can
 * pick the certificates the engine is built with (as node:tls does). It frames records and joins
 * handshake fragments with the same @tlskit/record pieces and limits as the engine, so a hello the
 * engine accepts (up to 131,396 bytes, in records of any size down to one byte) is read in full,
 * in one pass. Only public codec APIs; anything odd is left for the engine to reject with the
 * proper alert.
 */
import { HandshakeReassembler, RecordDeframer } from '@tlskit/record';
import { ContentType, decodeHandshake, ExtensionType, HandshakeType } from '@tlskit/wire';

/** What the peek learned: `done` once it has seen enough to decide. */
export type PeekResult =
  | { readonly done: false }
  | { readonly done: true; readonly serverName: string | undefined };

const notYet: PeekResult = { done: false };
const noName: PeekResult = { done: true, serverName: undefined };

/**
 * Incremental peek: `push` each chunk received from the first byte of the connection until the
 * result is `done`. Each byte is looked at once, whatever the record sizes.
 */
export class ClientHelloPeek {
  readonly #deframer = new RecordDeframer();
  readonly #reassembler = new HandshakeReassembler();
  #result: PeekResult = notYet;

  /** The result so far; once `done`, further pushes change nothing. */
  get result(): PeekResult {
    return this.#result;
  }

  /** Takes the next chunk (kept by reference: do not modify it afterwards). */
  push(chunk: Uint8Array): PeekResult {
    if (this.#result.done) return this.#result;
    try {
      this.#deframer.push(chunk);
      this.#result = this.#drain();
    } catch {
      // Malformed or over a limit: the engine will see the same bytes and answer with its alert.
      this.#result = noName;
    }
    return this.#result;
  }

  #drain(): PeekResult {
    for (;;) {
      const record = this.#deframer.next();
      if (record === undefined) return notYet;
      // The engine refuses these (RFC 8446 5.1: no empty handshake fragments); stop buffering.
      if (record.contentType !== ContentType.handshake || record.payload.length === 0) {
        return noName;
      }
      this.#reassembler.push(record.payload);
      const message = this.#reassembler.next();
      if (message !== undefined) return serverNameOf(message);
    }
  }
}

function serverNameOf(bytes: Uint8Array): PeekResult {
  if (bytes[0] !== HandshakeType.clientHello) return noName;
  const { message } = decodeHandshake(bytes, { protocol: 'tls13' });
  if (message.type !== HandshakeType.clientHello) return noName;
  const sni = message.extensions.find((e) => e.type === ExtensionType.serverName);
  const first = sni !== undefined && 'serverNames' in sni ? sni.serverNames[0] : undefined;
  return {
    done: true,
    serverName: first === undefined ? undefined : new TextDecoder().decode(first.name),
  };
}

/**
 * Looks at the bytes received so far (`buffered`, from the first byte of the connection).
 * Returns `{ done: false }` while the ClientHello is incomplete. For bytes that arrive in pieces,
 * {@link ClientHelloPeek} does the same without looking at earlier bytes again.
 */
export function peekServerName(buffered: Uint8Array): PeekResult {
  return new ClientHelloPeek().push(buffered);
}
