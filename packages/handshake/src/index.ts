export {
  type AntiReplayStore,
  MemoryAntiReplayStore,
  type MemoryAntiReplayStoreOptions,
} from './core/anti-replay.js';
export {
  type CompliancePolicy,
  type CompliancePolicyName,
  compliancePolicy,
} from './core/compliance.js';
export { alertName, type Connection, type ConnectionState } from './core/engine.js';
export { checkClientOptions, createClient } from './client.js';
export { pump } from './core/pump.js';
export { createServer, prepareServer } from './server.js';
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
} from './core/events.js';
export { ConnectionStateError, EchRejectedError, PeerAlertError } from './core/errors.js';
export {
  type CertificateEntry,
  type CertificateRequestInfo,
  type CertificateVerifier,
  type ClientAuthPolicy,
  type ClientCertCallback,
  type ClientHelloInfo,
  type EchKey,
  type PreparedServer,
  type ServerChoice,
  type ServerConnectionHooks,
  type ClientOptions,
  type CommonOptions,
  type OcspStapleRequest,
  type OcspStapleVerifier,
  OptionsError,
  type ServerOptions,
  type TicketKey,
  type CertificateCompressionAlgorithm,
  type TicketSealer,
  type TlsVersion,
  type VerifyContext,
} from './core/options.js';
export type {
  ExternalPsk,
  ExternalPskKey,
  ExternalPskLookup,
  PskHash,
  PskMode,
} from './tls13/external-psk.js';
export {
  decodeImportedIdentity,
  encodeImportedIdentity,
  type ImportedIdentity,
  importPsk,
} from './tls13/psk-importer.js';
export {
  type X509VerifierOptions,
  verifyPeerChain,
  x509Verifier,
} from './certs/x509-verifier.js';
export { maxUncompressedCertificateLength } from './tls13/cert-compression.js';
export { SerialQueue } from './core/serial-queue.js';
export { SessionCache, type SessionCacheOptions } from './core/session-cache.js';
export { decodeSession, encodeSession, sessionFormatVersion } from './core/session-codec.js';
