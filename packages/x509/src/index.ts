/**
 * @tlskit/x509: X.509 certificate parsing, path building, RFC 5280 validation, host name and
 * IP verification, trust stores.
 *
 * @packageDocumentation
 */
export {
  type AuthorityKeyIdentifier,
  type BasicConstraints,
  type Certificate,
  type Extension,
  type KeyUsage,
  keyUsageBit,
  type NameConstraints,
  parseCertificate,
} from './certificate.js';
export { type Crl, parseCrl } from './crl.js';
export { CertificateError, type CertificateErrorCode, certificateErrorAlerts } from './errors.js';
export { formatIp, type GeneralName, parseIp } from './general-name.js';
export {
  describeNames,
  type HostnameOptions,
  matchesEmail,
  matchesHostname,
  matchesIp,
  verifyHostname,
} from './hostname.js';
export { type Attribute, formatName, type Name } from './name.js';
export {
  type CheckOcspOptions,
  checkOcspResponse,
  type OcspCertId,
  type OcspCertStatus,
  OcspError,
  type OcspErrorCode,
  type OcspResponse,
  type OcspResult,
  type OcspSingleResponse,
  type OcspVerifier,
  ocspErrorCodes,
  ocspResponseStatus,
  parseOcspResponse,
} from './ocsp.js';
export { oids } from './oids.js';
export { type PemBlock, parsePem, parsePemBlocks } from './pem.js';
export type { Profile } from './profile.js';
export { type AlgorithmIdentifier, type PublicKeyInfo, signatureScheme } from './spki.js';
export { TrustStore } from './trust-store.js';
export {
  type SignatureVerifier,
  type VerifiedChain,
  type VerifyChainOptions,
  type VerifyLimits,
  verifyChain,
} from './verify.js';
