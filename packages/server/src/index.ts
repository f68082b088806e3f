/**
 * @tlskit/server: `createServer()`, a TLS server over Node.js sockets modelled on
 * `node:tls.createServer`, with certificates chosen by SNI and by the client's signature
 * algorithms.
 *
 * @packageDocumentation
 */
export { TLSSocket } from '@tlskit/client';
export { SessionCache, type SessionCacheOptions } from '@tlskit/handshake';
export {
  createServer,
  type OCSPRequestListener,
  type SNICallback,
  TlsServer,
  type TlsServerOptions,
} from './create-server.js';
export { peekServerName, type PeekResult } from './client-hello-peek.js';
export { createSecureContext, SecureContext, type SecureContextOptions } from './secure-context.js';
