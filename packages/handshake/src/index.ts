export {
  type AntiReplayStore,
  MemoryAntiReplayStore,
  type MemoryAntiReplayStoreOptions,
} from './anti-replay.js';
export { alertName, type Connection, type ConnectionState } from './engine.js';
export { createClient, createServer, pump } from './connection.js';
export type {
  AlertEvent,
  CloseEvent,
  ConnectionEventName,
  ConnectionEvents,
  Direction,
  HandshakeInfo,
  MessageTrace,
  OcspInfo,
  PostHandshakeAuth,
  Session,
  Session12,
  Session13,
} from './events.js';
export { ConnectionStateError, PeerAlertError } from './errors.js';
export {
  type CertificateEntry,
  type CertificateVerifier,
  type ClientAuthPolicy,
  type ClientOptions,
  type CommonOptions,
  type OcspStapleRequest,
  OptionsError,
  type ServerOptions,
  type TicketKey,
  type TicketSealer,
  type TlsVersion,
  type VerifyContext,
} from './options.js';
export type {
  ExternalPsk,
  ExternalPskKey,
  ExternalPskLookup,
  PskHash,
  PskMode,
} from './external-psk.js';
export {
  decodeImportedIdentity,
  encodeImportedIdentity,
  type ImportedIdentity,
  importPsk,
} from './psk-importer.js';
export { SessionCache, type SessionCacheOptions } from './session-cache.js';
export { decodeSession, encodeSession, sessionFormatVersion } from './session-codec.js';
