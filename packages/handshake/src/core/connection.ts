/**
 * The public connection API both roles implement (see README.md for the contract): what
 * createClient and createServer return. Its own module, so that option types can name it
 * without importing the engine.
 */
import type { Emitter, HandshakeInfo } from './events.js';
import type { TlsError } from '@tlskit/wire';

/** Coarse state for facades. */
export type ConnectionState = 'handshaking' | 'connected' | 'closed';

/**
 * The public connection API both engines implement. See README.md for the contract.
 */
export interface Connection {
  /** Which engine this is. */
  readonly role: 'client' | 'server';
  /** 'handshaking', then 'connected', then 'closed'. */
  readonly state: ConnectionState;
  /** The negotiated parameters, once the handshake completed. */
  readonly handshakeInfo: HandshakeInfo | undefined;
  /** Client: queues the ClientHello. Server: does nothing (it waits for one). */
  start(): Promise<void>;
  /**
   * Processes bytes from the peer, split anywhere. Never rejects for peer input: a peer error
   * sends its alert and ends in a `close` event carrying the TlsError. `bytes` is not copied: do
   * not modify it afterwards.
   */
  receive(bytes: Uint8Array): Promise<void>;
  /**
   * The bytes to send, as chunks in order; empties the queue. A record may span several chunks
   * (header, ciphertext and tag come from the AEAD separately, so that nothing is copied): write
   * them in order, ideally as one writev, or concatenate them.
   */
  takeOutput(): Uint8Array[];
  /**
   * Encrypts application data. Rejects with ERR_NOT_CONNECTED / ERR_CLOSED (caller errors).
   * A client that offered 0-RTT may write before the handshake completes, as early data, as
   * long as the data fits in {@link Connection.earlyDataRemaining}. A server that accepted 0-RTT
   * may write once the `earlyData` event has come (half-RTT data, RFC 8446 4.4.4: e.g. the
   * answer to an early request), before the client's Finished has confirmed the handshake.
   */
  write(data: Uint8Array): Promise<void>;
  /**
   * Client: how many more bytes `write()` may send as early data now (RFC 8446 2.3); 0 when
   * 0-RTT was not offered, is over, or the ticket's max_early_data_size is used up.
   */
  readonly earlyDataRemaining: number;
  /** Sends close_notify; we may still receive until the peer's (half-close). */
  close(): Promise<void>;
  /**
   * Caps the plaintext of every record sent from now on, handshake records included (node:tls's
   * `setMaxSendFragment`): smaller records let a slow peer start on each one sooner. Unlike
   * record_size_limit (RFC 8449) the peer is not told; it only ever sees smaller records.
   * Returns true.
   * @throws RangeError when `size` is not an integer from 512 to 16384.
   */
  setMaxSendFragment(size: number): boolean;
  /**
   * Ends the connection at once with the fatal alert of `error` (RFC 8446 6.2): for a reason the
   * application found itself, such as a certificate pin that does not match after the
   * handshake, `abort(new TlsError('ERR_BAD_CERTIFICATE', 42, 'pin mismatch'))`. The `close`
   * event carries `error`. No alert is sent after our close_notify; a closed connection
   * ignores it.
   * @throws TypeError when `error` is not a TlsError whose alert is an AlertDescription (0..255).
   */
  abort(error: TlsError): Promise<void>;
  /** TLS 1.3 KeyUpdate (RFC 8446 4.6.3); `requestPeer` asks the peer to update too. */
  keyUpdate(requestPeer: boolean): Promise<void>;
  /**
   * Server, TLS 1.3: asks the client for its certificate after the handshake (RFC 8446 4.6.2).
   * Resolves once the CertificateRequest is queued; the answer is the `postHandshakeAuth`
   * event. Rejects with ERR_NOT_SUPPORTED when the client did not offer post_handshake_auth, on
   * TLS 1.2, without a certificate verifier, or while an earlier request is unanswered.
   */
  requestCertificate(): Promise<void>;
  /** RFC 8446 7.5 / RFC 5705 keying material exporter. */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
  /** The peer's DER certificates, leaf first (empty before the handshake or without one). */
  getPeerCertificates(): readonly Uint8Array[];
  /**
   * The verify_data of the latest Finished message this side sent or received (node:tls's
   * `getFinished()` / `getPeerFinished()`), or undefined before there is one.
   */
  getFinished(direction: 'sent' | 'received'): Uint8Array | undefined;
  /**
   * The DER certificates this side sent, leaf first (node:tls's `getCertificate()` /
   * `getX509Certificate()`); empty when it sent none.
   */
  getLocalCertificates(): readonly Uint8Array[];
  /** Adds an event listener; returns a function that removes it. */
  on: Emitter['on'];
  /** Removes an event listener. */
  off: Emitter['off'];
}
