import type { Extension } from './extension-types.js';
import type {
  CipherSuite,
  ClientCertificateType,
  HandshakeType,
  KeyUpdateRequest,
  NamedGroup,
  ProtocolVersion,
  SignatureScheme,
} from './registries.js';

/**
 * The handshake messages of TLS 1.3 (RFC 8446 section 4) and TLS 1.2 (RFC 5246 section 7.4,
 * RFC 8422 for ECDHE), as a union discriminated by `type` (the HandshakeType code point).
 * Messages whose layout differs between the versions (Certificate, CertificateRequest,
 * NewSessionTicket) carry a second discriminant, `protocol`. Byte fields are views into the
 * decoded input.
 */

/** Which version's layout to use for a message that has two (see {@link HandshakeContext}). */
export type WireProtocol = 'tls13' | 'tls12';

/** Decoding context for {@link HandshakeMessage}s whose layout depends on the negotiated version. */
export interface HandshakeContext {
  readonly protocol: WireProtocol;
}

/** RFC 8446 section 4.1.2. */
export interface ClientHello {
  readonly type: typeof HandshakeType.clientHello;
  readonly legacyVersion: ProtocolVersion;
  /** 32 bytes. */
  readonly random: Uint8Array;
  /** 0..32 bytes. */
  readonly legacySessionId: Uint8Array;
  readonly cipherSuites: readonly CipherSuite[];
  /** Exactly `[0]` when TLS 1.3 is offered. */
  readonly legacyCompressionMethods: Uint8Array;
  /** In order; an empty list is encoded as an absent extensions block (TLS 1.2 allows that). */
  readonly extensions: readonly Extension[];
}

/**
 * RFC 8446 section 4.1.3. A HelloRetryRequest is a ServerHello whose random is
 * {@link HELLO_RETRY_REQUEST_RANDOM}; the decoder sets `isHelloRetryRequest` from the random
 * and decodes the extensions in their HelloRetryRequest forms.
 */
export interface ServerHello {
  readonly type: typeof HandshakeType.serverHello;
  readonly legacyVersion: ProtocolVersion;
  readonly random: Uint8Array;
  readonly legacySessionIdEcho: Uint8Array;
  readonly cipherSuite: CipherSuite;
  /** Always 0. */
  readonly legacyCompressionMethod: number;
  readonly extensions: readonly Extension[];
  readonly isHelloRetryRequest: boolean;
}

/** RFC 8446 section 4.3.1. */
export interface EncryptedExtensions {
  readonly type: typeof HandshakeType.encryptedExtensions;
  readonly extensions: readonly Extension[];
}

/** RFC 8446 section 4.4.2: one certificate (DER, or a SubjectPublicKeyInfo for raw public keys) and its extensions. */
export interface CertificateEntry {
  readonly data: Uint8Array;
  readonly extensions: readonly Extension[];
}

/** RFC 8446 section 4.4.2: the TLS 1.3 Certificate. */
export interface Certificate13 {
  readonly type: typeof HandshakeType.certificate;
  readonly protocol: 'tls13';
  readonly certificateRequestContext: Uint8Array;
  readonly certificateList: readonly CertificateEntry[];
}

/** RFC 5246 section 7.4.2: the TLS 1.2 Certificate, a list of DER certificates. */
export interface Certificate12 {
  readonly type: typeof HandshakeType.certificate;
  readonly protocol: 'tls12';
  readonly certificateList: readonly Uint8Array[];
}

/** RFC 8446 section 4.3.2. */
export interface CertificateRequest13 {
  readonly type: typeof HandshakeType.certificateRequest;
  readonly protocol: 'tls13';
  readonly certificateRequestContext: Uint8Array;
  readonly extensions: readonly Extension[];
}

/** RFC 5246 section 7.4.4 (with RFC 8422 section 5.5 certificate types). */
export interface CertificateRequest12 {
  readonly type: typeof HandshakeType.certificateRequest;
  readonly protocol: 'tls12';
  readonly certificateTypes: readonly ClientCertificateType[];
  readonly signatureAlgorithms: readonly SignatureScheme[];
  /** DER DistinguishedNames, unparsed. */
  readonly certificateAuthorities: readonly Uint8Array[];
}

/** RFC 8446 section 4.4.3; the same layout as the TLS 1.2 digitally-signed CertificateVerify. */
export interface CertificateVerify {
  readonly type: typeof HandshakeType.certificateVerify;
  readonly algorithm: SignatureScheme;
  readonly signature: Uint8Array;
}

/** RFC 8446 section 4.4.4 (Hash.length bytes) / RFC 5246 section 7.4.9 (12 bytes). */
export interface Finished {
  readonly type: typeof HandshakeType.finished;
  readonly verifyData: Uint8Array;
}

/** RFC 8446 section 4.6.1. */
export interface NewSessionTicket13 {
  readonly type: typeof HandshakeType.newSessionTicket;
  readonly protocol: 'tls13';
  readonly ticketLifetime: number;
  readonly ticketAgeAdd: number;
  readonly ticketNonce: Uint8Array;
  readonly ticket: Uint8Array;
  readonly extensions: readonly Extension[];
}

/** RFC 5077 section 3.3. */
export interface NewSessionTicket12 {
  readonly type: typeof HandshakeType.newSessionTicket;
  readonly protocol: 'tls12';
  readonly ticketLifetimeHint: number;
  readonly ticket: Uint8Array;
}

/** RFC 8446 section 4.6.3. */
export interface KeyUpdate {
  readonly type: typeof HandshakeType.keyUpdate;
  readonly requestUpdate: KeyUpdateRequest;
}

/** RFC 8446 section 4.5: empty body. */
export interface EndOfEarlyData {
  readonly type: typeof HandshakeType.endOfEarlyData;
}

/**
 * RFC 8422 section 5.4: ServerKeyExchange for ECDHE (curve_type named_curve) with its
 * TLS 1.2 digitally-signed signature. The signature covers
 * client_random + server_random + {@link encodeServerEcdhParams}(message).
 */
export interface ServerKeyExchange {
  readonly type: typeof HandshakeType.serverKeyExchange;
  readonly namedCurve: NamedGroup;
  /** ECPoint (or X25519 public key), 1..255 bytes. */
  readonly publicKey: Uint8Array;
  readonly algorithm: SignatureScheme;
  readonly signature: Uint8Array;
}

/** RFC 8422 section 5.7: ClientKeyExchange for ECDHE (the client's ephemeral public key). */
export interface ClientKeyExchange {
  readonly type: typeof HandshakeType.clientKeyExchange;
  readonly publicKey: Uint8Array;
}

/**
 * RFC 6066 section 8: the TLS 1.2 CertificateStatus that follows the server Certificate when
 * the ServerHello acknowledged status_request. status_type ocsp(1), the only type defined.
 */
export interface CertificateStatus {
  readonly type: typeof HandshakeType.certificateStatus;
  /** The DER OCSPResponse (RFC 6960), 1..2^24-1 bytes. */
  readonly ocspResponse: Uint8Array;
}

/**
 * RFC 8879 section 4: a TLS 1.3 Certificate message compressed with `algorithm`, sent in its
 * place. `uncompressedLength` is the length of the Certificate body (without its 4-byte header)
 * that `compressedCertificateMessage` decompresses to.
 */
export interface CompressedCertificate {
  readonly type: typeof HandshakeType.compressedCertificate;
  readonly algorithm: number;
  readonly uncompressedLength: number;
  readonly compressedCertificateMessage: Uint8Array;
}

/** RFC 5246 section 7.4.5: empty body. */
export interface ServerHelloDone {
  readonly type: typeof HandshakeType.serverHelloDone;
}

/** RFC 5246 section 7.4.1.1: empty body (tlskit refuses renegotiation, but must parse the request). */
export interface HelloRequest {
  readonly type: typeof HandshakeType.helloRequest;
}

/**
 * RFC 8446 section 4.4.1: the synthetic message that replaces ClientHello1 in the transcript
 * after a HelloRetryRequest. Its body is Hash(ClientHello1).
 */
export interface MessageHash {
  readonly type: typeof HandshakeType.messageHash;
  readonly hash: Uint8Array;
}

/** Every handshake message the codec knows. */
export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | EncryptedExtensions
  | Certificate13
  | Certificate12
  | CertificateRequest13
  | CertificateRequest12
  | CertificateVerify
  | Finished
  | NewSessionTicket13
  | NewSessionTicket12
  | KeyUpdate
  | EndOfEarlyData
  | ServerKeyExchange
  | ClientKeyExchange
  | CertificateStatus
  | CompressedCertificate
  | ServerHelloDone
  | HelloRequest
  | MessageHash;

/** RFC 8446 section 4.1.3: SHA-256("HelloRetryRequest"), the random of every HelloRetryRequest. */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** RFC 8446 section 4.1.3: last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2. */
export const DOWNGRADE_TLS12: Uint8Array = Uint8Array.from([
  0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01,
]);

/** RFC 8446 section 4.1.3: last 8 bytes of the server random when it negotiates TLS 1.1 or below. */
export const DOWNGRADE_TLS11: Uint8Array = Uint8Array.from([
  0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00,
]);
