/**
 * The types of external PSKs (RFC 8446 2.2), apart from the code that checks and finds them
 * (tls13/external-psk.ts), so that the options, the importer and the engines can name them without
 * importing that code, and without a cycle through it.
 */

/** The hashes a TLS 1.3 PSK can be bound to (RFC 8446 4.2.11: one per PSK). */
export type PskHash = 'SHA-256' | 'SHA-384';

/** A key the server looked up for an identity. */
export interface ExternalPskKey {
  /** The secret, at least 16 bytes (RFC 9257 section 6: high entropy). */
  readonly key: Uint8Array;
  /**
   * The hash this PSK is used with; only cipher suites with that hash can use it. Default
   * 'SHA-256' (as OpenSSL's `-psk`: TLS_AES_128_GCM_SHA256 or TLS_CHACHA20_POLY1305_SHA256).
   */
  readonly hash?: PskHash;
}

/** An external PSK as the client offers it. */
export interface ExternalPsk extends ExternalPskKey {
  /** The identity the server knows the key by (1..65535 bytes). */
  readonly identity: Uint8Array;
  /**
   * Import the key by RFC 9258 instead of using it directly: the identity sent is an
   * ImportedIdentity (TLS 1.3, the KDF of `hash`, this `context`), the key is derived from it,
   * and the binder uses "imp binder". The server needs `pskImporters: true`.
   */
  readonly importer?: { readonly context?: Uint8Array };
}

/**
 * Server: the key for an identity the client offered, or undefined for one it does not know.
 * The identity is attacker-chosen bytes: compare it, never interpret it as code or a path.
 */
export type ExternalPskLookup = (
  identity: Uint8Array,
) => ExternalPskKey | undefined | Promise<ExternalPskKey | undefined>;

/**
 * PSK key exchange modes (RFC 8446 4.2.9): `psk_dhe_ke` adds an (EC)DHE exchange, so the
 * session keys stay secret if the PSK leaks later (forward secrecy); `psk_ke` uses the PSK
 * alone, which saves the key exchange but loses that property.
 */
export type PskMode = 'psk_dhe_ke' | 'psk_ke';
