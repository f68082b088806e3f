import { EncodeError, IllegalParameterError } from './errors.js';
import type {
  AlpnExtension,
  CertificateAuthoritiesExtension,
  ClientKeyShareExtension,
  CompressCertificateExtension,
  ClientSupportedVersionsExtension,
  CookieExtension,
  EarlyDataExtension,
  EcPointFormatsExtension,
  ExtendedMasterSecretExtension,
  Extension,
  ExtensionContext,
  HelloRetryKeyShareExtension,
  KeyShareEntry,
  KnownExtension,
  OcspStatusRequest,
  OfferedPsksExtension,
  PaddingExtension,
  PostHandshakeAuthExtension,
  PskIdentity,
  PskKeyExchangeModesExtension,
  RecordSizeLimitExtension,
  RenegotiationInfoExtension,
  SelectedPskExtension,
  ServerKeyShareExtension,
  ServerName,
  ServerNameExtension,
  ServerSupportedVersionsExtension,
  SessionTicketExtension,
  SignatureAlgorithmsCertExtension,
  SignatureAlgorithmsExtension,
  StatusRequestExtension,
  SupportedGroupsExtension,
} from './extension-types.js';
import { Reader } from './reader.js';
import {
  CertificateStatusType,
  type EcPointFormat,
  ExtensionType,
  type NamedGroup,
  nameOf,
  type ProtocolVersion,
  type PskKeyExchangeMode,
  type SignatureScheme,
} from './registries.js';
import { encodeWith, type Writer } from './writer.js';

// Presentation-language bounds (RFC 8446 section 4.2 and the extension RFCs), declared once
// beside the codec that uses them so encode and decode cannot disagree.
const U16_MAX = 0xffff;
const U24_MAX = 0xffffff;

/**
 * Decodes an extension block: the `Extension extensions<0..2^16-1>` vector including its 2-byte
 * length. Bodies take the form `context` defines; an extension without a typed form in that
 * context (unknown types, GREASE, or a known type where it has no defined form) is kept as
 * `{ type, raw }`. Order is preserved. A duplicate type is `illegal_parameter` (RFC 8446
 * section 4.2: at most one extension of each type per block).
 */
export function decodeExtensions(bytes: Uint8Array, context: ExtensionContext): Extension[] {
  const reader = new Reader(bytes);
  const list = readExtensions(reader, context, 0, U16_MAX);
  reader.end('extensions');
  return list;
}

/** Encodes an extension block with its 2-byte length prefix. */
export function encodeExtensions(extensions: readonly Extension[]): Uint8Array {
  return encodeWith((w) => writeExtensions(w, extensions, 0, U16_MAX));
}

/** Reads `Extension extensions<min..max>` from `reader`. */
export function readExtensions(
  reader: Reader,
  context: ExtensionContext,
  min: number,
  max: number,
): Extension[] {
  const block = new Reader(reader.vector16('extensions', min, max));
  const seen = new Set<number>();
  return block.all('extensions', (r) => {
    const type = r.u16('extension type');
    const body = r.vector16('extension_data', 0, U16_MAX);
    if (seen.has(type)) {
      throw new IllegalParameterError(`extensions: duplicate extension type ${type}`);
    }
    seen.add(type);
    return decodeExtensionBody(type, body, context);
  });
}

/** Writes `Extension extensions<min..max>` to `w`. */
export function writeExtensions(
  w: Writer,
  extensions: readonly Extension[],
  min: number,
  max: number,
): void {
  w.vector16('extensions', min, max, () => {
    for (const ext of extensions) {
      w.u16(ext.type, 'extension type');
      w.vector16(`extension ${ext.type} body`, 0, U16_MAX, () => writeExtensionBody(w, ext));
    }
  });
}

const CH = 'client_hello';

/**
 * The typed body of one extension, or `{ type, raw }` when the type has no form in `context`.
 * The whole body must be consumed.
 */
export function decodeExtensionBody(
  type: number,
  body: Uint8Array,
  context: ExtensionContext,
): Extension {
  const decode = bodyDecoder(type, context);
  if (decode === undefined) return { type: type as ExtensionType, raw: body };
  const r = new Reader(body);
  const ext = decode(r);
  if (r.remaining !== 0) r.end(`extension ${nameOf(ExtensionType, type)}`);
  return ext;
}

type BodyDecoder = (r: Reader) => KnownExtension;

// The TLS 1.2 and 1.3 ServerHello share one decoding: their extension forms never conflict, and
// a client only learns the version from the supported_versions extension inside the block.
function isServerHello(context: ExtensionContext): boolean {
  return context === 'server_hello' || context === 'server_hello_tls12';
}

// Which form each known extension takes in each message (RFC 8446 section 4.2 and the
// extension RFCs). Contexts not listed for a type have no defined form: the body stays raw, and
// checkExtensionsAllowed rejects the extension there.
/** A decoder for an extension whose body is empty in this context: it yields `ext`. */
const empty =
  <T extends KnownExtension>(ext: T): BodyDecoder =>
  () =>
    ext;

function bodyDecoder(type: number, context: ExtensionContext): BodyDecoder | undefined {
  switch (type) {
    case ExtensionType.serverName:
      if (context === CH) return readServerNames;
      if (context === 'encrypted_extensions' || isServerHello(context))
        return empty({ type: ExtensionType.serverName, serverNames: [] });
      return undefined;
    case ExtensionType.statusRequest:
      if (context === CH) return readStatusRequest;
      if (context === 'certificate') return readCertificateStatus;
      if (isServerHello(context) || context === 'certificate_request')
        return empty({ type: ExtensionType.statusRequest });
      return undefined;
    case ExtensionType.supportedGroups:
      if (context === CH || context === 'encrypted_extensions') {
        return (r) => ({
          type: ExtensionType.supportedGroups,
          groups: r.u16List('supported_groups', 2, U16_MAX) as NamedGroup[],
        });
      }
      return undefined;
    case ExtensionType.ecPointFormats:
      if (context === CH || isServerHello(context)) {
        return (r) => ({
          type: ExtensionType.ecPointFormats,
          formats: [...r.vector8('ec_point_formats', 1, 0xff)] as EcPointFormat[],
        });
      }
      return undefined;
    case ExtensionType.signatureAlgorithms:
    case ExtensionType.signatureAlgorithmsCert:
      if (context === CH || context === 'certificate_request') {
        return (r) =>
          ({
            type,
            schemes: r.u16List(
              'supported_signature_algorithms',
              2,
              U16_MAX - 1,
            ) as SignatureScheme[],
          }) as KnownExtension;
      }
      return undefined;
    case ExtensionType.applicationLayerProtocolNegotiation:
      if (context === CH || context === 'encrypted_extensions' || isServerHello(context))
        return readAlpn;
      return undefined;
    case ExtensionType.padding:
      return context === CH ? readPadding : undefined;
    case ExtensionType.compressCertificate:
      if (context === CH || context === 'certificate_request') return readCompressCertificate;
      return undefined;
    case ExtensionType.extendedMasterSecret:
      if (context === CH || isServerHello(context))
        return empty({ type: ExtensionType.extendedMasterSecret });
      return undefined;
    case ExtensionType.postHandshakeAuth:
      return context === CH ? empty({ type: ExtensionType.postHandshakeAuth }) : undefined;
    case ExtensionType.recordSizeLimit:
      if (context === CH || context === 'encrypted_extensions' || isServerHello(context))
        return readRecordSizeLimit;
      return undefined;
    case ExtensionType.sessionTicket:
      if (context === CH || isServerHello(context)) {
        return (r) => ({ type: ExtensionType.sessionTicket, ticket: r.rest() });
      }
      return undefined;
    case ExtensionType.preSharedKey:
      if (context === CH) return readOfferedPsks;
      if (isServerHello(context)) {
        return (r) => ({
          type: ExtensionType.preSharedKey,
          selectedIdentity: r.u16('selected_identity'),
        });
      }
      return undefined;
    case ExtensionType.earlyData:
      if (context === CH || context === 'encrypted_extensions')
        return empty({ type: ExtensionType.earlyData });
      if (context === 'new_session_ticket') {
        return (r) => ({
          type: ExtensionType.earlyData,
          maxEarlyDataSize: r.u32('max_early_data_size'),
        });
      }
      return undefined;
    case ExtensionType.supportedVersions:
      if (context === CH) {
        return (r) => ({
          type: ExtensionType.supportedVersions,
          versions: r.u16List8('supported_versions', 2, 254) as ProtocolVersion[],
        });
      }
      if (isServerHello(context) || context === 'hello_retry_request') {
        return (r) => ({
          type: ExtensionType.supportedVersions,
          selectedVersion: r.u16('selected_version') as ProtocolVersion,
        });
      }
      return undefined;
    case ExtensionType.cookie:
      if (context === CH || context === 'hello_retry_request') {
        return (r) => ({ type: ExtensionType.cookie, cookie: r.vector16('cookie', 1, U16_MAX) });
      }
      return undefined;
    case ExtensionType.pskKeyExchangeModes:
      if (context === CH) {
        return (r) => ({
          type: ExtensionType.pskKeyExchangeModes,
          modes: [...r.vector8('ke_modes', 1, 0xff)] as PskKeyExchangeMode[],
        });
      }
      return undefined;
    case ExtensionType.certificateAuthorities:
      if (context === CH || context === 'certificate_request') return readCertificateAuthorities;
      return undefined;
    case ExtensionType.keyShare:
      if (context === CH) return readClientKeyShares;
      if (isServerHello(context)) {
        return (r) => ({ type: ExtensionType.keyShare, serverShare: readKeyShareEntry(r) });
      }
      if (context === 'hello_retry_request') {
        return (r) => ({
          type: ExtensionType.keyShare,
          selectedGroup: r.u16('selected_group') as NamedGroup,
        });
      }
      return undefined;
    case ExtensionType.renegotiationInfo:
      if (context === CH || isServerHello(context)) {
        return (r) => ({
          type: ExtensionType.renegotiationInfo,
          renegotiatedConnection: r.vector8('renegotiated_connection', 0, 0xff),
        });
      }
      return undefined;
    default:
      return undefined;
  }
}

// RFC 6066 section 3. Every defined NameType is followed by opaque<1..2^16-1>, so unknown types
// are read the same way; two names of one type are illegal_parameter.
function readServerNames(r: Reader): KnownExtension {
  const list = new Reader(r.vector16('server_name_list', 1, U16_MAX));
  const seen = new Set<number>();
  const serverNames = list.all('server_name_list', (e): ServerName => {
    const nameType = e.u8('name_type');
    if (seen.has(nameType)) {
      throw new IllegalParameterError(`server_name: more than one name of type ${nameType}`);
    }
    seen.add(nameType);
    return { nameType, name: e.vector16('host_name', 1, U16_MAX) };
  });
  return { type: ExtensionType.serverName, serverNames };
}

// RFC 6066 section 8: CertificateStatusRequest with status_type ocsp(1), the only type defined.
function readStatusRequest(r: Reader): KnownExtension {
  const statusType = r.u8('status_type');
  if (statusType !== CertificateStatusType.ocsp) {
    throw new IllegalParameterError(`status_request: unknown status_type ${statusType}`);
  }
  const ids = new Reader(r.vector16('responder_id_list', 0, U16_MAX));
  const responderIds = ids.all('responder_id_list', (e) => e.vector16('ResponderID', 1, U16_MAX));
  const requestExtensions = r.vector16('request_extensions', 0, U16_MAX);
  const request: OcspStatusRequest = { responderIds, requestExtensions };
  return { type: ExtensionType.statusRequest, request };
}

// RFC 8446 section 4.4.2.1 / RFC 6066 section 8: CertificateStatus in a CertificateEntry.
function readCertificateStatus(r: Reader): KnownExtension {
  const statusType = r.u8('status_type');
  if (statusType !== CertificateStatusType.ocsp) {
    throw new IllegalParameterError(`status_request: unknown status_type ${statusType}`);
  }
  return {
    type: ExtensionType.statusRequest,
    ocspResponse: r.vector24('OCSPResponse', 1, U24_MAX),
  };
}

// RFC 7301 section 3.1: ProtocolName protocol_name_list<2..2^16-1>, ProtocolName opaque<1..2^8-1>.
function readAlpn(r: Reader): KnownExtension {
  const list = new Reader(r.vector16('protocol_name_list', 2, U16_MAX));
  const protocols = list.all('protocol_name_list', (e) => e.vector8('ProtocolName', 1, 0xff));
  return { type: ExtensionType.applicationLayerProtocolNegotiation, protocols };
}

// RFC 8879 section 3: CertificateCompressionAlgorithm algorithms<2..2^8-2>. A repeated algorithm
// is illegal_parameter: the list is a set, and a peer that repeats one is broken.
function readCompressCertificate(r: Reader): KnownExtension {
  const algorithms = r.u16List8('algorithms', 2, 0xfe);
  if (new Set(algorithms).size !== algorithms.length) {
    throw new IllegalParameterError('compress_certificate: an algorithm is listed twice');
  }
  return { type: ExtensionType.compressCertificate, algorithms };
}

// RFC 7685 section 3: the body is all zero bytes; keeping only the length keeps round trips exact.
function readPadding(r: Reader): KnownExtension {
  const body = r.rest();
  if (body.some((b) => b !== 0)) throw new IllegalParameterError('padding: non-zero byte');
  return { type: ExtensionType.padding, length: body.length };
}

// RFC 8449 section 4: a value below 64 is illegal_parameter.
function readRecordSizeLimit(r: Reader): KnownExtension {
  const recordSizeLimit = r.u16('record_size_limit');
  if (recordSizeLimit < 64) {
    throw new IllegalParameterError(`record_size_limit: ${recordSizeLimit} is below 64`);
  }
  return { type: ExtensionType.recordSizeLimit, recordSizeLimit };
}

// RFC 8446 section 4.2.11: identities<7..2^16-1>, binders<33..2^16-1>, one binder per identity.
function readOfferedPsks(r: Reader): KnownExtension {
  const ids = new Reader(r.vector16('identities', 7, U16_MAX));
  const identities = ids.all(
    'identities',
    (e): PskIdentity => ({
      identity: e.vector16('identity', 1, U16_MAX),
      obfuscatedTicketAge: e.u32('obfuscated_ticket_age'),
    }),
  );
  const list = new Reader(r.vector16('binders', 33, U16_MAX));
  const binders = list.all('binders', (e) => e.vector8('PskBinderEntry', 32, 0xff));
  if (binders.length !== identities.length) {
    throw new IllegalParameterError(
      `pre_shared_key: ${identities.length} identities but ${binders.length} binders`,
    );
  }
  return { type: ExtensionType.preSharedKey, identities, binders };
}

// RFC 8446 section 4.2.4: DistinguishedName authorities<3..2^16-1>, each opaque<1..2^16-1>.
function readCertificateAuthorities(r: Reader): KnownExtension {
  const list = new Reader(r.vector16('authorities', 3, U16_MAX));
  const authorities = list.all('authorities', (e) => e.vector16('DistinguishedName', 1, U16_MAX));
  return { type: ExtensionType.certificateAuthorities, authorities };
}

function readKeyShareEntry(r: Reader): KeyShareEntry {
  return {
    group: r.u16('group') as NamedGroup,
    keyExchange: r.vector16('key_exchange', 1, U16_MAX),
  };
}

// RFC 8446 section 4.2.8: client_shares<0..2^16-1>; one share per group at most (servers MAY
// enforce this with illegal_parameter, and we do).
function readClientKeyShares(r: Reader): KnownExtension {
  const list = new Reader(r.vector16('client_shares', 0, U16_MAX));
  const seen = new Set<number>();
  const clientShares = list.all('client_shares', (e) => {
    const entry = readKeyShareEntry(e);
    if (seen.has(entry.group)) {
      throw new IllegalParameterError(`key_share: two shares for group ${entry.group}`);
    }
    seen.add(entry.group);
    return entry;
  });
  return { type: ExtensionType.keyShare, clientShares };
}

function writeU16List(
  w: Writer,
  field: string,
  min: number,
  max: number,
  values: readonly number[],
) {
  w.vector16(field, min, max, () => {
    for (const v of values) w.u16(v, field);
  });
}

function writeKeyShareEntry(w: Writer, entry: KeyShareEntry): void {
  w.u16(entry.group, 'group');
  w.vector16('key_exchange', 1, U16_MAX, () => w.bytes(entry.keyExchange));
}

/**
 * Writes the body of one extension. The form follows the fields present (e.g. `clientShares`
 * vs `serverShare`), so a value decoded in any context re-encodes to the same bytes.
 */
export function writeExtensionBody(w: Writer, ext: Extension): void {
  if ('raw' in ext) {
    w.bytes(ext.raw);
    return;
  }
  switch (ext.type) {
    case ExtensionType.serverName:
      if (ext.serverNames.length === 0) return;
      w.vector16('server_name_list', 1, U16_MAX, () => {
        for (const name of ext.serverNames) {
          w.u8(name.nameType, 'name_type');
          w.vector16('host_name', 1, U16_MAX, () => w.bytes(name.name));
        }
      });
      return;
    case ExtensionType.statusRequest:
      if (ext.request !== undefined) {
        const request = ext.request;
        w.u8(CertificateStatusType.ocsp);
        w.vector16('responder_id_list', 0, U16_MAX, () => {
          for (const id of request.responderIds) {
            w.vector16('ResponderID', 1, U16_MAX, () => w.bytes(id));
          }
        });
        w.vector16('request_extensions', 0, U16_MAX, () => w.bytes(request.requestExtensions));
      } else if (ext.ocspResponse !== undefined) {
        const response = ext.ocspResponse;
        w.u8(CertificateStatusType.ocsp);
        w.vector24('OCSPResponse', 1, U24_MAX, () => w.bytes(response));
      }
      return;
    case ExtensionType.supportedGroups:
      writeU16List(w, 'supported_groups', 2, U16_MAX, ext.groups);
      return;
    case ExtensionType.ecPointFormats:
      w.vector8('ec_point_formats', 1, 0xff, () => {
        for (const f of ext.formats) w.u8(f, 'ec_point_format');
      });
      return;
    case ExtensionType.signatureAlgorithms:
    case ExtensionType.signatureAlgorithmsCert:
      writeU16List(w, 'supported_signature_algorithms', 2, U16_MAX - 1, ext.schemes);
      return;
    case ExtensionType.applicationLayerProtocolNegotiation:
      w.vector16('protocol_name_list', 2, U16_MAX, () => {
        for (const p of ext.protocols) w.vector8('ProtocolName', 1, 0xff, () => w.bytes(p));
      });
      return;
    case ExtensionType.padding:
      if (!Number.isInteger(ext.length) || ext.length < 0 || ext.length > U16_MAX) {
        throw new EncodeError(`padding: length ${ext.length} is not 0..65535`);
      }
      w.bytes(new Uint8Array(ext.length));
      return;
    case ExtensionType.compressCertificate:
      w.vector8('algorithms', 2, 0xfe, () => {
        for (const a of ext.algorithms) w.u16(a, 'CertificateCompressionAlgorithm');
      });
      return;
    case ExtensionType.extendedMasterSecret:
    case ExtensionType.postHandshakeAuth:
      return;
    case ExtensionType.recordSizeLimit:
      w.u16(ext.recordSizeLimit, 'record_size_limit');
      return;
    case ExtensionType.sessionTicket:
      w.bytes(ext.ticket);
      return;
    case ExtensionType.preSharedKey:
      if ('selectedIdentity' in ext) {
        w.u16(ext.selectedIdentity, 'selected_identity');
        return;
      }
      w.vector16('identities', 7, U16_MAX, () => {
        for (const id of ext.identities) {
          w.vector16('identity', 1, U16_MAX, () => w.bytes(id.identity));
          w.u32(id.obfuscatedTicketAge, 'obfuscated_ticket_age');
        }
      });
      w.bytes(encodePskBinders(ext.binders));
      return;
    case ExtensionType.earlyData:
      if (ext.maxEarlyDataSize !== undefined) w.u32(ext.maxEarlyDataSize, 'max_early_data_size');
      return;
    case ExtensionType.supportedVersions:
      if ('selectedVersion' in ext) {
        w.u16(ext.selectedVersion, 'selected_version');
        return;
      }
      w.vector8('supported_versions', 2, 254, () => {
        for (const v of ext.versions) w.u16(v, 'ProtocolVersion');
      });
      return;
    case ExtensionType.cookie:
      w.vector16('cookie', 1, U16_MAX, () => w.bytes(ext.cookie));
      return;
    case ExtensionType.pskKeyExchangeModes:
      w.vector8('ke_modes', 1, 0xff, () => {
        for (const m of ext.modes) w.u8(m, 'PskKeyExchangeMode');
      });
      return;
    case ExtensionType.certificateAuthorities:
      w.vector16('authorities', 3, U16_MAX, () => {
        for (const dn of ext.authorities) {
          w.vector16('DistinguishedName', 1, U16_MAX, () => w.bytes(dn));
        }
      });
      return;
    case ExtensionType.keyShare:
      if ('clientShares' in ext) {
        w.vector16('client_shares', 0, U16_MAX, () => {
          for (const entry of ext.clientShares) writeKeyShareEntry(w, entry);
        });
      } else if ('serverShare' in ext) {
        writeKeyShareEntry(w, ext.serverShare);
      } else {
        w.u16(ext.selectedGroup, 'selected_group');
      }
      return;
    case ExtensionType.renegotiationInfo:
      w.vector8('renegotiated_connection', 0, 0xff, () => w.bytes(ext.renegotiatedConnection));
      return;
    default:
      throw new EncodeError(`extension ${(ext as Extension).type}: no encoder for this shape`);
  }
}

/**
 * The `PskBinderEntry binders<33..2^16-1>` vector with its length, as it ends a ClientHello.
 * RFC 8446 section 4.2.11.2: binders are computed over the ClientHello truncated before this
 * vector, so its length (`encodePskBinders(binders).length`) tells where to truncate; binders of
 * the right lengths but any content give the same length.
 */
export function encodePskBinders(binders: readonly Uint8Array[]): Uint8Array {
  return encodeWith((w) =>
    w.vector16('binders', 33, U16_MAX, () => {
      for (const b of binders) w.vector8('PskBinderEntry', 32, 0xff, () => w.bytes(b));
    }),
  );
}

/** The typed extension(s) for each known ExtensionType, for {@link findExtension}. */
export interface ExtensionByType {
  [ExtensionType.serverName]: ServerNameExtension;
  [ExtensionType.statusRequest]: StatusRequestExtension;
  [ExtensionType.supportedGroups]: SupportedGroupsExtension;
  [ExtensionType.ecPointFormats]: EcPointFormatsExtension;
  [ExtensionType.signatureAlgorithms]: SignatureAlgorithmsExtension;
  [ExtensionType.signatureAlgorithmsCert]: SignatureAlgorithmsCertExtension;
  [ExtensionType.applicationLayerProtocolNegotiation]: AlpnExtension;
  [ExtensionType.padding]: PaddingExtension;
  [ExtensionType.compressCertificate]: CompressCertificateExtension;
  [ExtensionType.extendedMasterSecret]: ExtendedMasterSecretExtension;
  [ExtensionType.recordSizeLimit]: RecordSizeLimitExtension;
  [ExtensionType.sessionTicket]: SessionTicketExtension;
  [ExtensionType.preSharedKey]: OfferedPsksExtension | SelectedPskExtension;
  [ExtensionType.earlyData]: EarlyDataExtension;
  [ExtensionType.supportedVersions]:
    | ClientSupportedVersionsExtension
    | ServerSupportedVersionsExtension;
  [ExtensionType.cookie]: CookieExtension;
  [ExtensionType.pskKeyExchangeModes]: PskKeyExchangeModesExtension;
  [ExtensionType.certificateAuthorities]: CertificateAuthoritiesExtension;
  [ExtensionType.postHandshakeAuth]: PostHandshakeAuthExtension;
  [ExtensionType.keyShare]:
    | ClientKeyShareExtension
    | ServerKeyShareExtension
    | HelloRetryKeyShareExtension;
  [ExtensionType.renegotiationInfo]: RenegotiationInfoExtension;
}

/**
 * The typed extension of `type` in `extensions`, or `undefined` when absent or kept raw (a
 * known type in a message where it has no defined form). Blocks never hold duplicates, so the
 * first match is the only one.
 */
export function findExtension<T extends keyof ExtensionByType>(
  extensions: readonly Extension[],
  type: T,
): ExtensionByType[T] | undefined {
  for (const ext of extensions) {
    if (ext.type === type && !('raw' in ext)) return ext as ExtensionByType[T];
  }
  return undefined;
}
