/**
 * Named presets of versions, cipher suites, groups and signature schemes for deployments that
 * must follow a published profile, as BoringSSL's `SSL_set_compliance_policy`. Each preset is
 * plain options: spread it into client or server options (last, so nothing later widens it).
 */
import { CipherSuite as S, NamedGroup as G, SignatureScheme as Sig } from '@tlskit/wire';
import { type CommonOptions, OptionsError } from './options.js';
import { defaultSuites12 } from './suites.js';

/** The presets {@link compliancePolicy} knows, by BoringSSL's names and dates. */
export type CompliancePolicyName = 'fips-202205' | 'wpa3-192-202304' | 'cnsa-202407';

/** The options a compliance preset sets. */
export type CompliancePolicy = Readonly<
  Pick<
    CommonOptions,
    'minVersion' | 'maxVersion' | 'cipherSuites' | 'groups' | 'signatureSchemes' | 'signingSchemes'
  >
>;

/**
 * NIST SP 800-52r2 schemes: RSA (PKCS#1 v1.5 and PSS) with SHA-2, ECDSA on P-256 and P-384
 * (table 4.1: "the curve should be P-256 or P-384"). Both to sign and to accept.
 */
const fipsSchemes: readonly number[] = Object.freeze([
  Sig.rsa_pkcs1_sha256,
  Sig.rsa_pkcs1_sha384,
  Sig.rsa_pkcs1_sha512,
  Sig.ecdsa_secp256r1_sha256,
  Sig.ecdsa_secp384r1_sha384,
  Sig.rsa_pss_rsae_sha256,
  Sig.rsa_pss_rsae_sha384,
  Sig.rsa_pss_rsae_sha512,
]);

/** WPA3 192-bit mode (WPA 3.1 section 3.5): SHA-384 or stronger, P-384. */
const wpaSchemes: readonly number[] = Object.freeze([
  Sig.rsa_pkcs1_sha384,
  Sig.rsa_pkcs1_sha512,
  Sig.ecdsa_secp384r1_sha384,
  Sig.rsa_pss_rsae_sha384,
  Sig.rsa_pss_rsae_sha512,
]);

/** Frozen all the way down: the presets are shared, and a caller must not change them for all. */
function preset(options: CompliancePolicy): CompliancePolicy {
  for (const value of Object.values(options)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(options);
}

const policies: Readonly<Record<CompliancePolicyName, CompliancePolicy>> = {
  // SP 800-52r2: TLS 1.2 and 1.3 (3.1), suites made of approved algorithms only (3.3.1: AES-GCM
  // with ECDHE, no ChaCha20-Poly1305, and no CBC), the groups P-256 and P-384 (3.4.2.2).
  'fips-202205': preset({
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    cipherSuites: [
      S.TLS_AES_128_GCM_SHA256,
      S.TLS_AES_256_GCM_SHA384,
      S.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      S.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      S.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      S.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ],
    groups: [G.secp256r1, G.secp384r1],
    signatureSchemes: fipsSchemes,
    signingSchemes: fipsSchemes,
  }),
  // WPA3-Enterprise 192-bit: AES-256-GCM with SHA-384 and P-384 only.
  'wpa3-192-202304': preset({
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    cipherSuites: [
      S.TLS_AES_256_GCM_SHA384,
      S.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      S.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ],
    groups: [G.secp384r1],
    signatureSchemes: wpaSchemes,
    signingSchemes: wpaSchemes,
  }),
  // Only an order: TLS 1.3 prefers AES-256-GCM, then AES-128-GCM, then ChaCha20-Poly1305, so
  // AES-GCM is used whenever the peer has it. TLS 1.2 keeps tlskit's default suites.
  'cnsa-202407': preset({
    cipherSuites: [
      S.TLS_AES_256_GCM_SHA384,
      S.TLS_AES_128_GCM_SHA256,
      S.TLS_CHACHA20_POLY1305_SHA256,
      ...defaultSuites12,
    ],
  }),
};

/**
 * The options of a named compliance profile (a frozen object, shared), as BoringSSL defines them for
 * `SSL_set_compliance_policy` (same names and dates):
 *
 * - `'fips-202205'`: NIST SP 800-52r2. TLS 1.2 and 1.3; AES-GCM suites only (ECDHE in TLS 1.2);
 *   groups P-256 and P-384; RSA and P-256/P-384 ECDSA signatures with SHA-2, to sign and to
 *   accept.
 * - `'wpa3-192-202304'`: WPA3-Enterprise 192-bit mode. TLS 1.2 and 1.3; AES-256-GCM suites only;
 *   group P-384; signatures with SHA-384 or SHA-512 (ECDSA on P-384 only).
 * - `'cnsa-202407'`: a TLS 1.3 preference only: AES-256-GCM, then AES-128-GCM, then
 *   ChaCha20-Poly1305 (the server picks by its own order, so AES-GCM wins whenever the client
 *   offers it); everything else stays at tlskit's defaults.
 *
 * A peer outside the profile fails the handshake as for any mismatch (`ERR_NO_SHARED_CIPHER`,
 * `ERR_NO_SHARED_GROUP`, `ERR_NO_SHARED_SIGNATURE_SCHEME`, or illegal_parameter for a server
 * choice the client did not offer). The profiles restrict what the handshake negotiates only:
 * they do not make the crypto provider a validated module, nor constrain the certificates
 * (key sizes, the signatures in the chain), which is the verifier's job.
 *
 * @example
 * createServer({ provider, certificates, ...compliancePolicy('fips-202205') });
 * @throws OptionsError for a name it does not know.
 */
export function compliancePolicy(name: CompliancePolicyName): CompliancePolicy {
  const policy = Object.hasOwn(policies, name) ? policies[name] : undefined;
  if (policy === undefined) {
    throw new OptionsError(
      `unknown compliance policy ${String(name)}; known: ${Object.keys(policies).join(', ')}`,
    );
  }
  return policy;
}
