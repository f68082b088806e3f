import {
  type AlertDescription,
  type AlertLevel,
  ContentType,
  decodeAlert,
  decodeChangeCipherSpec,
  RecordOverflowError,
  UnexpectedMessageError,
} from '@tlskit/wire';
import { RecordDeframer } from './deframer.js';
import { BadRecordMacError } from './errors.js';
import { HandshakeReassembler } from './handshake-reassembler.js';
import { checkRecordSizeLimit, maxPlaintextLength, maxTls13CiphertextLength } from './limits.js';
import { PlaintextProtection, type RecordProtection } from './protection.js';

/** What {@link RecordReader.read} yields: one message of one content type. */
export type RecordEvent =
  /** One whole handshake message, header included (a view when it came in one record). */
  | { readonly type: 'handshake'; readonly message: Uint8Array }
  /**
   * One alert (RFC 8446 section 6: a record of type alert holds exactly one). `unprotected` is set
   * only for a plaintext alert accepted under TLS 1.3 keys (see `acceptUnprotectedAlerts`).
   */
  | {
      readonly type: 'alert';
      readonly level: AlertLevel;
      readonly description: AlertDescription;
      readonly unprotected?: true;
    }
  /** A non-empty application_data fragment. */
  | { readonly type: 'applicationData'; readonly data: Uint8Array }
  /** A TLS 1.2 ChangeCipherSpec: the engine installs the next read protection now. */
  | { readonly type: 'changeCipherSpec' };

/** Options of {@link RecordReader}. */
export interface RecordReaderOptions {
  /** The protection to start with; default plaintext. */
  readonly protection?: RecordProtection;
  /** Largest handshake message body accepted; default `maxHandshakeMessageLength` (131,396). */
  readonly maxHandshakeMessageLength?: number;
  /** The record_size_limit we advertised (RFC 8449); applies to protected records only. */
  readonly recordSizeLimit?: number;
  /**
   * Records in a row that yield nothing (empty application data, ignored ChangeCipherSpec) before
   * the peer is considered abusive; default 32, as in common implementations.
   */
  readonly maxConsecutiveEmptyRecords?: number;
}

/**
 * The receiving half of the record layer, sans-IO: `feed` bytes as they arrive (split anywhere),
 * then `read` messages until it returns undefined.
 *
 * `read` deprotects at most one record at a time and the next only when asked, so that the
 * engine can install a new key (`setProtection`) between two messages of the same flight.
 * Concurrent `read` calls are queued and run one after another; once a read fails, every later
 * read fails with the same error (the connection is dead; the error's `alert` says what to send).
 *
 * Rules enforced (RFC 8446 section 5 unless noted): record and plaintext limits ->
 * `record_overflow`; deprotection failure -> `bad_record_mac`; undefined content types,
 * unprotected application data, a handshake message interleaved with another record type or
 * spanning a key change, a zero-length handshake record, an all-zero TLSInnerPlaintext, a
 * ChangeCipherSpec outside the compatibility window -> `unexpected_message`; an alert record
 * that is not exactly two bytes -> `decode_error`.
 */
export class RecordReader {
  readonly #deframer: RecordDeframer;
  readonly #handshake: HandshakeReassembler;
  readonly #maxEmpty: number;
  #protection: RecordProtection;
  #recordSizeLimit: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: unknown;
  #emptyRecords = 0;
  #discardBudget = 0;

  /**
   * TLS 1.3 middlebox compatibility (RFC 8446 section 5 and appendix D.4): while true, an
   * unprotected ChangeCipherSpec record holding the single byte 0x01 is dropped. The engine sets
   * it after the first ClientHello and clears it when the peer's Finished arrives. While false, a
   * ChangeCipherSpec under plaintext protection is returned as an event (TLS 1.2), and under any
   * other protection is `unexpected_message`.
   */
  ignoreChangeCipherSpec = false;

  /**
   * While true, an unprotected alert under TLS 1.3 keys is returned (flagged `unprotected`)
   * instead of being `unexpected_message`. A peer that fails before it installs its keys, e.g. on
   * our ServerHello, sends its alert in plaintext, and reporting that alert is more useful than a
   * protocol error. Set it only during the handshake: after it, an on-path attacker could forge a
   * plaintext close_notify and truncate the data stream.
   */
  acceptUnprotectedAlerts = false;

  /**
   * While true (the default), an empty application_data record yields no event and counts
   * towards the limit of empty records in a row. While false it is returned as an (empty)
   * `applicationData` event like any other: a connection still in its handshake clears it, so
   * that it refuses the record as it refuses any application data there.
   */
  skipEmptyApplicationData = true;

  constructor(options: RecordReaderOptions = {}) {
    this.#protection = options.protection ?? new PlaintextProtection();
    // A reader that starts under keys is not at the start of a TLS stream (its caller read the
    // plaintext records elsewhere), so its first bytes are not checked for a non-TLS peer.
    this.#deframer = new RecordDeframer({
      streamStart: this.#protection.kind === 'plaintext',
    });
    this.#handshake = new HandshakeReassembler(
      options.maxHandshakeMessageLength === undefined
        ? {}
        : { maxMessageLength: options.maxHandshakeMessageLength },
    );
    this.#maxEmpty = options.maxConsecutiveEmptyRecords ?? 32;
    if (options.recordSizeLimit !== undefined) this.recordSizeLimit = options.recordSizeLimit;
  }

  /** The current read protection. */
  get protection(): RecordProtection {
    return this.#protection;
  }

  /** The record_size_limit we advertised (RFC 8449), or undefined when none was negotiated. */
  get recordSizeLimit(): number | undefined {
    return this.#recordSizeLimit;
  }

  set recordSizeLimit(limit: number | undefined) {
    this.#recordSizeLimit = limit === undefined ? undefined : checkRecordSizeLimit(limit, 1);
  }

  /** Bytes fed and not yet consumed as records (a partial record, or records not read yet). */
  get bufferedLength(): number {
    return this.#deframer.bufferedLength;
  }

  /** True while part of a handshake message is buffered (the peer owes the rest). */
  get hasPendingHandshake(): boolean {
    return this.#handshake.hasPendingData;
  }

  /** Appends bytes received from the peer. Kept by reference: do not modify them afterwards. */
  feed(chunk: Uint8Array): void {
    this.#deframer.push(chunk);
  }

  /**
   * Installs the protection for the following records (a key change). Call it between two `read`s,
   * right after the message that triggers the change. Throws `unexpected_message` when handshake
   * bytes are still buffered: a message must not span a key change, and the message that
   * precedes one must end its record (RFC 8446 section 5.1).
   */
  setProtection(protection: RecordProtection): void {
    if (this.#handshake.hasPendingData) {
      throw this.#fail(
        new UnexpectedMessageError(
          'handshake data is not aligned with a record boundary at a key change',
        ),
      );
    }
    this.#protection = protection;
    this.#discardBudget = 0;
  }

  /**
   * A server that rejected 0-RTT skips records it cannot deprotect, up to `maxBytes` of payload
   * in total, until one deprotects (RFC 8446 section 4.2.10). Only a record that fails to
   * authenticate is skipped; any other error of a record is fatal as usual. Under plaintext
   * protection (0-RTT rejected by a HelloRetryRequest) the records skipped are those of outer type
   * application_data. Reset by `setProtection`.
   */
  discardUndecryptableRecords(maxBytes: number): void {
    this.#discardBudget = maxBytes;
  }

  /**
   * The next message, or undefined when more bytes are needed. Rejects with a TlsError whose
   * `alert` the engine sends before closing.
   */
  read(): Promise<RecordEvent | undefined> {
    const result = this.#queue.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return this.#readOne();
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #fail(error: unknown): unknown {
    this.#failure ??= error;
    return error;
  }

  async #readOne(): Promise<RecordEvent | undefined> {
    try {
      // Each turn consumes a record; the loop ends by returning, by needing bytes, or by the
      // empty-record limit, so it is bounded by the input.
      for (;;) {
        const message = this.#handshake.next();
        if (message !== undefined) {
          this.#emptyRecords = 0;
          return { type: 'handshake', message };
        }
        const event = await this.#nextRecord();
        if (event === null) return undefined;
        if (event !== undefined) {
          this.#emptyRecords = 0;
          return event;
        }
      }
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /** Processes one record: null when none is complete, undefined when it yields no event. */
  async #nextRecord(): Promise<RecordEvent | undefined | null> {
    const protection = this.#protection;
    // Early data to skip after a HelloRetryRequest is protected, though we read plaintext: allow
    // a protected record's size.
    const max =
      this.#discardBudget > 0
        ? Math.max(protection.maxPayloadLength, maxTls13CiphertextLength)
        : protection.maxPayloadLength;
    const raw = this.#deframer.next(max);
    if (raw === undefined) return null;

    if (raw.contentType === ContentType.changeCipherSpec)
      return this.#changeCipherSpec(raw.payload);
    if (protection.kind === 'plaintext') {
      if (raw.contentType === ContentType.applicationData) {
        // A server that rejected 0-RTT with a HelloRetryRequest has no key for the client's
        // early data: it skips it by its outer type (RFC 8446 section 4.2.10).
        // A budget of 0 skips nothing, not even an empty record.
        if (this.#discardBudget > 0 && this.#discardBudget >= raw.payload.length) {
          this.#discardBudget -= raw.payload.length;
          return undefined;
        }
        throw new UnexpectedMessageError('application_data record before keys are in place');
      }
    } else {
      if (protection.kind === 'tls13' && raw.contentType !== ContentType.applicationData) {
        if (raw.contentType === ContentType.alert && this.acceptUnprotectedAlerts) {
          const { level, description } = alertOf(raw.payload);
          return { type: 'alert', level, description, unprotected: true };
        }
        throw new UnexpectedMessageError(
          `unprotected record of content type ${raw.contentType} after TLS 1.3 keys are in place`,
        );
      }
      const limit = this.#recordSizeLimit ?? maxPlaintextLength + protection.innerOverhead;
      if (raw.payload.length - protection.payloadOverhead > limit) {
        throw new RecordOverflowError(
          `protected record carries ${raw.payload.length - protection.payloadOverhead} bytes of plaintext, more than the limit of ${limit}`,
        );
      }
    }

    let opened: Awaited<ReturnType<RecordProtection['open']>>;
    try {
      opened = await protection.open(raw.header, raw.payload);
    } catch (error) {
      if (error instanceof BadRecordMacError && this.#discardBudget > 0) {
        // Still skipping rejected early data: within the budget the record is dropped; past it
        // the peer sent more than it may, which is unexpected_message as for accepted early
        // data (RFC 8446 4.2.10), not a forgery.
        if (this.#discardBudget >= raw.payload.length) {
          this.#discardBudget -= raw.payload.length;
          return undefined;
        }
        throw new UnexpectedMessageError('more skipped early data than the 0-RTT budget allows');
      }
      throw error;
    }
    this.#discardBudget = 0;
    const { contentType, fragment } = opened;
    if (fragment.length > maxPlaintextLength) {
      throw new RecordOverflowError(`record plaintext of ${fragment.length} bytes exceeds 2^14`);
    }
    if (contentType !== ContentType.handshake && this.#handshake.hasPendingData) {
      throw new UnexpectedMessageError(
        `record of content type ${contentType} interleaved with a fragmented handshake message`,
      );
    }
    switch (contentType) {
      case ContentType.handshake:
        if (fragment.length === 0) {
          throw new UnexpectedMessageError('zero-length handshake record');
        }
        this.#handshake.push(fragment);
        return undefined;
      case ContentType.alert: {
        const { level, description } = alertOf(fragment);
        return { type: 'alert', level, description };
      }
      case ContentType.applicationData:
        if (fragment.length === 0 && this.skipEmptyApplicationData) return this.#empty();
        return { type: 'applicationData', data: fragment };
      default:
        // Inside TLS 1.3 protection: change_cipher_spec or an unknown inner type (RFC 8446 5).
        throw new UnexpectedMessageError(`protected record of content type ${contentType}`);
    }
  }

  #changeCipherSpec(payload: Uint8Array): RecordEvent | undefined {
    if (this.#handshake.hasPendingData) {
      throw new UnexpectedMessageError(
        'change_cipher_spec interleaved with a fragmented handshake message',
      );
    }
    // RFC 8446 section 5: any body but the single byte 0x01 is unexpected_message.
    decodeChangeCipherSpec(payload);
    if (this.ignoreChangeCipherSpec) return this.#empty();
    if (this.#protection.kind !== 'plaintext') {
      throw new UnexpectedMessageError('change_cipher_spec after keys are in place');
    }
    return { type: 'changeCipherSpec' };
  }

  /** Counts a record that yields nothing; too many in a row is a peer wasting our CPU. */
  #empty(): undefined {
    this.#emptyRecords++;
    if (this.#emptyRecords > this.#maxEmpty) {
      throw new UnexpectedMessageError(`more than ${this.#maxEmpty} empty records in a row`);
    }
    return undefined;
  }
}

/**
 * The one alert of an alert record (RFC 8446 section 5.1: never fragmented nor coalesced). An
 * empty record is unexpected_message, as for handshake records; any other length but two is
 * decode_error.
 */
function alertOf(fragment: Uint8Array): { level: AlertLevel; description: AlertDescription } {
  if (fragment.length === 0) throw new UnexpectedMessageError('zero-length alert record');
  return decodeAlert(fragment);
}
