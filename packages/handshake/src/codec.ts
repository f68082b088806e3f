/**
 * The handshake messages and extension bodies the TLS 1.3 engines read and write, as plain
 * values. Bytes are parsed with the strict `Reader` of `@tlskit/wire` (every failure is a
 * DecodeError) and written with its `Writer`.
 */
import {
  DecodeError,
  ExtensionType,
  HandshakeType,
  IllegalParameterError,
  Reader,
  Writer,
} from '@tlskit/wire';

/** A handshake message as framed on the wire: type, body, and the full encoding (for the transcript). */
export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
  /** type || uint24 length || body. */
  readonly raw: Uint8Array;
}

/** An extension as received: type and undecoded body. */
export interface Extension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** Frames a handshake body with its 4-byte header. */
export function frameHandshake(type: number, body: Uint8Array): HandshakeMessage {
  const raw = new Writer()
    .u8(type)
    .vector24('handshake body', 0, 0xffffff, (w) => w.bytes(body))
    .finish()
    .slice();
  return { type, body: raw.subarray(4), raw };
}

function readExtensions(r: Reader, field: string): Extension[] {
  if (r.remaining === 0) return [];
  const list = r.sub(r.u16(`${field} length`), field);
  const seen = new Set<number>();
  const out = list.all(field, (e) => {
    const type = e.u16('extension type');
    const data = e.vector16('extension data', 0, 0xffff);
    // RFC 8446 4.2: "There MUST NOT be more than one extension of the same type in a given block."
    if (seen.has(type)) throw new IllegalParameterError(`${field}: duplicate extension ${type}`);
    seen.add(type);
    return { type, data };
  });
  r.end(field);
  return out;
}

function writeExtensions(w: Writer, extensions: readonly Extension[]): void {
  w.vector16('extensions', 0, 0xffff, (e) => {
    for (const ext of extensions) {
      e.u16(ext.type).vector16('extension data', 0, 0xffff, (d) => d.bytes(ext.data));
    }
  });
}

/** Finds an extension by type. */
export function findExtension(list: readonly Extension[], type: number): Uint8Array | undefined {
  return list.find((e) => e.type === type)?.data;
}

/** RFC 8446 4.1.2 ClientHello. */
export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly legacyCompressionMethods: Uint8Array;
  readonly extensions: readonly Extension[];
}

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body);
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const legacySessionId = r.vector8('legacy_session_id', 0, 32);
  const suites = r.sub(r.u16('cipher_suites length'), 'cipher_suites');
  if (suites.remaining < 2 || suites.remaining % 2 !== 0) {
    throw new DecodeError('cipher_suites: length must be a non-zero multiple of 2');
  }
  const cipherSuites = suites.all('cipher_suites', (s) => s.u16('cipher_suite'));
  const legacyCompressionMethods = r.vector8('legacy_compression_methods', 1, 255);
  const extensions = readExtensions(r, 'ClientHello extensions');
  return {
    legacyVersion,
    random,
    legacySessionId,
    cipherSuites,
    legacyCompressionMethods,
    extensions,
  };
}

export function encodeClientHello(m: ClientHello): Uint8Array {
  const w = new Writer().u16(m.legacyVersion).bytes(m.random);
  w.vector8('legacy_session_id', 0, 32, (x) => x.bytes(m.legacySessionId));
  w.vector16('cipher_suites', 2, 0xfffe, (x) => {
    for (const s of m.cipherSuites) x.u16(s);
  });
  w.vector8('legacy_compression_methods', 1, 255, (x) => x.bytes(m.legacyCompressionMethods));
  writeExtensions(w, m.extensions);
  return w.finish().slice();
}

/** RFC 8446 4.1.3 ServerHello (and HelloRetryRequest, which shares its syntax). */
export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionIdEcho: Uint8Array;
  readonly cipherSuite: number;
  readonly legacyCompressionMethod: number;
  readonly extensions: readonly Extension[];
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new Reader(body);
  const legacyVersion = r.u16('legacy_version');
  const random = r.bytes(32, 'random');
  const legacySessionIdEcho = r.vector8('legacy_session_id_echo', 0, 32);
  const cipherSuite = r.u16('cipher_suite');
  const legacyCompressionMethod = r.u8('legacy_compression_method');
  const extensions = readExtensions(r, 'ServerHello extensions');
  return {
    legacyVersion,
    random,
    legacySessionIdEcho,
    cipherSuite,
    legacyCompressionMethod,
    extensions,
  };
}

export function encodeServerHello(m: ServerHello): Uint8Array {
  const w = new Writer().u16(m.legacyVersion).bytes(m.random);
  w.vector8('legacy_session_id_echo', 0, 32, (x) => x.bytes(m.legacySessionIdEcho));
  w.u16(m.cipherSuite).u8(m.legacyCompressionMethod);
  writeExtensions(w, m.extensions);
  return w.finish().slice();
}

/** RFC 8446 4.3.1 EncryptedExtensions. */
export function decodeEncryptedExtensions(body: Uint8Array): Extension[] {
  const r = new Reader(body);
  if (r.remaining < 2) throw new DecodeError('EncryptedExtensions: missing extensions');
  return readExtensions(r, 'EncryptedExtensions');
}

export function encodeExtensionsBody(extensions: readonly Extension[]): Uint8Array {
  const w = new Writer();
  writeExtensions(w, extensions);
  return w.finish().slice();
}

/** RFC 8446 4.3.2 CertificateRequest. */
export interface CertificateRequest {
  readonly context: Uint8Array;
  readonly extensions: readonly Extension[];
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new Reader(body);
  const context = r.vector8('certificate_request_context', 0, 255);
  if (r.remaining < 2) throw new DecodeError('CertificateRequest: missing extensions');
  const extensions = readExtensions(r, 'CertificateRequest extensions');
  return { context, extensions };
}

export function encodeCertificateRequest(m: CertificateRequest): Uint8Array {
  const w = new Writer().vector8('certificate_request_context', 0, 255, (x) => x.bytes(m.context));
  writeExtensions(w, m.extensions);
  return w.finish().slice();
}

/** RFC 8446 4.4.2 Certificate (X.509 entries only). */
export interface CertificateMessage {
  readonly context: Uint8Array;
  readonly entries: readonly {
    readonly data: Uint8Array;
    readonly extensions: readonly Extension[];
  }[];
}

export function decodeCertificate(body: Uint8Array): CertificateMessage {
  const r = new Reader(body);
  const context = r.vector8('certificate_request_context', 0, 255);
  const list = r.sub(r.u24('certificate_list length'), 'certificate_list');
  const entries = list.all('certificate_list', (e) => {
    const data = e.vector24('cert_data', 1, 0xffffff);
    const ext = e.sub(e.u16('CertificateEntry extensions length'), 'CertificateEntry extensions');
    const extensions = ext.all('CertificateEntry extensions', (x) => ({
      type: x.u16('extension type'),
      data: x.vector16('extension data', 0, 0xffff),
    }));
    return { data, extensions };
  });
  r.end('Certificate');
  return { context, entries };
}

export function encodeCertificate(context: Uint8Array, chain: readonly Uint8Array[]): Uint8Array {
  const w = new Writer().vector8('certificate_request_context', 0, 255, (x) => x.bytes(context));
  w.vector24('certificate_list', 0, 0xffffff, (l) => {
    for (const cert of chain) {
      l.vector24('cert_data', 1, 0xffffff, (x) => x.bytes(cert));
      l.u16(0);
    }
  });
  return w.finish().slice();
}

/** RFC 8446 4.4.3 CertificateVerify. */
export interface CertificateVerify {
  readonly scheme: number;
  readonly signature: Uint8Array;
}

export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new Reader(body);
  const scheme = r.u16('algorithm');
  const signature = r.vector16('signature', 0, 0xffff);
  r.end('CertificateVerify');
  return { scheme, signature };
}

export function encodeCertificateVerify(m: CertificateVerify): Uint8Array {
  return new Writer()
    .u16(m.scheme)
    .vector16('signature', 0, 0xffff, (x) => x.bytes(m.signature))
    .finish()
    .slice();
}

/** RFC 8446 4.6.1 NewSessionTicket. */
export interface NewSessionTicket {
  readonly lifetime: number;
  readonly ageAdd: number;
  readonly nonce: Uint8Array;
  readonly ticket: Uint8Array;
  readonly extensions: readonly Extension[];
}

export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new Reader(body);
  const lifetime = r.u32('ticket_lifetime');
  const ageAdd = r.u32('ticket_age_add');
  const nonce = r.vector8('ticket_nonce', 0, 255);
  const ticket = r.vector16('ticket', 1, 0xffff);
  if (r.remaining < 2) throw new DecodeError('NewSessionTicket: missing extensions');
  const extensions = readExtensions(r, 'NewSessionTicket extensions');
  return { lifetime, ageAdd, nonce, ticket, extensions };
}

export function encodeNewSessionTicket(m: NewSessionTicket): Uint8Array {
  const w = new Writer().u32(m.lifetime).u32(m.ageAdd);
  w.vector8('ticket_nonce', 0, 255, (x) => x.bytes(m.nonce));
  w.vector16('ticket', 1, 0xffff, (x) => x.bytes(m.ticket));
  writeExtensions(w, m.extensions);
  return w.finish().slice();
}

/** RFC 8446 4.6.3 KeyUpdate: returns true when the peer asks us to update too. */
export function decodeKeyUpdate(body: Uint8Array): boolean {
  const r = new Reader(body);
  const request = r.u8('request_update');
  r.end('KeyUpdate');
  if (request > 1)
    throw new IllegalParameterError(`KeyUpdate: request_update ${request} is not 0 or 1`);
  return request === 1;
}

// ---- extension bodies -------------------------------------------------------------------

/** RFC 6066 3 server_name (ClientHello): the host_name, or undefined for an empty body. */
export function decodeServerName(data: Uint8Array): string | undefined {
  if (data.length === 0) return undefined;
  const r = new Reader(data);
  const list = r.sub(r.u16('server_name_list length'), 'server_name_list');
  r.end('server_name');
  let name: string | undefined;
  list.all('server_name_list', (e) => {
    const type = e.u8('name_type');
    const value = e.vector16('HostName', 1, 0xffff);
    // RFC 6066 3: at most one name of each type.
    if (type === 0) {
      if (name !== undefined) throw new IllegalParameterError('server_name: two host_name entries');
      name = decodeAscii(value, 'server_name HostName');
    }
    return type;
  });
  return name;
}

export function encodeServerName(name: string): Uint8Array {
  const host = new TextEncoder().encode(name);
  return new Writer()
    .vector16('server_name_list', 1, 0xffff, (l) => {
      l.u8(0).vector16('HostName', 1, 0xffff, (x) => x.bytes(host));
    })
    .finish()
    .slice();
}

function decodeAscii(bytes: Uint8Array, field: string): string {
  let out = '';
  for (const b of bytes) {
    if (b < 0x21 || b > 0x7e)
      throw new IllegalParameterError(`${field}: byte ${b} is not printable ASCII`);
    out += String.fromCharCode(b);
  }
  return out;
}

/** A list of uint16 code points in a vector16 (supported_groups, signature_algorithms). */
export function decodeU16List(data: Uint8Array, field: string): number[] {
  const r = new Reader(data);
  const list = r.sub(r.u16(`${field} length`), field);
  r.end(field);
  if (list.remaining === 0 || list.remaining % 2 !== 0) {
    throw new DecodeError(`${field}: length must be a non-zero multiple of 2`);
  }
  return list.all(field, (x) => x.u16(field));
}

export function encodeU16List(values: readonly number[]): Uint8Array {
  return new Writer()
    .vector16('list', 2, 0xfffe, (w) => {
      for (const v of values) w.u16(v);
    })
    .finish()
    .slice();
}

/** RFC 8446 4.2.1 supported_versions in ClientHello: a vector8 of uint16. */
export function decodeClientVersions(data: Uint8Array): number[] {
  const r = new Reader(data);
  const list = r.sub(r.u8('versions length'), 'versions');
  r.end('supported_versions');
  if (list.remaining < 2 || list.remaining % 2 !== 0) {
    throw new DecodeError('supported_versions: length must be a non-zero multiple of 2');
  }
  return list.all('versions', (x) => x.u16('version'));
}

export function encodeClientVersions(versions: readonly number[]): Uint8Array {
  return new Writer()
    .vector8('versions', 2, 254, (w) => {
      for (const v of versions) w.u16(v);
    })
    .finish()
    .slice();
}

/** A single uint16 body (supported_versions in ServerHello, selected_group in HRR, selected_identity). */
export function decodeU16(data: Uint8Array, field: string): number {
  const r = new Reader(data);
  const v = r.u16(field);
  r.end(field);
  return v;
}

export function encodeU16(value: number): Uint8Array {
  return new Writer().u16(value).finish().slice();
}

/** RFC 8446 4.2.8 KeyShareEntry. */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

function readKeyShareEntry(r: Reader): KeyShareEntry {
  return { group: r.u16('group'), keyExchange: r.vector16('key_exchange', 1, 0xffff) };
}

export function decodeClientKeyShares(data: Uint8Array): KeyShareEntry[] {
  const r = new Reader(data);
  const list = r.sub(r.u16('client_shares length'), 'client_shares');
  r.end('key_share');
  const entries = list.all('client_shares', readKeyShareEntry);
  // RFC 8446 4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group."
  const groups = new Set(entries.map((e) => e.group));
  if (groups.size !== entries.length) {
    throw new IllegalParameterError('key_share: two shares for the same group');
  }
  return entries;
}

export function encodeClientKeyShares(entries: readonly KeyShareEntry[]): Uint8Array {
  return new Writer()
    .vector16('client_shares', 0, 0xffff, (w) => {
      for (const e of entries) writeKeyShareEntry(w, e);
    })
    .finish()
    .slice();
}

function writeKeyShareEntry(w: Writer, e: KeyShareEntry): void {
  w.u16(e.group).vector16('key_exchange', 1, 0xffff, (x) => x.bytes(e.keyExchange));
}

export function decodeServerKeyShare(data: Uint8Array): KeyShareEntry {
  const r = new Reader(data);
  const entry = readKeyShareEntry(r);
  r.end('key_share');
  return entry;
}

export function encodeServerKeyShare(entry: KeyShareEntry): Uint8Array {
  const w = new Writer();
  writeKeyShareEntry(w, entry);
  return w.finish().slice();
}

/** RFC 7301 ALPN protocol_name_list. */
export function decodeAlpn(data: Uint8Array): string[] {
  const r = new Reader(data);
  const list = r.sub(r.u16('protocol_name_list length'), 'protocol_name_list');
  r.end('application_layer_protocol_negotiation');
  const names = list.all('protocol_name_list', (x) =>
    new TextDecoder().decode(x.vector8('ProtocolName', 1, 255)),
  );
  if (names.length === 0) throw new DecodeError('protocol_name_list: empty');
  return names;
}

export function encodeAlpn(names: readonly string[]): Uint8Array {
  return new Writer()
    .vector16('protocol_name_list', 2, 0xffff, (w) => {
      for (const n of names) {
        w.vector8('ProtocolName', 1, 255, (x) => x.bytes(new TextEncoder().encode(n)));
      }
    })
    .finish()
    .slice();
}

/** RFC 8446 4.2.9 psk_key_exchange_modes. */
export function decodePskModes(data: Uint8Array): number[] {
  const r = new Reader(data);
  const modes = r.vector8('ke_modes', 1, 255);
  r.end('psk_key_exchange_modes');
  return [...modes];
}

/** RFC 8446 4.2.2 cookie. */
export function decodeCookie(data: Uint8Array): Uint8Array {
  const r = new Reader(data);
  const cookie = r.vector16('cookie', 1, 0xffff);
  r.end('cookie');
  return cookie;
}

export function encodeCookie(cookie: Uint8Array): Uint8Array {
  return new Writer()
    .vector16('cookie', 1, 0xffff, (x) => x.bytes(cookie))
    .finish()
    .slice();
}

/** RFC 8446 4.2.11 OfferedPsks. */
export interface OfferedPsks {
  readonly identities: readonly { readonly identity: Uint8Array; readonly obfuscatedAge: number }[];
  readonly binders: readonly Uint8Array[];
  /** Length of the binders list including its 2-byte length prefix (to truncate the ClientHello). */
  readonly bindersLength: number;
}

export function decodeOfferedPsks(data: Uint8Array): OfferedPsks {
  const r = new Reader(data);
  const ids = r.sub(r.u16('identities length'), 'identities');
  const identities = ids.all('identities', (x) => ({
    identity: x.vector16('identity', 1, 0xffff),
    obfuscatedAge: x.u32('obfuscated_ticket_age'),
  }));
  const bindersStart = r.offset;
  const list = r.sub(r.u16('binders length'), 'binders');
  const binders = list.all('binders', (x) => x.vector8('PskBinderEntry', 32, 255));
  r.end('pre_shared_key');
  if (identities.length === 0 || identities.length !== binders.length) {
    throw new IllegalParameterError('pre_shared_key: identities and binders must pair up');
  }
  return { identities, binders, bindersLength: data.length - bindersStart };
}

export function encodeOfferedPsks(
  identities: OfferedPsks['identities'],
  binders: readonly Uint8Array[],
): Uint8Array {
  const w = new Writer();
  w.vector16('identities', 7, 0xffff, (l) => {
    for (const id of identities) {
      l.vector16('identity', 1, 0xffff, (x) => x.bytes(id.identity)).u32(id.obfuscatedAge);
    }
  });
  w.vector16('binders', 33, 0xffff, (l) => {
    for (const b of binders) l.vector8('PskBinderEntry', 32, 255, (x) => x.bytes(b));
  });
  return w.finish().slice();
}

/** RFC 8449 record_size_limit. */
export function decodeRecordSizeLimit(data: Uint8Array): number {
  const limit = decodeU16(data, 'record_size_limit');
  if (limit < 64) throw new IllegalParameterError(`record_size_limit ${limit} is below 64`);
  return limit;
}

export { ExtensionType, HandshakeType };
