/**
 * Events a connection engine reports. The engine is sans-IO: it never calls back into a
 * transport, it only reports what happened, and the facade decides what to do with it.
 */
import type { HandshakeMessage as WireMessage } from '@tlskit/wire';

/** Negotiated parameters, reported once by the `handshake` event and kept on the connection. */
export interface HandshakeInfo {
  /** 'TLSv1.3' or 'TLSv1.2'. */
  readonly version: 'TLSv1.3' | 'TLSv1.2';
  /** IANA name of the cipher suite, e.g. `TLS_AES_128_GCM_SHA256`. */
  readonly cipherSuite: string;
  /** CipherSuite code point. */
  readonly cipherSuiteCode: number;
  /** IANA name of the key exchange group, e.g. `x25519`; undefined for a PSK-only handshake. */
  readonly group: string | undefined;
  /** NamedGroup code point, or undefined. */
  readonly groupCode: number | undefined;
  /** SignatureScheme the peer signed with, when it authenticated with a certificate. */
  readonly peerSignatureScheme: number | undefined;
  /**
   * This side's SignatureSchemes for the negotiated version (`options.signatureSchemes` or its
   * default), most preferred first: the schemes it accepts from the peer and signs with.
   */
  readonly signatureSchemes: readonly number[];
  /**
   * The peer's signature_algorithms (RFC 8446 4.2.3, RFC 5246 7.4.1.4.1), in its order: a server
   * reports the ClientHello's list; a client the CertificateRequest's, so it is empty when the
   * server asked for no certificate (as OpenSSL's, behind node:tls's `getSharedSigalgs()`).
   */
  readonly peerSignatureSchemes: readonly number[];
  /** Negotiated ALPN protocol, or undefined when none was negotiated. */
  readonly alpn: string | undefined;
  /** server_name the client sent (server side) or asked for (client side). */
  readonly serverName: string | undefined;
  /** DER certificates the peer presented, leaf first (empty if none). */
  readonly peerCertificates: readonly Uint8Array[];
  /** True when the handshake resumed a session (PSK). */
  readonly resumed: boolean;
  /** True when a HelloRetryRequest was sent (server) or received (client). */
  readonly helloRetryRequest: boolean;
  /** True when the peer's chain was verified (false only when verification was turned off). */
  readonly peerVerified: boolean;
  /** The identity of the external PSK the handshake used (RFC 8446 2.2), if it used one. */
  readonly pskIdentity?: Uint8Array;
  /**
   * Server, TLS 1.3 resumption: the client's idea of the ticket's age minus the server's, in ms
   * (RFC 8446 4.2.11.1, 8.3): positive when the client counts more time than the server. A
   * steady skew points at a wrong clock; 0-RTT is refused beyond `earlyDataWindow`.
   */
  readonly ticketAgeSkew?: number;
  /**
   * 0-RTT (RFC 8446 2.3): 'accepted' when the server took the client's early data, 'rejected'
   * when the client offered it and the server did not, 'none' when none was offered.
   */
  readonly earlyData?: 'accepted' | 'rejected' | 'none';
  /**
   * Encrypted ClientHello (RFC 9849): true when the handshake ran on the client's encrypted
   * ClientHelloInner (the server decrypted it with one of its `echKeys`); absent otherwise.
   */
  readonly echAccepted?: boolean;
  /** Client with `requestOcsp`, full handshake: the stapled OCSP response and what it said. */
  readonly ocsp?: OcspInfo;
  /**
   * Client with `requestSignedCertificateTimestamps`, full handshake: the server's
   * SignedCertificateTimestampList (RFC 6962 3.3) as sent, when it sent one. Not judged.
   */
  readonly signedCertificateTimestamps?: Uint8Array;
}

/**
 * The OCSP staple a server sent (RFC 6066 section 8), as checked by the client. A `revoked` or
 * invalid staple never gets this far: the handshake fails.
 */
export interface OcspInfo {
  /**
   * `good` or `unknown` from a valid response; `none` when the server stapled nothing;
   * `unchecked` when certificate verification was turned off (the staple is not judged either).
   */
  readonly status: 'good' | 'unknown' | 'none' | 'unchecked';
  /** The DER OCSPResponse as stapled. */
  readonly response: Uint8Array | undefined;
}

/**
 * A resumable TLS 1.3 session, as the client stores it (RFC 8446 section 4.6.1). Opaque to the
 * application: keep the object (or serialize its fields) and hand it back in
 * `ClientOptions.session`. It holds a secret: store it as carefully as a key.
 */
export interface Session13 {
  readonly version: 'TLSv1.3';
  readonly serverName: string | undefined;
  readonly cipherSuite: number;
  /** The ticket as the server sent it. */
  readonly ticket: Uint8Array;
  /** The resumption PSK derived for this ticket (secret: keep it confidential). */
  readonly psk: Uint8Array;
  /** Milliseconds since the epoch when the ticket was received. */
  readonly receivedAt: number;
  /** ticket_lifetime in seconds (at most 604800, RFC 8446 section 4.6.1). */
  readonly lifetime: number;
  /** ticket_age_add from the NewSessionTicket. */
  readonly ageAdd: number;
  /** ALPN of the original connection. */
  readonly alpn: string | undefined;
  /** The peer chain of the original connection, leaf first. */
  readonly peerCertificates: readonly Uint8Array[];
  /** max_early_data_size from the ticket (0: no early data). */
  readonly maxEarlyData: number;
}

/**
 * A resumable TLS 1.2 session: a ticket (RFC 5077) and/or a session ID (RFC 5246 7.4.1.2)
 * with the master secret. Secret, like {@link Session13}.
 */
export interface Session12 {
  readonly version: 'TLSv1.2';
  readonly serverName: string | undefined;
  readonly cipherSuite: number;
  /** The ticket the server sent, if any. */
  readonly ticket: Uint8Array | undefined;
  /** The session ID the server assigned (empty when it keeps no cache). */
  readonly sessionId: Uint8Array;
  /** The (extended) master secret. */
  readonly masterSecret: Uint8Array;
  /** Milliseconds since the epoch when the session was established. */
  readonly receivedAt: number;
  /** How long the client offers it, in seconds (the ticket_lifetime_hint, or 2 hours). */
  readonly lifetime: number;
  readonly alpn: string | undefined;
  readonly peerCertificates: readonly Uint8Array[];
}

/** RFC 8446 4.6.2: what a post-handshake client authentication proved (server side). */
export interface PostHandshakeAuth {
  /** The client's DER chain, leaf first; empty when it declined (empty Certificate). */
  readonly peerCertificates: readonly Uint8Array[];
  /** True when the chain was verified and the CertificateVerify signature checked. */
  readonly peerVerified: boolean;
  /** The SignatureScheme of its CertificateVerify, when it sent a certificate. */
  readonly peerSignatureScheme: number | undefined;
}

/** A resumable session of either version, from the `session` event. */
export type Session = Session13 | Session12;

/** Direction of a traced handshake message. */
export type Direction = 'sent' | 'received';

/** One handshake message, reported by the `message` event (the CLI's trace uses it). */
export interface MessageTrace {
  readonly direction: Direction;
  /** HandshakeType name, e.g. `client_hello`, or `change_cipher_spec` / `alert`. */
  readonly type: string;
  /** Length of the encoded message in bytes (with its 4-byte header for handshake messages). */
  readonly length: number;
  /** Decoded fields worth showing (code points named where known). Never contains secrets. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The encoded message. */
  readonly bytes: Uint8Array;
  /**
   * The message as `@tlskit/wire` decodes it, in the form of the version the connection
   * negotiated: decoded once by the engine for this event, so a listener need not decode `bytes`
   * again. Absent for change_cipher_spec and for a message that does not decode (then `fields`
   * holds the error). Its byte fields may be views of `bytes`.
   */
  readonly message?: WireMessage | undefined;
}

/** An alert, sent or received. */
export interface AlertEvent {
  readonly direction: Direction;
  /** 1 = warning, 2 = fatal. */
  readonly level: number;
  /** AlertDescription code point. */
  readonly description: number;
  /** Its RFC name, e.g. `handshake_failure`. */
  readonly name: string;
}

/** Why a connection closed. */
export interface CloseEvent {
  /** The error that ended the connection, or undefined after an orderly close_notify exchange. */
  readonly error: Error | undefined;
}

/** The events of a connection and the listener signature of each. */
export interface ConnectionEvents {
  /** The handshake completed: application data may flow. */
  handshake: (info: HandshakeInfo) => void;
  /**
   * Client with `falseStart`: TLS 1.2 False Start began (RFC 7918). `write()` may send
   * application data now, before the server's Finished; `info` is what was negotiated, and
   * `handshake` follows once the server's Finished verified (or `close` with the error).
   */
  falseStart: (info: HandshakeInfo) => void;
  /** Application data from the peer. */
  data: (data: Uint8Array) => void;
  /**
   * Server: 0-RTT application data the client sent before the handshake completed (RFC 8446
   * 2.3). It may be a replay (RFC 8446 8): act only on what is safe to repeat.
   */
  earlyData: (data: Uint8Array) => void;
  /** An alert was sent or received (close_notify included). */
  alert: (alert: AlertEvent) => void;
  /** The peer sent close_notify: it will send no more data (half-close); we may still write. */
  end: () => void;
  /** The connection is finished: no more input is processed, no more output is produced. */
  close: (event: CloseEvent) => void;
  /**
   * Server: the client answered a post-handshake CertificateRequest (`requestCertificate()`),
   * and its certificate (or refusal) was checked; `handshakeInfo` now holds the new chain.
   */
  postHandshakeAuth: (auth: PostHandshakeAuth) => void;
  /** A new resumable session (client: a NewSessionTicket arrived). */
  session: (session: Session) => void;
  /** One NSS key log line (SSLKEYLOGFILE format), without the newline. */
  keylog: (line: string) => void;
  /** A handshake message sent or received, with its decoded fields. */
  message: (trace: MessageTrace) => void;
}

/** Event name of a connection. */
export type ConnectionEventName = keyof ConnectionEvents;

/**
 * A minimal typed event emitter: no `node:events`, so the engine runs in browsers and workers.
 * A listener that throws does not break the engine; the error is rethrown asynchronously.
 */
export class Emitter {
  readonly #listeners = new Map<ConnectionEventName, Set<(...args: never[]) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends ConnectionEventName>(event: K, listener: ConnectionEvents[K]): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (...args: never[]) => void);
    return () => this.off(event, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends ConnectionEventName>(event: K, listener: ConnectionEvents[K]): void {
    this.#listeners.get(event)?.delete(listener as (...args: never[]) => void);
  }

  /** Returns true when at least one listener is registered for `event`. */
  listens(event: ConnectionEventName): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }

  protected emit<K extends ConnectionEventName>(
    event: K,
    ...args: Parameters<ConnectionEvents[K]>
  ): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<ConnectionEvents[K]>) => void)(...args);
      } catch (error) {
        // A bug in a listener must not corrupt protocol state; surface it out of band.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
