/**
 * Code points as display nodes. Names come from the @tlskit/wire registries; real clients also
 * send values tlskit does not implement (CBC and DHE suites, ECH, ALPS), so a few more IANA
 * names are listed here purely for display, and RFC 8701 GREASE values print as `GREASE`.
 */
import {
  AlertDescription,
  AlertLevel,
  CipherSuite,
  ContentType,
  EcPointFormat,
  ExtensionType,
  HandshakeType,
  isGrease,
  isKnown,
  NamedGroup,
  nameOf,
  ProtocolVersion,
  PskKeyExchangeMode,
  SignatureScheme,
} from '@tlskit/wire';
import { Code } from './tree.js';

type Table = Readonly<Record<string, number>>;

/** IANA names for ExtensionType values that @tlskit/wire does not list. */
const moreExtensionTypes: Table = {
  truncated_hmac: 4,
  user_mapping: 6,
  client_authz: 7,
  server_authz: 8,
  cert_type: 9,
  srp: 12,
  token_binding: 24,
  cached_info: 25,
  tls_lts: 26,
  pwd_protect: 29,
  pwd_clear: 30,
  password_salt: 31,
  ticket_pinning: 32,
  tls_cert_with_extern_psk: 33,
  delegated_credential: 34,
  supported_ekt_ciphers: 39,
  transparency_info: 52,
  connection_id: 54,
  external_id_hash: 55,
  external_session_id: 56,
  quic_transport_parameters: 57,
  ticket_request: 58,
  dnssec_chain: 59,
  sequence_number_encryption_algorithms: 60,
  rrc: 61,
  tls_flags: 62,
  // draft-vvv-tls-alps: Chromium's ALPS (old and new code points).
  application_settings_old: 0x4469,
  application_settings: 0x44cd,
  // draft-ietf-tls-esni.
  ech_outer_extensions: 0xfd00,
  encrypted_client_hello: 0xfe0d,
};

/** IANA names for cipher suites real clients offer that tlskit does not implement. */
const moreCipherSuites: Table = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 0x002f,
  TLS_DHE_RSA_WITH_AES_128_CBC_SHA: 0x0033,
  TLS_RSA_WITH_AES_256_CBC_SHA: 0x0035,
  TLS_DHE_RSA_WITH_AES_256_CBC_SHA: 0x0039,
  TLS_RSA_WITH_AES_128_CBC_SHA256: 0x003c,
  TLS_RSA_WITH_AES_256_CBC_SHA256: 0x003d,
  TLS_DHE_RSA_WITH_AES_128_CBC_SHA256: 0x0067,
  TLS_DHE_RSA_WITH_AES_256_CBC_SHA256: 0x006b,
  TLS_RSA_WITH_AES_128_GCM_SHA256: 0x009c,
  TLS_RSA_WITH_AES_256_GCM_SHA384: 0x009d,
  TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: 0x009e,
  TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: 0x009f,
  TLS_RSA_WITH_AES_128_CCM: 0xc09c,
  TLS_RSA_WITH_AES_256_CCM: 0xc09d,
  TLS_DHE_RSA_WITH_AES_128_CCM: 0xc09e,
  TLS_DHE_RSA_WITH_AES_256_CCM: 0xc09f,
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 0xc009,
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 0xc00a,
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 0xc013,
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 0xc014,
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 0xc023,
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384: 0xc024,
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 0xc027,
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: 0xc028,
  TLS_ECDHE_ECDSA_WITH_AES_128_CCM: 0xc0ac,
  TLS_ECDHE_ECDSA_WITH_AES_256_CCM: 0xc0ad,
  TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xccaa,
  TLS_DHE_DSS_WITH_AES_128_CBC_SHA: 0x0032,
  TLS_DHE_DSS_WITH_AES_256_CBC_SHA: 0x0038,
  TLS_DHE_DSS_WITH_AES_128_CBC_SHA256: 0x0040,
  TLS_DHE_DSS_WITH_AES_256_CBC_SHA256: 0x006a,
  TLS_DHE_DSS_WITH_AES_128_GCM_SHA256: 0x00a2,
  TLS_DHE_DSS_WITH_AES_256_GCM_SHA384: 0x00a3,
  TLS_RSA_WITH_AES_128_CCM_8: 0xc0a0,
  TLS_RSA_WITH_AES_256_CCM_8: 0xc0a1,
  TLS_DHE_RSA_WITH_AES_128_CCM_8: 0xc0a2,
  TLS_DHE_RSA_WITH_AES_256_CCM_8: 0xc0a3,
  TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8: 0xc0ae,
  TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8: 0xc0af,
  TLS_RSA_WITH_ARIA_128_GCM_SHA256: 0xc050,
  TLS_RSA_WITH_ARIA_256_GCM_SHA384: 0xc051,
  TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256: 0xc052,
  TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384: 0xc053,
  TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256: 0xc056,
  TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384: 0xc057,
  TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256: 0xc05c,
  TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384: 0xc05d,
  TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256: 0xc060,
  TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384: 0xc061,
};

/** Signature schemes seen from real peers that @tlskit/wire does not list. */
const moreSignatureSchemes: Table = {
  // RFC 5246 section 7.4.1.4.1 pairs (hash, signature) that predate RFC 8446 names.
  rsa_pkcs1_sha224: 0x0301,
  dsa_sha224: 0x0302,
  ecdsa_sha224: 0x0303,
  dsa_sha1: 0x0202,
  dsa_sha256: 0x0402,
  dsa_sha384: 0x0502,
  dsa_sha512: 0x0602,
  // RFC 8734.
  ecdsa_brainpoolP256r1tls13_sha256: 0x081a,
  ecdsa_brainpoolP384r1tls13_sha384: 0x081b,
  ecdsa_brainpoolP512r1tls13_sha512: 0x081c,
  // draft-ietf-tls-mldsa: ML-DSA (FIPS 204), offered by recent Chromium.
  mldsa44: 0x0904,
  mldsa65: 0x0905,
  mldsa87: 0x0906,
};

/** The registries a code point can come from. */
export const registries = {
  ContentType: { table: ContentType, width: 1 },
  HandshakeType: { table: HandshakeType, width: 1 },
  ExtensionType: { table: ExtensionType, width: 2, more: moreExtensionTypes },
  CipherSuite: { table: CipherSuite, width: 2, more: moreCipherSuites },
  NamedGroup: { table: NamedGroup, width: 2 },
  SignatureScheme: { table: SignatureScheme, width: 2, more: moreSignatureSchemes },
  ProtocolVersion: { table: ProtocolVersion, width: 2 },
  AlertLevel: { table: AlertLevel, width: 1 },
  AlertDescription: { table: AlertDescription, width: 1 },
  PskKeyExchangeMode: { table: PskKeyExchangeMode, width: 1 },
  EcPointFormat: { table: EcPointFormat, width: 1 },
} as const satisfies Record<string, { table: Table; width: 1 | 2; more?: Table }>;

/** The name of a registry in {@link registries}. */
export type RegistryName = keyof typeof registries;

/** `value` from `registry` as a display node, named when the registry or GREASE knows it. */
export function code(registry: RegistryName, value: number): Code {
  const entry: { table: Table; width: 1 | 2; more?: Table } = registries[registry];
  return new Code(value, nameIn(entry, value), entry.width);
}

function nameIn(
  entry: { table: Table; width: 1 | 2; more?: Table },
  value: number,
): string | undefined {
  if (isKnown(entry.table, value)) return nameOf(entry.table, value);
  // The extra tables are keyed by the IANA spelling itself (no camelCase to convert).
  for (const [name, listed] of Object.entries(entry.more ?? {})) if (listed === value) return name;
  // RFC 8701 reserves GREASE values in the uint16 registries only.
  if (entry.width === 2 && isGrease(value)) return 'GREASE';
  return undefined;
}

/** A list of code points from one registry. */
export function codes(registry: RegistryName, values: readonly number[]): Code[] {
  return values.map((value) => code(registry, value));
}
