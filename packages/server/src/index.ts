/**
 * @tlskit/server: `createServer()`, a TLS server over Node.js sockets modelled on
 * `node:tls.createServer`, with certificates chosen by SNI and by the client's signature
 * algorithms.
 *
 * @packageDocumentation
 */
export { PeerDisconnectedError, TLSSocket, TlsOptionError } from '@tlskit/client';
export {
  type AntiReplayStore,
  MemoryAntiReplayStore,
  SessionCache,
  type SessionCacheOptions,
} from '@tlskit/handshake';
export {
  createServer,
  defaultHandshakeTimeout,
  type OCSPRequestListener,
  type SNICallback,
  TlsServer,
  type TlsServerOptions,
} from './create-server.js';
export {
  createSecureContext,
  type KeyInput,
  SecureContext,
  type SecureContextOptions,
} from './secure-context.js';
