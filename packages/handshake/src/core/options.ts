import type { CryptoProvider, PrivateKey } from '@tlskit/crypto';
import type { TrustStore } from '@tlskit/x509';
import type { AntiReplayStore } from './anti-replay.js';
import type { Connection } from './connection.js';
import type { Session } from './events.js';
import type { ExternalPsk, ExternalPskLookup, PskMode } from './psk-types.js';
import type { SessionCache } from './session-cache.js';

/** A protocol version a caller can allow. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** A certificate chain with its private key. */
export interface CertificateEntry {
  /** DER certificates, leaf first. */
  readonly chain: readonly Uint8Array[];
  /** The leaf's private key, from `provider.importPrivateKey`. */
  readonly key: PrivateKey;
  /**
   * Host names this entry serves (server only; `*.example.com` matches one label). Without it
   * the entry serves any name.
   */
  readonly serverNames?: readonly string[];
  /**
   * Server only: a DER OCSPResponse (RFC 6960) for the leaf, stapled when the client asks
   * (status_request): in the TLS 1.3 CertificateEntry, or the TLS 1.2 CertificateStatus.
   */
  readonly ocspResponse?: Uint8Array;
  /**
   * Server only: the leaf's Certificate Transparency SCTs, as a SignedCertificateTimestampList
   * (RFC 6962 3.3, with its 2-byte length), sent when the client asks
   * (signed_certificate_timestamp): in ServerHello (TLS 1.2) or the leaf's CertificateEntry
   * (TLS 1.3). A malformed list is refused at creation.
   */
  readonly signedCertificateTimestamps?: Uint8Array;
}

/** What {@link ServerOptions.ocspStapling} is asked: the chosen chain and the client's SNI. */
export interface OcspStapleRequest {
  /** The chain the server sends, leaf first. */
  readonly chain: readonly Uint8Array[];
  readonly serverName: string | undefined;
}

/**
 * Judges an OCSP staple (see {@link ClientOptions.verifyOcspStaple}): the DER OCSPResponse as
 * stapled (undefined when the server sent none) and the server's chain, leaf first.
 */
export type OcspStapleVerifier = (
  response: Uint8Array | undefined,
  chain: readonly Uint8Array[],
) => Promise<'good' | 'unknown' | 'none'> | 'good' | 'unknown' | 'none';

/**
 * What a server asked for in a CertificateRequest, as {@link ClientOptions.clientCertCallback}
 * sees it (Go's `CertificateRequestInfo`, OpenSSL's `SSL_get_client_CA_list` and
 * `SSL_get0_certificate_types` at its `client_cert_cb`).
 */
export interface CertificateRequestInfo {
  /** The negotiated version. */
  readonly version: TlsVersion;
  /** The request's signature_algorithms, in the server's order (RFC 8446 4.3.2, RFC 5246 7.4.4). */
  readonly signatureSchemes: readonly number[];
  /** TLS 1.3: the request's signature_algorithms_cert, when it sent one (RFC 8446 4.2.3). */
  readonly signatureSchemesCert: readonly number[] | undefined;
  /**
   * The DER DistinguishedNames of the CAs the server accepts, in its order: the TLS 1.3
   * certificate_authorities extension (RFC 8446 4.2.4) or the TLS 1.2 certificate_authorities
   * field (RFC 5246 7.4.4). Empty when the server named none. Unverified hints, as sent.
   */
  readonly certificateAuthorities: readonly Uint8Array[];
  /** TLS 1.2: the request's ClientCertificateType code points (RFC 5246 7.4.4); empty in TLS 1.3. */
  readonly certificateTypes: readonly number[];
  /** The server_name we asked for. */
  readonly serverName: string | undefined;
  /** True for a TLS 1.3 post-handshake request (RFC 8446 4.6.2). */
  readonly postHandshake: boolean;
}

/**
 * Chooses the client certificate for a CertificateRequest (see
 * {@link ClientOptions.clientCertCallback}): the certificates to offer (the first the request
 * accepts is sent), or undefined or an empty list to send none.
 */
export type ClientCertCallback = (
  request: CertificateRequestInfo,
) =>
  | CertificateEntry
  | readonly CertificateEntry[]
  | undefined
  | Promise<CertificateEntry | readonly CertificateEntry[] | undefined>;

/** What a certificate verifier learns about the connection. */
export interface VerifyContext {
  /** The name the client asked for (client side: the name to check the leaf against). */
  readonly serverName: string | undefined;
  /** The time of the check, ms since the epoch (from `options.now`). */
  readonly now: number;
  /** Which side's chain is checked. */
  readonly peer: 'server' | 'client';
}

/**
 * Verifies a peer chain (leaf first). Resolves when the chain is acceptable; rejects with a
 * TlsError carrying the certificate alert to send (e.g. `bad_certificate`, `unknown_ca`,
 * `certificate_expired`) otherwise. It may resolve with the validated path (DER, leaf first,
 * trust anchor last): OCSP stapling then finds the leaf's issuer there when the peer did not send
 * it.
 */
export type CertificateVerifier = (
  chain: readonly Uint8Array[],
  context: VerifyContext,
) => // biome-ignore lint/suspicious/noConfusingVoidType: existing verifiers resolve void
Promise<void | readonly Uint8Array[]>;

/**
 * A certificate compression algorithm (RFC 8879) that {@link CommonOptions.certificateCompression}
 * offers. tlskit's core ships none, so that it runs anywhere: `@tlskit/client` exports zlib and
 * brotli over `node:zlib`; any other (zstd, a test algorithm) plugs in the same way.
 */
export interface CertificateCompressionAlgorithm {
  /** The CertificateCompressionAlgorithm code point (RFC 8879 section 7.3): zlib 1, brotli 2, zstd 3. */
  readonly id: number;
  /**
   * Compresses an encoded Certificate message body (without its 4-byte header). Needed only to
   * send compressed certificates (a server's, or a client's when the server asks for it);
   * without it the algorithm is only offered for receiving.
   */
  readonly compress?: (uncompressed: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  /**
   * Decompresses a peer's compressed Certificate body. `uncompressedLength` is what the peer
   * announced; it is at most `maxUncompressedCertificateLength` (checked before the call), and the result must have
   * exactly that length (a decompressor should stop once it would exceed it). Throwing, or a
   * result of another length, fails the handshake with bad_certificate
   * (`ERR_DECOMPRESSION_FAILED`).
   */
  readonly decompress: (
    compressed: Uint8Array,
    uncompressedLength: number,
  ) => Uint8Array | Promise<Uint8Array>;
}

/** Options both engines share. */
export interface CommonOptions {
  /** The crypto provider (e.g. `nobleProvider` from `@tlskit/crypto`). Required. */
  readonly provider: CryptoProvider;
  /** Lowest version to negotiate. Default 'TLSv1.2' (as node:tls). */
  readonly minVersion?: TlsVersion;
  /** Highest version to negotiate. Default 'TLSv1.3'. */
  readonly maxVersion?: TlsVersion;
  /** CipherSuite code points, most preferred first. Default: the three TLS 1.3 suites. */
  readonly cipherSuites?: readonly number[];
  /**
   * NamedGroup code points, most preferred first, advertised in supported_groups. Groups the
   * provider does not implement are advertised but never chosen. Default `provider.supportedGroups`.
   *
   * The legacy group secp224r1 (`NamedGroup.secp224r1`, 0x0015) is never in the default: list it
   * to talk to an old TLS 1.2 peer (as OpenSSL's `-groups P-224` at `@SECLEVEL=0`). It is then
   * used for TLS 1.2 ECDHE and allows the peer's ECDSA P-224 certificate (RFC 8422 5.1.1), but
   * never in TLS 1.3 (RFC 8446 4.2.7 reserves its code point as obsolete); a client whose groups
   * leave TLS 1.3 nothing to use offers TLS 1.2 only.
   */
  readonly groups?: readonly number[];
  /**
   * SignatureScheme code points accepted from the peer (signature_algorithms), most preferred
   * first. Default: the provider's schemes that TLS 1.3 allows.
   *
   * The SHA-1 schemes rsa_pkcs1_sha1 (0x0201) and ecdsa_sha1 (0x0203) are never in the default,
   * even from a provider built with `allowSha1Signatures` (which they also need). Listed here,
   * they are offered, accepted and signed with in TLS 1.2 only, for old peers (RFC 9155
   * deprecates them; OpenSSL's `-sigalgs RSA+SHA1` at `@SECLEVEL=0`); TLS 1.3 ignores them
   * (RFC 8446 4.2.3).
   */
  readonly signatureSchemes?: readonly number[];
  /**
   * SignatureScheme code points we may sign with (TLS 1.3 CertificateVerify, TLS 1.2
   * ServerKeyExchange and CertificateVerify), as BoringSSL's `SSL_set_signing_algorithm_prefs`.
   * A filter on what each key can make (`provider.signatureSchemesFor(key)`): the scheme is still
   * the first of the peer's list that passes, and a server tries its next certificate when one
   * has none. Without a scheme in common the handshake fails as for any missing common scheme.
   * Default: every scheme the key can make. `signatureSchemes` does not restrict signing.
   */
  readonly signingSchemes?: readonly number[];
  /** SignatureScheme code points accepted in certificates (signature_algorithms_cert); sent only when set. */
  readonly signatureSchemesCert?: readonly number[];
  /** ALPN protocol names, most preferred first. */
  readonly alpnProtocols?: readonly string[];
  /** Largest record plaintext we accept (record_size_limit, RFC 8449), 64..16385. */
  readonly recordSizeLimit?: number;
  /**
   * Largest handshake message body accepted from the peer, in bytes (OpenSSL's
   * `SSL_CTX_set_max_cert_list`): a bigger one, such as an oversized certificate chain, ends the
   * handshake with `ERR_HANDSHAKE_MESSAGE_TOO_LARGE` before it is buffered whole. 256..16777215;
   * default 131,396, the largest ClientHello the syntax allows.
   */
  readonly maxHandshakeMessageSize?: number;
  /**
   * Trust anchors for the default verifier built on `@tlskit/x509` (`x509Verifier`): a
   * `TrustStore`, or DER certificates.
   */
  readonly ca?: TrustStore | readonly Uint8Array[];
  /** Replaces the default chain verifier. */
  readonly verifyCertificate?: CertificateVerifier;
  /**
   * TLS 1.2 only: accept a peer without extended_master_secret (RFC 7627). Such connections are
   * open to the triple handshake attack; their sessions are never stored or resumed. Default false.
   */
  readonly dangerouslyAllowNoExtendedMasterSecret?: boolean;
  /**
   * Certificate compression (RFC 8879, TLS 1.3 only), most preferred first. A client offers
   * every algorithm listed (compress_certificate) and decompresses the server's Certificate; a
   * server compresses its Certificate with the first algorithm here that the client offered and
   * that has `compress`. Default: none (node:tls has no certificate compression).
   */
  readonly certificateCompression?: readonly CertificateCompressionAlgorithm[];
  /** Current time in ms since the epoch. Default `Date.now`. Tests inject a fixed clock. */
  readonly now?: () => number;
}

/** Options of {@link createClient}. */
export interface ClientOptions extends CommonOptions {
  /** Host name to send as SNI and to check the server certificate against. */
  readonly serverName?: string;
  /**
   * Encrypted ClientHello (RFC 9849): the server's ECHConfigList (from its DNS HTTPS record, or
   * an `EchRejectedError`'s `retryConfigs`). The first configuration tlskit can use
   * (DHKEM(X25519), a supported HPKE suite) encrypts the real ClientHello, `serverName`
   * included; the hello on the wire names the configuration's public name. When the server
   * accepts, the handshake is the inner one (`HandshakeInfo.echAccepted`); when it rejects, the
   * handshake authenticates the server for the public name and fails with `EchRejectedError`
   * (ERR_ECH_REJECTED, alert ech_required). TLS 1.3 only; no 0-RTT with ECH yet. A list with
   * no usable configuration sends no ECH.
   */
  readonly echConfigList?: Uint8Array;
  /**
   * Without a usable `echConfigList`, send a GREASE encrypted_client_hello (RFC 9849 6.2): random
   * bytes shaped like a real offer, so that clients using ECH do not stand out. Default false.
   */
  readonly echGrease?: boolean;
  /**
   * NamedGroups to send key shares for in the first ClientHello (each must be in `groups`).
   * Default: the first group, plus x25519 when the first is a hybrid.
   */
  readonly keyShareGroups?: readonly number[];
  /**
   * Client certificate for servers that ask (CertificateRequest). Without it we send an empty
   * Certificate. Several (as node:tls takes several `cert`/`key` pairs): the first, in this
   * order, that the request accepts (its signature schemes, and in TLS 1.2 its certificate
   * types) is sent; an empty Certificate when none is.
   */
  readonly certificate?: CertificateEntry | readonly CertificateEntry[];
  /**
   * Chooses the client certificate when a server asks for one, from what it asked (its
   * signature schemes, the CAs it names, in TLS 1.2 its certificate types): OpenSSL's
   * `client_cert_cb`, Go's `GetClientCertificate`. Called once per CertificateRequest (in the
   * handshake, and for each post-handshake request), it returns (or resolves with) the entries to
   * choose from by the same rule as `certificate`, or undefined to send an empty Certificate.
   * When set, `certificate` is not consulted. A rejection fails the handshake: with the TlsError
   * it throws, any other error as internal_error (`ERR_CLIENT_CERT_CALLBACK`, the error as its
   * `cause`).
   */
  readonly clientCertCallback?: ClientCertCallback;
  /**
   * Offer post-handshake client authentication (post_handshake_auth, RFC 8446 4.2.6) so a TLS 1.3
   * server may ask for `certificate` after the handshake; we answer with it, or with an empty
   * Certificate without one. Default: true when `certificate` or `clientCertCallback` is set.
   */
  readonly postHandshakeAuth?: boolean;
  /**
   * A session from an earlier `session` event, to resume with a PSK (psk_dhe_ke): the object,
   * or its bytes from `encodeSession` (see core/session-codec.ts for the format).
   */
  readonly session?: Session | Uint8Array;
  /**
   * An external PSK to offer (RFC 8446 2.2): the server then authenticates by the key, not a
   * certificate. Offered alone (not beside `session`), with `obfuscated_ticket_age` 0. Without
   * `ca`/`verifyCertificate`, a server that does not accept it fails the handshake.
   */
  readonly externalPsk?: ExternalPsk;
  /**
   * The PSK key exchange modes offered (RFC 8446 4.2.9), for resumption and external PSKs.
   * Default `['psk_dhe_ke']`; `psk_ke` gives up forward secrecy.
   */
  readonly pskKeyExchangeModes?: readonly PskMode[];
  /**
   * 0-RTT (RFC 8446 2.3): with a TLS 1.3 `session` whose ticket allows early data, what is
   * written before the handshake completes (up to the ticket's max_early_data_size) goes out as
   * early data. Only when the session's ALPN is still offered; the server must keep its suite
   * and ALPN. Early data can be replayed by an attacker: send only what is safe to repeat
   * (RFC 8446 8, docs/early-data.md). `handshakeInfo.earlyData` says what happened.
   */
  readonly earlyData?: boolean;
  /**
   * When the server rejects early data, send it again as ordinary application data after the
   * handshake (default true). With false, it is dropped and the application decides
   * (`handshakeInfo.earlyData === 'rejected'`).
   */
  readonly resendRejectedEarlyData?: boolean;
  /**
   * RFC 8446 appendix D.4 middlebox compatibility mode: a 32-byte legacy_session_id and a
   * change_cipher_spec before the second flight. Default true.
   */
  readonly middleboxCompatibility?: boolean;
  /**
   * Also send renegotiation_info and an empty session_ticket extension when offering only
   * TLS 1.3, as Botan (and so the RFC 8448 replay) does. Default false.
   */
  readonly sendLegacyExtensions?: boolean;
  /**
   * GREASE (RFC 8701): put reserved values in the ClientHello (a cipher suite, a group in
   * supported_groups and key_share, a version in supported_versions, two extensions), as
   * browsers do, so that servers which refuse unknown values are found before real new values
   * need to pass them. A server that selects one of them is refused. Default false (as
   * node:tls).
   */
  readonly grease?: boolean;
  /**
   * Pad a ClientHello of 256..511 bytes to 512 with the padding extension (RFC 7685), as
   * BoringSSL, NSS and browsers do: some middleboxes hang on hellos of that length. Default
   * false (as node:tls; OpenSSL pads only with SSL_OP_TLSEXT_PADDING).
   */
  readonly clientHelloPadding?: boolean;
  /**
   * Ask the server to staple an OCSP response (status_request, RFC 6066 section 8) and check it
   * with `@tlskit/x509`: signed by the issuer or its delegated responder, about the leaf, current.
   * A `revoked` answer fails the handshake with certificate_revoked (`ERR_CERT_REVOKED`), an
   * invalid response with bad_certificate_status_response (`ERR_OCSP_*`). The result is
   * `handshakeInfo.ocsp`. Default false (node:tls's `requestOCSP`).
   */
  readonly requestOcsp?: boolean;
  /**
   * With `requestOcsp`: what a missing staple (or one that says `unknown`) means. False (default):
   * allowed, reported as status `none` / `unknown`. True: the handshake fails with
   * bad_certificate_status_response (`ERR_OCSP_MISSING`), as for an OCSP must-staple certificate.
   */
  readonly requireOcspStaple?: boolean;
  /**
   * With `requestOcsp`: replaces tlskit's judgement of the staple, as `verifyCertificate`
   * replaces path validation (node:tls leaves the staple to its `OCSPResponse` event; BoringSSL
   * to its OCSP callback). Called in each full handshake once the chain is accepted (not when
   * verification is turned off), also when the server stapled nothing. It resolves with the
   * status to report in `handshakeInfo.ocsp`, or rejects to fail the handshake: with the
   * TlsError it throws, any other error as bad_certificate_status_response
   * (`ERR_OCSP_REJECTED`). `requireOcspStaple` is then the hook's to enforce.
   */
  readonly verifyOcspStaple?: OcspStapleVerifier;
  /**
   * Ask the server for the leaf's Certificate Transparency SCTs (signed_certificate_timestamp,
   * RFC 6962 3.3.1). tlskit checks the list's framing (a malformed one is decode_error) and
   * reports it as `handshakeInfo.signedCertificateTimestamps` in a full handshake; judging the
   * SCTs against CT logs and a policy is the application's. Default false.
   */
  readonly requestSignedCertificateTimestamps?: boolean;
  /**
   * Run certificate verification again when resuming a session, on the chain of the connection
   * that issued it (BoringSSL's `SSL_set_reverify_on_resume`): a chain the verifier now refuses
   * (revoked, distrusted since) is not trusted again through its ticket. Once per connection:
   * before offering 0-RTT data (so none is sent; the handshake fails before the ClientHello),
   * otherwise when the server accepts the session. Default false.
   */
  readonly reverifyOnResume?: boolean;
  /**
   * TLS 1.2 False Start (RFC 7918, BoringSSL's `SSL_MODE_ENABLE_FALSE_START`): in a full TLS 1.2
   * handshake, once our Finished is sent, `write()` may send application data before the
   * server's Finished arrives, saving a round trip; the `falseStart` event says when. Only with a
   * forward-secret AEAD suite (every TLS 1.2 suite tlskit has: ECDHE with AES-GCM or
   * ChaCha20-Poly1305), a verified server certificate (unless verification is turned off) and a
   * negotiated ALPN protocol (see `falseStartWithoutAlpn`), as Chrome and BoringSSL require. The
   * server's Finished is still checked: if it fails, the connection fails (data already written
   * went to a peer whose handshake was not confirmed). Not for resumptions or TLS 1.3. Default
   * false.
   */
  readonly falseStart?: boolean;
  /**
   * With `falseStart`: also when no ALPN protocol was negotiated (BoringSSL's
   * `SSL_CTX_set_false_start_allowed_without_alpn`). Chrome requires ALPN as a sign of a modern
   * server that tolerates False Start. Default false.
   */
  readonly falseStartWithoutAlpn?: boolean;
  /**
   * Turns certificate verification off: any server is accepted. Only for tests and debugging;
   * the name says it loudly on purpose.
   */
  readonly dangerouslySkipCertificateVerification?: boolean;
}

/** How a server asks for client certificates. */
export type ClientAuthPolicy = 'none' | 'request' | 'require';

/** One ticket protection key (RFC 5077 section 4 style: a name and an AEAD key). */
export interface TicketKey {
  /** 16 bytes that identify the key inside the ticket. */
  readonly name: Uint8Array;
  /** 32 bytes of AES-256-GCM key. */
  readonly key: Uint8Array;
}

/**
 * Seals and opens session tickets. The default seals with AES-256-GCM under `ticketKeys`;
 * a custom sealer can keep server-side state or use an HSM.
 */
export interface TicketSealer {
  /**
   * Turns the resumption state into the opaque ticket sent to the client. An empty result
   * issues no ticket (its store is unavailable, say): TLS 1.3 sends no NewSessionTicket, TLS 1.2
   * an empty one, as RFC 5077 3.3 has a server do once it announced a ticket.
   */
  seal(state: Uint8Array): Promise<Uint8Array>;
  /** Resolves undefined for a ticket it cannot open (unknown key, forged, or damaged). */
  open(ticket: Uint8Array): Promise<Uint8Array | undefined>;
}

/** What a server learns from a ClientHello before it chooses its configuration (`chooseConfig`). */
export interface ClientHelloInfo {
  /** The server_name the client asked for (RFC 6066), or undefined without one. */
  readonly serverName: string | undefined;
  /** The ALPN protocols offered (RFC 7301), in the client's order; empty without the extension. */
  readonly alpnProtocols: readonly string[];
  /** The cipher suites offered, in the client's order. */
  readonly cipherSuites: readonly number[];
  /** The signature_algorithms offered (RFC 8446 4.2.3), in the client's order. */
  readonly signatureSchemes: readonly number[];
}

/** Options of {@link createServer}. */
export interface ServerOptions extends CommonOptions {
  /**
   * Certificates to choose from, by SNI and by the client's signature_algorithms. At least one,
   * unless `pskCallback` is set: a server with only external PSKs may have none (a client
   * without a known PSK then gets handshake_failure), or `chooseConfig` is set (the options it
   * returns must then have one).
   */
  readonly certificates: readonly CertificateEntry[];
  /**
   * Chooses the options of this connection from its ClientHello, like Go's `GetConfigForClient`
   * or rustls' `Acceptor`: called once per connection with the first ClientHello, after it was
   * decoded and checked, before anything is negotiated. Return the options to use instead of
   * these (checked as `createServer` checks its own; their `chooseConfig` is not called), a
   * {@link PreparedServer} (checked once, when prepared), or undefined to keep these. To turn
   * the client away with a chosen alert, throw a `TlsError` (from `@tlskit/wire`): e.g.
   * `new TlsError('ERR_HANDSHAKE_FAILURE', 40, 'unknown tenant')`, or alert 112
   * (unrecognized_name) for a host it does not serve; the `close` event then carries that error.
   * Any other rejection, or a bad return value, fails the handshake with internal_error (the
   * `close` event carries the error as its `cause`).
   */
  readonly chooseConfig?: (hello: ClientHelloInfo) => ServerChoice | Promise<ServerChoice>;
  /**
   * External PSKs (RFC 8446 2.2): called with each identity a client offers (at most 8, in
   * order) until one returns a key; the binder is then checked with it.
   */
  readonly pskCallback?: ExternalPskLookup;
  /**
   * Also accept RFC 9258 imported PSKs: an offered identity that is an ImportedIdentity for
   * TLS 1.3 is looked up by its external identity, and the key imported. Default false.
   */
  readonly pskImporters?: boolean;
  /**
   * PSK key exchange modes the server accepts, preferred first (RFC 8446 4.2.9). Default
   * `['psk_dhe_ke']`; add `'psk_ke'` to allow PSK-only handshakes without forward secrecy.
   */
  readonly pskKeyExchangeModes?: readonly PskMode[];
  /** Whether to ask for a client certificate. Default 'none'. */
  readonly clientAuth?: ClientAuthPolicy;
  /**
   * The CAs whose certificates the server accepts from clients, as DER DistinguishedNames, sent
   * in the CertificateRequest as a hint to the client (RFC 8446 4.2.4 certificate_authorities,
   * RFC 5246 7.4.4 certificate_authorities); OpenSSL's `SSL_CTX_set_client_CA_list`. The subject
   * of a CA certificate is `parseCertificate(der).subject.der` (`@tlskit/x509`); node:tls sends
   * the subjects of its `ca`, tlskit only what is given here. Default: none (TLS 1.3 then sends
   * no extension, TLS 1.2 an empty list). Sent in each CertificateRequest: the handshake's (when
   * `clientAuth` asks) and those of `requestCertificate()`.
   */
  readonly clientCertificateAuthorities?: readonly Uint8Array[];
  /**
   * Ticket keys, current first: the first seals new tickets, all of them open tickets. Pass a
   * function to rotate keys without recreating the engine: it is called each time a key is needed.
   * Without keys and without `ticketSealer` the server issues no tickets.
   */
  readonly ticketKeys?: readonly TicketKey[] | (() => readonly TicketKey[]);
  /**
   * GREASE (RFC 8701 3.2): add an empty extension of a reserved type to each TLS 1.3
   * NewSessionTicket, as BoringSSL does, so that clients which refuse unknown ticket extensions
   * are found. Default false (as node:tls).
   */
  readonly grease?: boolean;
  /** Replaces the default ticket protection. */
  readonly ticketSealer?: TicketSealer;
  /** Tickets to send after the handshake. Default 1 (0 disables tickets). */
  readonly ticketCount?: number;
  /** ticket_lifetime in seconds, at most 604800. Default 7200. */
  readonly ticketLifetime?: number;
  /**
   * Send a cookie (32 random bytes) in HelloRetryRequest and require it back unchanged (RFC 8446
   * section 4.2.2): proof that the client received the retry. The server stays stateful (it
   * keeps ClientHello1's transcript), so the cookie does not encode it. Default false.
   */
  readonly helloRetryCookie?: boolean;
  /**
   * max_early_data_size to advertise in tickets (RFC 8446 4.6.1) without accepting early data
   * (it is rejected and skipped, as RFC 8446 4.2.10 allows): for tests and replays of peers that
   * expect the extension. Ignored when `maxEarlyData` is set, which both advertises and accepts.
   */
  readonly ticketMaxEarlyData?: number;
  /**
   * 0-RTT (RFC 8446 2.3, 4.2.10): the early data accepted per ticket, in bytes. Default 0: none.
   * Above 0, tickets carry early_data with this size, and a resuming client's early data is
   * accepted (at most once per ticket, see `antiReplay`) and reported by the `earlyData` event.
   * Early data can be a replay: act only on requests that are safe to repeat (docs/early-data.md).
   */
  readonly maxEarlyData?: number;
  /**
   * Single-use ticket store for 0-RTT (RFC 8446 8.1), shared by all the server's connections
   * (and by every server that accepts the same tickets). Required with `maxEarlyData`.
   */
  readonly antiReplay?: AntiReplayStore;
  /**
   * Freshness window for 0-RTT (RFC 8446 8.3): early data is rejected when the client's ticket
   * age and ours differ by more than this many ms. Default 10000.
   */
  readonly earlyDataWindow?: number;
  /** TLS 1.2 session-ID resumption: a cache shared by the server's connections. */
  readonly sessionCache?: SessionCache;
  /** Accept PSK resumption. Default true when tickets are enabled. */
  readonly resumption?: boolean;
  /**
   * Supplies the OCSP response to staple when a client asks (status_request), like node:tls's
   * `OCSPRequest` event: resolve a DER OCSPResponse, or undefined to staple nothing. When set it
   * replaces the chosen entry's `ocspResponse`.
   */
  readonly ocspStapling?: (
    request: OcspStapleRequest,
  ) => Promise<Uint8Array | undefined> | Uint8Array | undefined;
  /**
   * Encrypted ClientHello (RFC 9849): the ECH configurations this server publishes, with their
   * private keys. A TLS 1.3 ClientHelloOuter whose encrypted_client_hello decrypts with one of
   * them is answered as its ClientHelloInner (the secret server name, ALPN, PSKs...), and the
   * client learns that from the ServerHello. One that does not decrypt (an old or unknown
   * configuration) is answered as the ClientHelloOuter, for the configuration's public name,
   * with the `sendAsRetry` configurations as retry_configs. Only DHKEM(X25519, HKDF-SHA256)
   * configurations. `chooseConfig` sees the hello the handshake runs on (ClientHelloInner when
   * ECH is accepted); the chosen options' own `echKeys` are not used.
   */
  readonly echKeys?: readonly EchKey[];
}

/** One ECH configuration of a server and its HPKE private key (see `ServerOptions.echKeys`). */
export interface EchKey {
  /** One ECHConfig as published (RFC 9849 4: version 0xfe0d, length, contents). */
  readonly config: Uint8Array;
  /** The 32-byte X25519 private key of the configuration's public key. */
  readonly privateKey: Uint8Array;
  /** Offer this configuration in retry_configs when ECH is rejected. Default true. */
  readonly sendAsRetry?: boolean;
}

/** A caller mistake: thrown at once, with a message that says what to fix. */
export class OptionsError extends TypeError {
  override name = 'OptionsError';
}

const versionRank: Record<TlsVersion, number> = { 'TLSv1.2': 2, 'TLSv1.3': 3 };

/** Checks the options both sides share, once, at the public boundary. */
export function checkCommonOptions(options: CommonOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new OptionsError('options must be an object');
  }
  if (typeof options.provider?.randomBytes !== 'function') {
    throw new OptionsError('options.provider must be a CryptoProvider (e.g. nobleProvider)');
  }
  const min = options.minVersion ?? 'TLSv1.2';
  const max = options.maxVersion ?? 'TLSv1.3';
  if (!(min in versionRank) || !(max in versionRank)) {
    throw new OptionsError("minVersion and maxVersion must be 'TLSv1.2' or 'TLSv1.3'");
  }
  if (versionRank[min] > versionRank[max]) {
    throw new OptionsError(`minVersion ${min} is above maxVersion ${max}`);
  }
  const signing = options.signingSchemes;
  if (
    signing !== undefined &&
    (!Array.isArray(signing) ||
      signing.length === 0 ||
      !signing.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffff))
  ) {
    throw new OptionsError(
      'signingSchemes must be a non-empty list of SignatureScheme code points',
    );
  }
  const limit = options.recordSizeLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 64 || limit > 16385)) {
    throw new OptionsError('recordSizeLimit must be an integer from 64 to 16385 (RFC 8449)');
  }
  checkCertificateCompression(options.certificateCompression);
  const maxMessage = options.maxHandshakeMessageSize;
  if (
    maxMessage !== undefined &&
    (!Number.isInteger(maxMessage) || maxMessage < 256 || maxMessage > 0xffffff)
  ) {
    throw new OptionsError('maxHandshakeMessageSize must be an integer from 256 to 16777215');
  }
  for (const name of options.alpnProtocols ?? []) {
    const length = new TextEncoder().encode(name).length;
    if (length < 1 || length > 255) {
      throw new OptionsError(`ALPN protocol name "${name}" must be 1..255 bytes`);
    }
  }
}

function checkCertificateCompression(
  algorithms: readonly CertificateCompressionAlgorithm[] | undefined,
): void {
  if (algorithms === undefined) return;
  if (!Array.isArray(algorithms)) {
    throw new OptionsError('certificateCompression must be an array of algorithms');
  }
  const ids = new Set<number>();
  for (const a of algorithms) {
    if (!Number.isInteger(a?.id) || a.id < 0 || a.id > 0xffff) {
      throw new OptionsError('certificateCompression: each id must be an integer from 0 to 65535');
    }
    if (ids.has(a.id)) throw new OptionsError(`certificateCompression: id ${a.id} is listed twice`);
    ids.add(a.id);
    if (
      typeof a.decompress !== 'function' ||
      (a.compress !== undefined && typeof a.compress !== 'function')
    ) {
      throw new OptionsError(
        `certificateCompression: algorithm ${a.id} needs a decompress function (compress is optional)`,
      );
    }
  }
  // RFC 8879 section 3: algorithms<2..2^8-2>, so at most 127 code points.
  if (ids.size > 127) throw new OptionsError('certificateCompression: at most 127 algorithms');
}

/** What `chooseConfig` answers: other options, a prepared configuration, or undefined to keep. */
export type ServerChoice = ServerOptions | PreparedServer | undefined;

/**
 * The hooks a prepared server may bind to each connection (node:tls's facade binds them to the
 * connection's socket). Each replaces the prepared options' hook of the same name for that
 * connection only.
 */
export type ServerConnectionHooks = Pick<
  ServerOptions,
  'pskCallback' | 'verifyCertificate' | 'ocspStapling' | 'chooseConfig'
>;

/**
 * A server configuration checked and resolved once (see {@link prepareServer}): engines made
 * from it skip option checking, suite, group and scheme resolution and verifier building.
 */
export interface PreparedServer {
  /** The options it was prepared from. */
  readonly options: ServerOptions;
  /**
   * A new server engine, waiting for a ClientHello. Cheap: it shares the prepared configuration,
   * so a server makes one per accepted connection.
   * @throws OptionsError when a hook is given but is not a function.
   */
  create(hooks?: ServerConnectionHooks): Connection;
  /**
   * The same configuration with one connection's hooks in place, for `chooseConfig` to return
   * (only the first ClientHello's `chooseConfig` is called, so the hooks' own is not).
   * @throws OptionsError when a hook is given but is not a function.
   */
  bind(hooks: ServerConnectionHooks): PreparedServer;
}
