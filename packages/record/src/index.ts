/**
 * @tlskit/record: the TLS record layer, sans-IO. Record protection for TLS 1.3 and TLS 1.2 AEAD
 * suites, fragmentation, handshake message reassembly, sequence numbers and size limits.
 * Every piece is usable alone (a QUIC stack takes only {@link HandshakeReassembler}).
 */
export {
  type AeadProtectionOptions,
  AeadRecordProtection,
  keyUsageLimits,
} from './aead-protection.js';
export { ByteQueue } from './byte-queue.js';
export { type RawRecord, RecordDeframer } from './deframer.js';
export {
  BadRecordMacError,
  HandshakeMessageTooLargeError,
  NotTlsError,
  type NotTlsGuess,
  SequenceExhaustedError,
} from './errors.js';
export { HandshakeReassembler, type HandshakeReassemblerOptions } from './handshake-reassembler.js';
export {
  maxHandshakeMessageLength,
  maxTls13CiphertextLength,
  minRecordSizeLimit,
} from './limits.js';
export { noPadding, type PaddingPolicy, padToMultipleOf } from './padding.js';
export {
  type OpenedRecord,
  PlaintextProtection,
  type PlaintextProtectionOptions,
  type RecordProtection,
} from './protection.js';
export { type RecordEvent, RecordReader, type RecordReaderOptions } from './reader.js';
export { nonceFor, SequenceNumber } from './sequence.js';
export { Tls12RecordProtection } from './tls12.js';
export { Tls13RecordProtection } from './tls13.js';
export { RecordWriter, type RecordWriterOptions } from './writer.js';
