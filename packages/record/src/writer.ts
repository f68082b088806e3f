import { ContentType } from '@tlskit/wire';
import { checkRecordSizeLimit, maxPlaintextLength } from './limits.js';
import { noPadding, type PaddingPolicy } from './padding.js';
import { PlaintextProtection, type RecordProtection } from './protection.js';

/** Options of {@link RecordWriter}. */
export interface RecordWriterOptions {
  /** The protection to start with; default plaintext. */
  readonly protection?: RecordProtection;
  /** TLS 1.3 padding policy; default {@link noPadding}. */
  readonly padding?: PaddingPolicy;
  /** The peer's record_size_limit (RFC 8449); applies to protected records only. */
  readonly recordSizeLimit?: number;
}

const changeCipherSpecRecord = Uint8Array.of(ContentType.changeCipherSpec, 3, 3, 0, 1, 1);

/**
 * The sending half of the record layer, sans-IO: each `write*` fragments its data to the current
 * limit, protects every fragment, and resolves to the records to send, in order.
 *
 * Ordering: a call reserves its sequence numbers when it is made, and its promise settles only
 * after the promises of all earlier calls, whatever order the AEAD promises settle in. Sending
 * each call's records when its promise settles therefore sends them in sequence. After a failed
 * call every later call fails too: a gap in sequence numbers would break the connection anyway.
 *
 * Buffers passed in are read until the call's promise settles (TLS 1.2 seals views of them);
 * do not modify them before.
 */
export class RecordWriter {
  #protection: RecordProtection;
  #recordSizeLimit: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** The TLS 1.3 padding policy; applies from the next write. */
  padding: PaddingPolicy;

  constructor(options: RecordWriterOptions = {}) {
    this.#protection = options.protection ?? new PlaintextProtection();
    this.padding = options.padding ?? noPadding;
    if (options.recordSizeLimit !== undefined) this.recordSizeLimit = options.recordSizeLimit;
  }

  /** The current write protection. */
  get protection(): RecordProtection {
    return this.#protection;
  }

  /**
   * Installs the protection for the following writes (a key change; its sequence numbers start
   * at zero). Records of earlier calls keep the protection they were made with.
   */
  setProtection(protection: RecordProtection): void {
    this.#protection = protection;
  }

  /** The peer's record_size_limit (RFC 8449), or undefined when none was negotiated. */
  get recordSizeLimit(): number | undefined {
    return this.#recordSizeLimit;
  }

  set recordSizeLimit(limit: number | undefined) {
    this.#recordSizeLimit = limit === undefined ? undefined : checkRecordSizeLimit(limit, 1);
  }

  /**
   * The most content bytes one record carries under the current protection: 2^14, or less when
   * the peer's record_size_limit says so (RFC 8449 section 4: in TLS 1.3 the limit includes the
   * content type byte and padding; unprotected records are not subject to it).
   */
  get maxFragmentLength(): number {
    const protection = this.#protection;
    if (protection.kind === 'plaintext' || this.#recordSizeLimit === undefined) {
      return maxPlaintextLength;
    }
    return Math.min(maxPlaintextLength, this.#recordSizeLimit - protection.innerOverhead);
  }

  /**
   * One or more whole handshake messages, fragmented as needed. Messages written in one call may
   * share records; a message that precedes a key change must be the last of its call (RFC 8446
   * section 5.1).
   */
  writeHandshake(messages: Uint8Array): Promise<Uint8Array[]> {
    if (messages.length === 0) throw new RangeError('writeHandshake: no bytes to write');
    return this.write(ContentType.handshake, messages);
  }

  /** Application data, fragmented as needed. Empty data sends one empty record (RFC 8446 5.1). */
  writeApplicationData(data: Uint8Array): Promise<Uint8Array[]> {
    return this.write(ContentType.applicationData, data);
  }

  /** One alert in its own record (RFC 8446 section 5.1: alerts are never coalesced). */
  writeAlert(level: number, description: number): Promise<Uint8Array[]> {
    return this.write(ContentType.alert, Uint8Array.of(level, description));
  }

  /**
   * The ChangeCipherSpec record: always unprotected, whatever the current protection (TLS 1.2
   * sends it under the null state of a first handshake; TLS 1.3 sends it as a compatibility
   * record, RFC 8446 appendix D.4). Ordered with the other writes.
   */
  writeChangeCipherSpec(): Promise<Uint8Array[]> {
    return this.#enqueue([Promise.resolve(changeCipherSpecRecord.slice())]);
  }

  /** Fragments `data` of `contentType` into records under the current protection. */
  write(contentType: ContentType, data: Uint8Array): Promise<Uint8Array[]> {
    const protection = this.#protection;
    const maxFragment = this.maxFragmentLength;
    const padded = protection.kind === 'tls13' && this.padding !== noPadding;
    // The largest TLSInnerPlaintext the peer accepts, for clamping the padding.
    const innerLimit = Math.min(
      maxPlaintextLength + protection.innerOverhead,
      this.#recordSizeLimit ?? Number.POSITIVE_INFINITY,
    );
    const seals: Promise<Uint8Array>[] = [];
    let offset = 0;
    // Bounded: each turn advances `offset` by at least one byte, except the single turn for empty data.
    do {
      const end = Math.min(data.length, offset + maxFragment);
      const fragment = data.subarray(offset, end);
      const padding = padded ? this.#paddingFor(contentType, fragment.length, innerLimit) : 0;
      seals.push(protection.seal(contentType, fragment, padding));
      offset = end;
    } while (offset < data.length);
    return this.#enqueue(seals);
  }

  #paddingFor(contentType: ContentType, length: number, innerLimit: number): number {
    const maxPadding = Math.max(0, innerLimit - length - 1);
    const wanted = this.padding(contentType, length, maxPadding);
    if (!Number.isInteger(wanted) || wanted < 0) {
      throw new RangeError(`padding policy returned ${wanted}; expected a non-negative integer`);
    }
    return Math.min(wanted, maxPadding);
  }

  #enqueue(seals: Promise<Uint8Array>[]): Promise<Uint8Array[]> {
    const records = Promise.all(seals);
    // Mark handled now: if an earlier call failed, this one reports that failure instead.
    records.catch(() => undefined);
    const result = this.#queue.then(() => records);
    this.#queue = result;
    return result;
  }
}
