import { IllegalParameterError, UnsupportedExtensionError } from './errors.js';
import type { Extension, ExtensionContext } from './extension-types.js';
import { ExtensionType, isKnown, nameOf } from './registries.js';

const E = ExtensionType;

// RFC 8446 section 4.2, the table of which message each extension may appear in, plus
// record_size_limit (RFC 8449 section 4: CH, EE) and compress_certificate (RFC 8879 section 3:
// CH, CR). TLS 1.2-only extensions (ec_point_formats, extended_master_secret, session_ticket,
// renegotiation_info, encrypt_then_mac) may appear in a ClientHello for a 1.2 server.
const TABLE: Readonly<Record<ExtensionContext, readonly number[]>> = {
  client_hello: [
    E.serverName,
    E.maxFragmentLength,
    E.statusRequest,
    E.supportedGroups,
    E.ecPointFormats,
    E.signatureAlgorithms,
    E.useSrtp,
    E.heartbeat,
    E.applicationLayerProtocolNegotiation,
    E.signedCertificateTimestamp,
    E.clientCertificateType,
    E.serverCertificateType,
    E.padding,
    E.encryptThenMac,
    E.extendedMasterSecret,
    E.compressCertificate,
    E.recordSizeLimit,
    E.sessionTicket,
    E.preSharedKey,
    E.earlyData,
    E.supportedVersions,
    E.cookie,
    E.pskKeyExchangeModes,
    E.certificateAuthorities,
    E.postHandshakeAuth,
    E.signatureAlgorithmsCert,
    E.keyShare,
    E.renegotiationInfo,
  ],
  server_hello: [E.keyShare, E.preSharedKey, E.supportedVersions],
  hello_retry_request: [E.keyShare, E.cookie, E.supportedVersions],
  encrypted_extensions: [
    E.serverName,
    E.maxFragmentLength,
    E.supportedGroups,
    E.useSrtp,
    E.heartbeat,
    E.applicationLayerProtocolNegotiation,
    E.clientCertificateType,
    E.serverCertificateType,
    E.earlyData,
    E.recordSizeLimit,
  ],
  certificate: [E.statusRequest, E.signedCertificateTimestamp],
  certificate_request: [
    E.statusRequest,
    E.signatureAlgorithms,
    E.signedCertificateTimestamp,
    E.certificateAuthorities,
    E.oidFilters,
    E.signatureAlgorithmsCert,
    E.compressCertificate,
  ],
  new_session_ticket: [E.earlyData],
  // RFC 5246 section 7.4.1.4 and the 1.2 extension RFCs: the responses a 1.2 server may send.
  server_hello_tls12: [
    E.serverName,
    E.maxFragmentLength,
    E.statusRequest,
    E.ecPointFormats,
    E.useSrtp,
    E.heartbeat,
    E.applicationLayerProtocolNegotiation,
    E.signedCertificateTimestamp,
    E.clientCertificateType,
    E.serverCertificateType,
    E.encryptThenMac,
    E.extendedMasterSecret,
    E.recordSizeLimit,
    E.sessionTicket,
    E.renegotiationInfo,
  ],
};

const SETS = new Map<ExtensionContext, ReadonlySet<number>>(
  Object.entries(TABLE).map(([k, v]) => [k as ExtensionContext, new Set(v)]),
);

/** The extension types RFC 8446 section 4.2 (and the extension RFCs) allow in `context`. */
export function allowedExtensions(context: ExtensionContext): ReadonlySet<ExtensionType> {
  return SETS.get(context) as ReadonlySet<ExtensionType>;
}

// RFC 8446 sections 4.3.2 and 4.6.1: clients ignore unrecognised extensions in CertificateRequest
// and NewSessionTicket, as servers do in ClientHello (section 4.1.2).
const IGNORES_UNKNOWN: ReadonlySet<ExtensionContext> = new Set<ExtensionContext>([
  'client_hello',
  'certificate_request',
  'new_session_ticket',
]);

/**
 * Enforces which extensions may appear in a message, throwing the alert RFC 8446 section 4.2
 * prescribes:
 * - a recognised extension that is not allowed in `context`: `illegal_parameter`;
 * - in a response (ServerHello, HelloRetryRequest, EncryptedExtensions, Certificate, TLS 1.2
 *   ServerHello), an extension the peer did not offer: `unsupported_extension`. Pass the types
 *   the request carried as `offered` (ClientHello extensions, or CertificateRequest extensions
 *   for a client Certificate); without it, only unrecognised types count as unrequested. The
 *   HelloRetryRequest cookie is exempt.
 * Unrecognised extensions in ClientHello, CertificateRequest and NewSessionTicket are ignored.
 */
export function checkExtensionsAllowed(
  extensions: readonly Extension[],
  context: ExtensionContext,
  offered?: Iterable<number>,
): void {
  const allowed = allowedExtensions(context);
  // Read only here: a Set the caller passes is used as it is (the engines pass one).
  const offeredSet =
    offered === undefined ? undefined : offered instanceof Set ? offered : new Set(offered);
  for (const ext of extensions) {
    const known = isKnown(ExtensionType, ext.type);
    if (known && !allowed.has(ext.type)) {
      throw new IllegalParameterError(
        `${nameOf(ExtensionType, ext.type)} is not allowed in ${context}`,
      );
    }
    if (IGNORES_UNKNOWN.has(context)) continue;
    if (context === 'hello_retry_request' && ext.type === ExtensionType.cookie) continue;
    const requested = offeredSet === undefined ? known : offeredSet.has(ext.type);
    if (!requested) {
      throw new UnsupportedExtensionError(
        `${nameOf(ExtensionType, ext.type)} in ${context} was not offered`,
      );
    }
  }
}
