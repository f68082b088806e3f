import type { AeadKey, AeadName } from '@tlskit/crypto';
import { SequenceNumber } from './sequence.js';

/** Options of the AEAD record protections. */
export interface AeadProtectionOptions {
  /** First sequence number; only tests of the wrap limit need anything but 0. */
  readonly initialSequence?: bigint;
}

/**
 * Records one key may protect before its safety margin erodes (RFC 8446 section 5.5): about
 * 2^24.5 full-size records for AES-GCM; for ChaCha20-Poly1305 the sequence number wraps first.
 */
export const keyUsageLimits: Readonly<Record<AeadName, bigint>> = {
  'AES-128-GCM': 23_726_566n,
  'AES-256-GCM': 23_726_566n,
  'CHACHA20-POLY1305': 0xffff_ffff_ffff_ffffn,
};

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

  /**
   * True once this key has protected as many records as {@link keyUsageLimits} allows: a TLS 1.3
   * sender should send KeyUpdate and switch keys (RFC 8446 section 4.6.3); TLS 1.2 has no rekey
   * without renegotiation, so the connection should be closed. Checking it is the caller's job.
   */
  get keyUpdateDue(): boolean {
    return this.sequence.value >= (keyUsageLimits[this.aead.algorithm] ?? 0n);
  }
}
