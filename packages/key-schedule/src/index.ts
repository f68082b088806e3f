/**
 * @tlskit/key-schedule: the TLS 1.3 key schedule (RFC 8446 section 7) as typestate, the TLS 1.2
 * PRF and its derivations, Finished values, PSK binders, exporters, KeyUpdate, the running
 * transcript hash, and NSS key log lines. Every function runs on a `CryptoProvider`.
 *
 * @packageDocumentation
 */
export { constantTimeEqual } from './constant-time.js';
export { exportKeyingMaterial } from './exporter.js';
export { BadFinishedError, checkFinished, finishedKey, finishedVerifyData } from './finished.js';
export { deriveSecret, emptyHash, hashLength, hkdfExpandLabel } from './hkdf-label.js';
export { KEY_LOG_LABELS, type KeyLogger, type KeyLogLabel, keyLogLine } from './keylog.js';
export {
  EarlySecret,
  HandshakeSecret,
  MasterSecret,
  type PskKind,
  resumptionPsk,
} from './schedule.js';
export {
  type PrfHash,
  type Tls12KeyBlock,
  tls12ExportKeyingMaterial,
  tls12ExtendedMasterSecret,
  tls12FinishedVerifyData,
  tls12FixedIvLength,
  tls12KeyBlock,
  tls12MasterSecret,
  tls12Prf,
} from './tls12.js';
export { nextTrafficSecret, type TrafficKeys, trafficKeys } from './traffic-keys.js';
export { messageHash, TranscriptHash } from './transcript.js';
