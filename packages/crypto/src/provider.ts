/**
 * The CryptoProvider contract. Every tlskit package that needs cryptography receives a
 * provider value; none imports a crypto library itself. Providers: `nobleProvider` (default,
 * pure JS + WebCrypto for RSA), `nodeProvider` (`@tlskit/crypto/node`, node:crypto) and
 * `webcryptoProvider` (`@tlskit/crypto/webcrypto`).
 *
 * Synchronous: randomness, hashing, HMAC, HKDF (the transcript hash is incremental and the key
 * schedule is a chain of small HMACs). Asynchronous: AEAD, key exchange, signatures, because
 * WebCrypto is asynchronous and some providers need it.
 */

/** Hash functions TLS uses. SHA-1 exists only so X.509 can recognise (and reject) old signatures. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** An incremental hash. `digest()` does not consume it: the transcript hash is read many times. */
export interface IncrementalHash {
  readonly hashName: HashName;
  /** Output length in bytes. */
  readonly outputLength: number;
  /** Adds `data` to the hashed input. */
  update(data: Uint8Array): void;
  /** The digest of everything passed to `update` so far; the hash stays usable. */
  digest(): Uint8Array;
  /** An independent copy of the current state. */
  clone(): IncrementalHash;
}

/** AEAD algorithms of TLS 1.3 and the TLS 1.2 GCM / ChaCha20 suites. */
export type AeadName = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

/** An AEAD bound to one key. Nonces are 12 bytes, tags 16 bytes. */
export interface AeadKey {
  readonly algorithm: AeadName;
  /**
   * Returns ciphertext || tag. `plaintext` may be a view into a larger buffer; the provider must
   * not keep a reference to it after the promise settles.
   */
  seal(nonce: Uint8Array, additionalData: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional scatter-gather form of `seal`: seals the concatenation of `plaintext` and returns
   * ciphertext || tag as chunks, in order, whose concatenation is what `seal` would return. The
   * record layer uses it to seal a fragment and its TLS 1.3 content-type byte without first
   * joining them, and hands the chunks to a writev without joining them either (issue 7: no copy
   * of application data beyond what the AEAD needs). A provider whose AEAD needs one contiguous
   * input leaves it out, and the record layer builds the record around `seal` instead.
   */
  sealChunks?(
    nonce: Uint8Array,
    additionalData: Uint8Array,
    plaintext: readonly Uint8Array[],
  ): Promise<Uint8Array[]>;
  /** Returns the plaintext, or `null` when the tag does not verify. Never throws for bad input. */
  open(
    nonce: Uint8Array,
    additionalData: Uint8Array,
    ciphertext: Uint8Array,
  ): Promise<Uint8Array | null>;
}

/**
 * One side of a key exchange for a named group. For Diffie-Hellman groups `complete` is the
 * DH computation; for KEM groups (X25519MLKEM768) the client's share is an encapsulation key and
 * `complete` decapsulates the server's ciphertext.
 */
export interface KeyShare {
  readonly group: number;
  /** The bytes of KeyShareEntry.key_exchange (or the 1.2 ECPoint) to send to the peer. */
  readonly publicKey: Uint8Array;
  /** Derives the shared secret from the peer's share; rejects with a TlsError (illegal_parameter) on a bad share. */
  complete(peerShare: Uint8Array): Promise<Uint8Array>;
}

/** The answer of the responding side (the TLS 1.3 server, the TLS 1.2 client). */
export interface KeyShareResponse {
  /** The bytes to send back (server key_share, or 1.2 ClientKeyExchange point). */
  readonly publicKey: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/** A key exchange group, identified by its TLS NamedGroup code point. */
export interface KeyExchangeGroup {
  readonly group: number;
  /** IANA name, e.g. `x25519`, `secp256r1`, `X25519MLKEM768`. */
  readonly name: string;
  /** Generate an ephemeral share (TLS 1.3 client; TLS 1.2 server). */
  generate(): Promise<KeyShare>;
  /** Respond to the peer's share (TLS 1.3 server; TLS 1.2 client). Rejects with illegal_parameter on a bad share. */
  respond(peerShare: Uint8Array): Promise<KeyShareResponse>;
}

/** The kind of a public or private key. */
export type KeyType = 'ec' | 'ed25519' | 'rsa' | 'rsa-pss';

/** A public key imported from a SubjectPublicKeyInfo. */
export interface PublicKey {
  readonly type: KeyType;
  /** For EC keys: 'P-256' | 'P-384' | 'P-521', or the legacy 'P-224'. */
  readonly curve?: string;
  /** For RSA keys: modulus size in bits. */
  readonly bits?: number;
  /** The DER SubjectPublicKeyInfo it came from. */
  readonly spki: Uint8Array;
}

/** A private key imported from PKCS#8 (or SEC1 / PKCS#1 PEM), usable for signing. */
export interface PrivateKey {
  readonly type: KeyType;
  readonly curve?: string;
  readonly bits?: number;
  /** The matching public key. */
  readonly publicKey: PublicKey;
}

/**
 * Verification and signing by TLS SignatureScheme code point (RFC 8446 section 4.2.3).
 * ECDSA schemes name the hash; the curve comes from the key (TLS 1.3 callers additionally check
 * that the curve matches the scheme, X.509 callers do not).
 */
export interface CryptoProvider {
  readonly name: string;

  /** Cryptographically secure random bytes; throws if the runtime has no secure source. */
  randomBytes(length: number): Uint8Array;

  /** The digest of `data` (synchronous: the key schedule needs it inline). */
  hash(name: HashName, data: Uint8Array): Uint8Array;
  /** A running hash that can be read at any point without being consumed (transcripts). */
  createHash(name: HashName): IncrementalHash;
  /** HMAC (RFC 2104) of `data` under `key`. */
  hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-Extract (RFC 5869 section 2.2): the pseudorandom key from `salt` and `ikm`. */
  hkdfExtract(name: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand (RFC 5869 section 2.3): `length` bytes of output keyed by `prk`. */
  hkdfExpand(name: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;

  /** Binds an AEAD to a key (16 or 32 bytes). */
  importAeadKey(algorithm: AeadName, key: Uint8Array): Promise<AeadKey>;

  /** The key exchange group for a NamedGroup code point, or undefined when unsupported. */
  keyExchange(group: number): KeyExchangeGroup | undefined;
  /** Supported NamedGroup code points, most preferred first. */
  readonly supportedGroups: readonly number[];

  /** Supported SignatureScheme code points, most preferred first. */
  readonly supportedSignatureSchemes: readonly number[];
  /**
   * Parses a DER SubjectPublicKeyInfo strictly (EC keys: named curve, uncompressed point on the
   * curve). Rejects with a DecodeError (`ERR_DECODE`) for malformed input and an
   * UnsupportedKeyError (`ERR_UNSUPPORTED_KEY`, alert 43) for an algorithm or curve it lacks.
   */
  importPublicKey(spki: Uint8Array): Promise<PublicKey>;
  /**
   * Accepts PKCS#8 DER, or PEM text of PKCS#8, SEC1 ('EC PRIVATE KEY'), PKCS#1 ('RSA PRIVATE
   * KEY') or encrypted PKCS#8 ('ENCRYPTED PRIVATE KEY', PBES2 with PBKDF2 and AES-CBC, opened
   * with `options.passphrase`; without it `ERR_MISSING_PASSPHRASE`, with a wrong one
   * `ERR_OSSL_BAD_DECRYPT`). The key material stays inside the provider; the returned object carries
   * no secret fields.
   */
  importPrivateKey(
    key: Uint8Array | string,
    options?: { readonly passphrase?: string | undefined },
  ): Promise<PrivateKey>;
  /** Resolves false for a signature that does not verify or does not parse (never throws for peer input). */
  verify(
    scheme: number,
    key: PublicKey,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
  /**
   * Signs `message` (ECDSA output is DER). `key` must come from this provider family's
   * `importPrivateKey` and `scheme` from `signatureSchemesFor(key)`; anything else is a caller
   * error (TypeError).
   */
  sign(scheme: number, key: PrivateKey, message: Uint8Array): Promise<Uint8Array>;
  /** The schemes this private key can produce, most preferred first. */
  signatureSchemesFor(key: PrivateKey): readonly number[];
}
