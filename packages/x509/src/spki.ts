import {
  bitString,
  children,
  decodeDer,
  integer,
  is,
  type Node,
  oid,
  raw,
  sequence,
  smallInteger,
  tag,
  tagClass,
} from './der.js';
import { CertificateError, malformed } from './errors.js';
import { oids } from './oids.js';

/** An AlgorithmIdentifier (RFC 5280 section 4.1.1.2). */
export interface AlgorithmIdentifier {
  readonly oid: string;
  /** The parameters, when present. */
  readonly parameters?: Node;
  /** The DER of the whole AlgorithmIdentifier. */
  readonly der: Uint8Array;
}

/** What a SubjectPublicKeyInfo holds, as far as path validation needs to know. */
export interface PublicKeyInfo {
  /** `unknown` for algorithms this package does not recognise (DSA keys are `dsa`). */
  readonly algorithm: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';
  /** Named curve for EC keys: `P-256`, `P-384`, `P-521`, or the OID / `explicit` for others. */
  readonly curve?: string;
  /** RSA modulus length in bits. */
  readonly bits?: number;
  /** The DER SubjectPublicKeyInfo. */
  readonly der: Uint8Array;
}

/** Parses an AlgorithmIdentifier. */
export function parseAlgorithmIdentifier(
  node: Node | undefined,
  what: string,
): AlgorithmIdentifier {
  const [algorithm, parameters, ...rest] = sequence(node, what);
  if (rest.length > 0) throw malformed(`${what}: unexpected fields`);
  const id = oid(algorithm, what);
  const der = raw(node!);
  return parameters === undefined ? { oid: id, der } : { oid: id, parameters, der };
}

const curves: Record<string, string> = {
  [oids.secp256r1]: 'P-256',
  [oids.secp384r1]: 'P-384',
  [oids.secp521r1]: 'P-521',
};

function bitLength(modulus: Uint8Array): number {
  let i = 0;
  while (i < modulus.length && modulus[i] === 0) i++;
  if (i === modulus.length) return 0;
  return (modulus.length - i - 1) * 8 + (32 - Math.clz32(modulus[i]!));
}

/** Parses a SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7) far enough to know the key type and size. */
export function parsePublicKeyInfo(node: Node | undefined): PublicKeyInfo {
  const [algorithmNode, keyNode, ...rest] = sequence(node, 'subjectPublicKeyInfo');
  if (rest.length > 0) throw malformed('subjectPublicKeyInfo: unexpected fields');
  const algorithm = parseAlgorithmIdentifier(algorithmNode, 'subjectPublicKeyInfo algorithm');
  const { bytes, unusedBits } = bitString(keyNode, 'subjectPublicKey');
  if (unusedBits !== 0) throw malformed('subjectPublicKey: unused bits');
  const der = raw(node!);
  switch (algorithm.oid) {
    case oids.rsaEncryption:
    case oids.rsassaPss: {
      const [modulus, exponent, ...more] = sequence(
        decodeDer(bytes, 'RSAPublicKey'),
        'RSAPublicKey',
      );
      integer(exponent, 'RSAPublicKey publicExponent');
      if (more.length > 0) throw malformed('RSAPublicKey: unexpected fields');
      const n = integer(modulus, 'RSAPublicKey modulus');
      if ((n[0]! & 0x80) !== 0) throw malformed('RSAPublicKey: negative modulus');
      const type = algorithm.oid === oids.rsaEncryption ? 'rsa' : 'rsa-pss';
      return { algorithm: type, bits: bitLength(n), der };
    }
    case oids.ecPublicKey: {
      // RFC 5480 2.1.1: ECParameters is a CHOICE; only namedCurve is allowed in PKIX.
      const parameters = algorithm.parameters;
      const curve = is(parameters, tag.oid) ? oid(parameters, 'namedCurve') : 'explicit';
      return { algorithm: 'ec', curve: curves[curve] ?? curve, der };
    }
    case oids.ed25519:
      return { algorithm: 'ed25519', der };
    case oids.ed448:
      return { algorithm: 'ed448', der };
    case oids.dsa:
      return { algorithm: 'dsa', der };
    default:
      return { algorithm: 'unknown', der };
  }
}

const hashes: Record<string, { scheme: number; length: number }> = {
  [oids.sha256]: { scheme: 0x04, length: 32 },
  [oids.sha384]: { scheme: 0x05, length: 48 },
  [oids.sha512]: { scheme: 0x06, length: 64 },
};

function unsupported(message: string): CertificateError {
  return new CertificateError('ERR_CERT_UNSUPPORTED_ALGORITHM', message);
}

/** The hash of RSASSA-PSS-params (RFC 4055 section 3.1), when it is one TLS also uses. */
function pssHash(parameters: Node | undefined): { scheme: number; length: number } {
  const fields = sequence(parameters, 'RSASSA-PSS-params');
  let hash: string | undefined;
  let mgfHash: string | undefined;
  let salt = 20;
  for (const field of fields) {
    if (field.cls !== tagClass.context) throw malformed('RSASSA-PSS-params: bad field');
    const [inner] = children(field, 'RSASSA-PSS-params');
    switch (field.tag) {
      case 0:
        hash = parseAlgorithmIdentifier(inner, 'PSS hashAlgorithm').oid;
        break;
      case 1: {
        const mgf = parseAlgorithmIdentifier(inner, 'PSS maskGenAlgorithm');
        if (mgf.oid !== oids.mgf1) throw unsupported('RSASSA-PSS: mask generation is not MGF1');
        mgfHash = parseAlgorithmIdentifier(mgf.parameters, 'MGF1 hash').oid;
        break;
      }
      case 2:
        salt = smallInteger(inner, 'PSS saltLength');
        break;
      case 3:
        if (smallInteger(inner, 'PSS trailerField') !== 1)
          throw unsupported('RSASSA-PSS: trailerField is not 1');
        break;
      default:
        throw malformed('RSASSA-PSS-params: unknown field');
    }
  }
  const found = hash === undefined ? undefined : hashes[hash];
  // TLS SignatureSchemes fix MGF1 with the same hash and a salt as long as the hash (RFC 8446 4.2.3).
  if (found === undefined || mgfHash !== hash || salt !== found.length) {
    throw unsupported(
      'RSASSA-PSS: only SHA-256/384/512 with MGF1 of the same hash and salt = hash length',
    );
  }
  return found;
}

function requireNoParameters(algorithm: AlgorithmIdentifier, what: string): void {
  // RFC 5758 3.2, RFC 8410 3: ECDSA and EdDSA AlgorithmIdentifiers have absent parameters.
  if (algorithm.parameters !== undefined) throw malformed(`${what}: parameters must be absent`);
}

function requireNullParameters(algorithm: AlgorithmIdentifier, what: string): void {
  // RFC 4055 5: PKCS#1 v1.5 AlgorithmIdentifiers carry NULL (absent is tolerated by RFC 4055 too).
  if (algorithm.parameters !== undefined && !is(algorithm.parameters, tag.null)) {
    throw malformed(`${what}: parameters must be NULL`);
  }
}

const rsaPkcs1: Record<string, number> = {
  [oids.sha256WithRsa]: 0x0401,
  [oids.sha384WithRsa]: 0x0501,
  [oids.sha512WithRsa]: 0x0601,
};
const ecdsa: Record<string, number> = {
  [oids.ecdsaWithSha256]: 0x0403,
  [oids.ecdsaWithSha384]: 0x0503,
  [oids.ecdsaWithSha512]: 0x0603,
};

/**
 * Maps a certificate's signature AlgorithmIdentifier and the issuer's key to the TLS
 * SignatureScheme code point the provider verifies with. SHA-1, MD5, DSA and anything else
 * not in TLS 1.3's list are refused with ERR_CERT_UNSUPPORTED_ALGORITHM.
 */
export function signatureScheme(algorithm: AlgorithmIdentifier, issuerKey: PublicKeyInfo): number {
  const what = 'signatureAlgorithm';
  const pkcs1 = rsaPkcs1[algorithm.oid];
  if (pkcs1 !== undefined) {
    requireNullParameters(algorithm, what);
    if (issuerKey.algorithm !== 'rsa')
      throw unsupported('RSA signature by a key that is not rsaEncryption');
    return pkcs1;
  }
  const ec = ecdsa[algorithm.oid];
  if (ec !== undefined) {
    requireNoParameters(algorithm, what);
    if (issuerKey.algorithm !== 'ec')
      throw unsupported('ECDSA signature by a key that is not an EC key');
    return ec;
  }
  if (algorithm.oid === oids.ed25519 || algorithm.oid === oids.ed448) {
    requireNoParameters(algorithm, what);
    const type = algorithm.oid === oids.ed25519 ? 'ed25519' : 'ed448';
    if (issuerKey.algorithm !== type)
      throw unsupported(`${type} signature by a different key type`);
    return type === 'ed25519' ? 0x0807 : 0x0808;
  }
  if (algorithm.oid === oids.rsassaPss) {
    const hash = pssHash(algorithm.parameters);
    // rsa_pss_rsae_* for rsaEncryption keys, rsa_pss_pss_* for id-RSASSA-PSS keys (RFC 8446 4.2.3).
    if (issuerKey.algorithm === 'rsa') return 0x0800 | hash.scheme;
    if (issuerKey.algorithm === 'rsa-pss') return 0x0805 + hash.scheme;
    throw unsupported('RSASSA-PSS signature by a key that is not RSA');
  }
  throw unsupported(`signature algorithm ${algorithm.oid} is not supported`);
}
