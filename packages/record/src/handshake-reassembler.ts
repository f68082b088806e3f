import { ByteQueue } from './byte-queue.js';
import { HandshakeMessageTooLargeError } from './errors.js';
import { maxHandshakeMessageLength } from './limits.js';

/** Options of {@link HandshakeReassembler}. */
export interface HandshakeReassemblerOptions {
  /**
   * Largest handshake message body accepted, in bytes. Default {@link maxHandshakeMessageLength}
   * (131,396): the largest encodable ClientHello, small enough that a peer cannot make us buffer
   * 16 MiB (the uint24 maximum).
   */
  readonly maxMessageLength?: number;
}

const handshakeHeaderLength = 4;

/**
 * Joins handshake fragments into whole messages (RFC 8446 section 5.1: messages may be split
 * across records and several may share one). Push each handshake record's plaintext; `next`
 * yields each message's exact bytes, header (msg_type, uint24 length) included.
 *
 * Usable alone: a QUIC stack pushes CRYPTO frame data per encryption level into one instance each.
 */
export class HandshakeReassembler {
  readonly #input = new ByteQueue();
  readonly #maxMessageLength: number;

  constructor(options: HandshakeReassemblerOptions = {}) {
    this.#maxMessageLength = options.maxMessageLength ?? maxHandshakeMessageLength;
  }

  /** Bytes of an incomplete (or not yet taken) message are buffered. */
  get hasPendingData(): boolean {
    return this.#input.length > 0;
  }

  /** Bytes buffered and not yet returned. */
  get bufferedLength(): number {
    return this.#input.length;
  }

  /** Appends handshake bytes. Kept by reference: do not modify the fragment afterwards. */
  push(fragment: Uint8Array): void {
    this.#input.push(fragment);
  }

  /**
   * The next whole message (a view when it came in one fragment), or undefined until more bytes
   * arrive. Throws {@link HandshakeMessageTooLargeError} as soon as a header announces a body
   * longer than the configured maximum.
   */
  next(): Uint8Array | undefined {
    const input = this.#input;
    if (input.length < handshakeHeaderLength) return undefined;
    const length =
      ((input.peek(1) ?? 0) << 16) | ((input.peek(2) ?? 0) << 8) | (input.peek(3) ?? 0);
    if (length > this.#maxMessageLength) {
      throw new HandshakeMessageTooLargeError(
        `handshake message type ${input.peek(0)} announces ${length} bytes, more than the limit of ${this.#maxMessageLength}`,
      );
    }
    if (input.length < handshakeHeaderLength + length) return undefined;
    return input.take(handshakeHeaderLength + length);
  }
}
