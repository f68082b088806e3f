/**
 * The error for a peer that closes the transport before the handshake completes, on both client
 * paths (Node socket and WHATWG streams) and on the server. node:tls reports this as `ECONNRESET`
 * ("Client network socket disconnected before secure TLS connection was established" on a
 * client, "socket hang up" on a server); tlskit keeps node's code so code written for node:tls
 * keeps working, and makes it a TlsError like every other failure the peer causes.
 */
import { AlertDescription, TlsError } from '@tlskit/wire';

/** The transport ended (FIN) before the TLS handshake completed. `code` is `ECONNRESET`. */
export class PeerDisconnectedError extends TlsError {
  override name = 'PeerDisconnectedError';
  /**
   * @param role the side that saw the disconnect (its message follows node:tls's for that side).
   */
  constructor(role: 'client' | 'server') {
    super(
      'ECONNRESET',
      // Nothing is sent: the transport is gone. close_notify is the neutral value.
      AlertDescription.closeNotify,
      role === 'client'
        ? 'Client network socket disconnected before secure TLS connection was established'
        : 'socket hang up: the client closed the connection before the TLS handshake completed',
    );
  }
}
