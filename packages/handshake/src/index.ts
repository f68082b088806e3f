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
export { SessionCache, type SessionCacheOptions } from './session-cache.js';
