/**
 * @tlskit/client: `connect()`, a TLS client over Node.js sockets modelled on `node:tls.connect`,
 * and (from `@tlskit/client/streams`) the same client over WHATWG streams.
 *
 * @packageDocumentation
 */
export { type ClientEngineOptions, type ClientPsk, createClientEngine } from './client-engine.js';
export type { CertificateCompressionAlgorithm, HandshakeInfo, Session } from '@tlskit/handshake';
export { decodeSession, encodeSession } from '@tlskit/handshake';
export {
  brotliCertificateCompression,
  nodeCertificateCompression,
  zlibCertificateCompression,
} from './cert-compression.js';
export { type ConnectOptions, connect, rootCertificates } from './connect.js';
export {
  type CertificateMaterial,
  type CheckedCredential,
  checkCredential,
  importCredential,
  loadCertificate,
  loadCertificates,
  loadTrustAnchors,
  type PemInput,
} from './credentials.js';
export { PeerDisconnectedError } from './disconnect-error.js';
export { checkCommonFacadeOptions, refuseUnsupportedOptions } from './option-checks.js';
export { TlsOptionError, type TlsOptionErrorCode } from './option-errors.js';
export { cipherSuiteCode, groupCode } from './code-points.js';
export {
  type CheckServerIdentity,
  checkServerIdentity,
  type DetailedPeerCertificate,
  type DistinguishedName,
  type PeerCertificate,
  toDetailedPeerCertificate,
  toPeerCertificate,
} from './peer-certificate.js';
export {
  type ChainIdentityCheck,
  createPeerVerifier,
  type PeerVerifierOptions,
} from './peer-verifier.js';
export {
  type CipherNameAndProtocol,
  type EphemeralKeyInfo,
  socketVerifierReports,
  type SocketVerifierReports,
  TLSSocket,
  type TLSSocketHooks,
} from './tls-socket.js';
