import type { AeadKey, AeadName } from '@tlskit/crypto';
import { SequenceNumber } from './sequence.js';

/** Options of the AEAD record protections. */
export interface AeadProtectionOptions {
  /** First sequence number; only tests of the wrap limit need anything but 0. */
  readonly initialSequence?: bigint;
}

/** What the TLS 1.3 and TLS 1.2 AEAD protections share: a bound key, a static IV, a counter. */
export abstract class AeadRecordProtection {
  protected readonly aead: AeadKey;
  protected readonly iv: Uint8Array;
  protected readonly sequence: SequenceNumber;

  protected constructor(aead: AeadKey, iv: Uint8Array, options: AeadProtectionOptions) {
    this.aead = aead;
    // Our own copy: the caller may wipe its key material after the handshake.
    this.iv = new Uint8Array(iv);
    this.sequence = new SequenceNumber(options.initialSequence);
  }

  /** The AEAD algorithm in use. */
  get algorithm(): AeadName {
    return this.aead.algorithm;
  }

  /** The sequence number the next record will use. */
  get sequenceNumber(): bigint {
    return this.sequence.value;
  }
}
