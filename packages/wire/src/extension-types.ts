import type {
  EcPointFormat,
  ExtensionType,
  NamedGroup,
  ProtocolVersion,
  PskKeyExchangeMode,
  SignatureScheme,
} from './registries.js';

/**
 * The typed extensions (RFC 8446 section 4.2 and the RFCs it cites). Each known extension is
 * keyed by its literal `type`; an extension tlskit does not model, a GREASE value (RFC 8701), or a
 * known extension in a message where it has no defined form is an {@link UnknownExtension}
 * carrying its body as `raw` and re-encoded unchanged. Check `'raw' in ext` before narrowing on
 * `type`, or use `findExtension`.
 */

/** RFC 6066 section 3: one entry of a ServerNameList. `name` is the HostName bytes (ASCII). */
export interface ServerName {
  readonly nameType: number;
  readonly name: Uint8Array;
}

/**
 * server_name (0). In a ClientHello `serverNames` is non-empty; in EncryptedExtensions (and the
 * TLS 1.2 ServerHello) the server's acknowledgement has an empty body, decoded as `serverNames: []`.
 */
export interface ServerNameExtension {
  readonly type: typeof ExtensionType.serverName;
  readonly serverNames: readonly ServerName[];
}

/** RFC 6066 section 8: OCSPStatusRequest. `requestExtensions` is the DER Extensions, unparsed. */
export interface OcspStatusRequest {
  readonly responderIds: readonly Uint8Array[];
  readonly requestExtensions: Uint8Array;
}

/**
 * status_request (5). ClientHello form: `request` (status_type ocsp). TLS 1.3 CertificateEntry
 * form: `ocspResponse` (RFC 8446 section 4.4.2.1). Elsewhere (TLS 1.2 ServerHello, 1.3
 * CertificateRequest) the body is empty and neither field is present.
 */
export interface StatusRequestExtension {
  readonly type: typeof ExtensionType.statusRequest;
  readonly request?: OcspStatusRequest;
  readonly ocspResponse?: Uint8Array;
}

/** supported_groups (10), RFC 8446 section 4.2.7. */
export interface SupportedGroupsExtension {
  readonly type: typeof ExtensionType.supportedGroups;
  readonly groups: readonly NamedGroup[];
}

/** ec_point_formats (11), RFC 8422 section 5.1.2. */
export interface EcPointFormatsExtension {
  readonly type: typeof ExtensionType.ecPointFormats;
  readonly formats: readonly EcPointFormat[];
}

/** signature_algorithms (13), RFC 8446 section 4.2.3. */
export interface SignatureAlgorithmsExtension {
  readonly type: typeof ExtensionType.signatureAlgorithms;
  readonly schemes: readonly SignatureScheme[];
}

/** signature_algorithms_cert (50), RFC 8446 section 4.2.3. */
export interface SignatureAlgorithmsCertExtension {
  readonly type: typeof ExtensionType.signatureAlgorithmsCert;
  readonly schemes: readonly SignatureScheme[];
}

/** application_layer_protocol_negotiation (16), RFC 7301. Protocol names as bytes (`h2`, `http/1.1`). */
export interface AlpnExtension {
  readonly type: typeof ExtensionType.applicationLayerProtocolNegotiation;
  readonly protocols: readonly Uint8Array[];
}

/**
 * compress_certificate (27), RFC 8879 section 3: the CertificateCompressionAlgorithm code points
 * (zlib 1, brotli 2, zstd 3) the sender can decompress, in a ClientHello or CertificateRequest.
 */
export interface CompressCertificateExtension {
  readonly type: typeof ExtensionType.compressCertificate;
  readonly algorithms: readonly number[];
}

/** padding (21), RFC 7685: `length` zero bytes. */
export interface PaddingExtension {
  readonly type: typeof ExtensionType.padding;
  readonly length: number;
}

/** extended_master_secret (23), RFC 7627: empty body. */
export interface ExtendedMasterSecretExtension {
  readonly type: typeof ExtensionType.extendedMasterSecret;
}

/** record_size_limit (28), RFC 8449: at least 64. */
export interface RecordSizeLimitExtension {
  readonly type: typeof ExtensionType.recordSizeLimit;
  readonly recordSizeLimit: number;
}

/** session_ticket (35), RFC 5077: the ticket (empty to ask for a new one). */
export interface SessionTicketExtension {
  readonly type: typeof ExtensionType.sessionTicket;
  readonly ticket: Uint8Array;
}

/** RFC 8446 section 4.2.11: one offered PSK identity. */
export interface PskIdentity {
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
}

/** pre_shared_key (41), ClientHello form: OfferedPsks. Must be the last extension. */
export interface OfferedPsksExtension {
  readonly type: typeof ExtensionType.preSharedKey;
  readonly identities: readonly PskIdentity[];
  readonly binders: readonly Uint8Array[];
}

/** pre_shared_key (41), ServerHello form: the index of the identity the server accepted. */
export interface SelectedPskExtension {
  readonly type: typeof ExtensionType.preSharedKey;
  readonly selectedIdentity: number;
}

/**
 * early_data (42), RFC 8446 section 4.2.10. Empty in ClientHello and EncryptedExtensions; in
 * NewSessionTicket it carries `maxEarlyDataSize`.
 */
export interface EarlyDataExtension {
  readonly type: typeof ExtensionType.earlyData;
  readonly maxEarlyDataSize?: number;
}

/** supported_versions (43), ClientHello form. */
export interface ClientSupportedVersionsExtension {
  readonly type: typeof ExtensionType.supportedVersions;
  readonly versions: readonly ProtocolVersion[];
}

/** supported_versions (43), ServerHello and HelloRetryRequest form. */
export interface ServerSupportedVersionsExtension {
  readonly type: typeof ExtensionType.supportedVersions;
  readonly selectedVersion: ProtocolVersion;
}

/** cookie (44), RFC 8446 section 4.2.2. */
export interface CookieExtension {
  readonly type: typeof ExtensionType.cookie;
  readonly cookie: Uint8Array;
}

/** psk_key_exchange_modes (45), RFC 8446 section 4.2.9. */
export interface PskKeyExchangeModesExtension {
  readonly type: typeof ExtensionType.pskKeyExchangeModes;
  readonly modes: readonly PskKeyExchangeMode[];
}

/** certificate_authorities (47), RFC 8446 section 4.2.4: DER DistinguishedNames, unparsed. */
export interface CertificateAuthoritiesExtension {
  readonly type: typeof ExtensionType.certificateAuthorities;
  readonly authorities: readonly Uint8Array[];
}

/** post_handshake_auth (49), RFC 8446 section 4.2.6: empty body. */
export interface PostHandshakeAuthExtension {
  readonly type: typeof ExtensionType.postHandshakeAuth;
}

/** RFC 8446 section 4.2.8: KeyShareEntry. */
export interface KeyShareEntry {
  readonly group: NamedGroup;
  readonly keyExchange: Uint8Array;
}

/** key_share (51), ClientHello form: the offered shares (may be empty). */
export interface ClientKeyShareExtension {
  readonly type: typeof ExtensionType.keyShare;
  readonly clientShares: readonly KeyShareEntry[];
}

/** key_share (51), ServerHello form: the server's share. */
export interface ServerKeyShareExtension {
  readonly type: typeof ExtensionType.keyShare;
  readonly serverShare: KeyShareEntry;
}

/** key_share (51), HelloRetryRequest form: the group the client must retry with. */
export interface HelloRetryKeyShareExtension {
  readonly type: typeof ExtensionType.keyShare;
  readonly selectedGroup: NamedGroup;
}

/** renegotiation_info (0xff01), RFC 5746 section 3.2. */
export interface RenegotiationInfoExtension {
  readonly type: typeof ExtensionType.renegotiationInfo;
  readonly renegotiatedConnection: Uint8Array;
}

/** Any extension without a typed form here (including GREASE), kept byte for byte. */
export interface UnknownExtension {
  readonly type: ExtensionType;
  readonly raw: Uint8Array;
}

/** Every typed extension. */
export type KnownExtension =
  | ServerNameExtension
  | StatusRequestExtension
  | SupportedGroupsExtension
  | EcPointFormatsExtension
  | SignatureAlgorithmsExtension
  | SignatureAlgorithmsCertExtension
  | AlpnExtension
  | PaddingExtension
  | CompressCertificateExtension
  | ExtendedMasterSecretExtension
  | RecordSizeLimitExtension
  | SessionTicketExtension
  | OfferedPsksExtension
  | SelectedPskExtension
  | EarlyDataExtension
  | ClientSupportedVersionsExtension
  | ServerSupportedVersionsExtension
  | CookieExtension
  | PskKeyExchangeModesExtension
  | CertificateAuthoritiesExtension
  | PostHandshakeAuthExtension
  | ClientKeyShareExtension
  | ServerKeyShareExtension
  | HelloRetryKeyShareExtension
  | RenegotiationInfoExtension;

/** An extension as it appears in an extension block. */
export type Extension = KnownExtension | UnknownExtension;

/**
 * The message an extension block belongs to. It decides which form an extension body takes
 * (key_share, supported_versions, pre_shared_key, early_data, status_request, server_name) and
 * which extensions may appear (RFC 8446 section 4.2). `server_hello_tls12` is a TLS 1.2
 * ServerHello: it decodes exactly like `server_hello` (a client learns the version only from
 * the supported_versions extension inside the block, and the forms never conflict), but
 * `checkExtensionsAllowed` applies the TLS 1.2 set to it.
 */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'server_hello_tls12'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate'
  | 'certificate_request'
  | 'new_session_ticket';
