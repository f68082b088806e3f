/**
 * Key import: SubjectPublicKeyInfo (RFC 5280 4.1.2.7), PKCS#8 (RFC 5208 / RFC 5958), SEC1
 * ECPrivateKey (RFC 5915) and PKCS#1 RSAPrivateKey (RFC 8017 A.1.2), parsed strictly with the
 * tiny reader in der.ts to learn the key type, curve and size.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { BytesCache, DecodeError } from '@tlskit/wire';
import { bitStringTlv, DerReader, oidTlv, Tag, tlv, unsignedIntegerTlv } from './der.js';
import { decryptPkcs8, type PrivateKeyOptions } from './encrypted-key.js';
import { UnsupportedKeyError } from './key-errors.js';
import { p224 } from './p224.js';
import type { KeyType, PublicKey } from './provider.js';
import type { CurveName } from './signatureSchemes.js';

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;

const CURVE_OIDS: Readonly<Record<string, CurveName>> = {
  '1.3.132.0.33': 'P-224', // secp224r1 (RFC 5480 2.1.1.1)
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

type NistCurve = typeof p256;

/** The noble curve of a NIST curve name. */
export const NIST_CURVES: Readonly<Record<CurveName, NistCurve>> = {
  'P-224': p224 as NistCurve,
  'P-256': p256,
  'P-384': p384 as NistCurve,
  'P-521': p521 as NistCurve,
};

/** A public key decoded from its SPKI, as the verifiers need it. */
export type DecodedPublicKey =
  | { readonly type: 'ec'; readonly curve: CurveName; readonly point: Uint8Array }
  | { readonly type: 'ed25519'; readonly key: Uint8Array }
  | {
      readonly type: 'rsa' | 'rsa-pss';
      readonly bits: number;
      /** The key re-wrapped as an rsaEncryption SPKI, the form every WebCrypto accepts. */
      readonly rsaSpki: Uint8Array;
    };

/** A private key as the signers need it. */
export type DecodedPrivateKey =
  | { readonly type: 'ec'; readonly curve: CurveName; readonly d: Uint8Array }
  | { readonly type: 'ed25519'; readonly seed: Uint8Array }
  | { readonly type: 'rsa' | 'rsa-pss'; readonly bits: number; readonly rsaPkcs8: Uint8Array };

function algorithmIdentifier(r: DerReader): { oid: string; params: DerReader } {
  const seq = r.sequence();
  return { oid: seq.oid(), params: seq };
}

function namedCurve(params: DerReader): CurveName {
  // RFC 5480 2.1.1: only namedCurve; implicitCurve and specifiedCurve MUST NOT be used.
  const oid = params.oid();
  params.end('ECParameters');
  const curve = CURVE_OIDS[oid];
  if (curve === undefined) throw new UnsupportedKeyError(`unsupported EC curve ${oid}`);
  return curve;
}

function bitLength(magnitude: Uint8Array): number {
  const top = magnitude[0] ?? 0;
  return top === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(top));
}

const MAX_RSA_BITS = 16384;

/** Reads RSAPublicKey (RFC 8017 A.1.1) and checks it is plausible. */
function rsaPublicKey(der: Uint8Array): { modulus: Uint8Array; exponent: Uint8Array } {
  const outer = new DerReader(der);
  const seq = outer.sequence();
  outer.end('RSAPublicKey');
  const modulus = seq.unsignedInteger();
  const exponent = seq.unsignedInteger();
  seq.end('RSAPublicKey');
  if (bitLength(modulus) < 512 || ((modulus[modulus.length - 1] ?? 0) & 1) === 0) {
    throw new DecodeError('RSA modulus is too small or even');
  }
  // A peer's huge modulus makes every verification slow (a cheap DoS); 16384 bits is the
  // largest size deployed anywhere.
  if (bitLength(modulus) > MAX_RSA_BITS) {
    throw new UnsupportedKeyError(`RSA keys over ${MAX_RSA_BITS} bits are not supported`);
  }
  if (((exponent[exponent.length - 1] ?? 0) & 1) === 0 || bitLength(exponent) < 2) {
    throw new DecodeError('RSA public exponent must be odd and at least 3');
  }
  return { modulus, exponent };
}

const RSA_ALGORITHM_ID = tlv(Tag.sequence, oidTlv(OID.rsaEncryption), tlv(Tag.null));

function rsaSpkiOf(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  const body = tlv(Tag.sequence, unsignedIntegerTlv(modulus), unsignedIntegerTlv(exponent));
  return tlv(Tag.sequence, RSA_ALGORITHM_ID, bitStringTlv(body));
}

/** RSA algorithm parameters: NULL for rsaEncryption (RFC 3279 2.3.1); absent or RSASSA-PSS-params for PSS (RFC 4055 3.1). */
function rsaKeyType(oid: string, params: DerReader): 'rsa' | 'rsa-pss' {
  if (oid === OID.rsaEncryption) {
    const n = params.read(Tag.null);
    if (n.contents.length !== 0) throw new DecodeError('rsaEncryption parameters must be NULL');
    params.end('rsaEncryption parameters');
    return 'rsa';
  }
  if (params.peekTag() !== undefined) params.read(Tag.sequence);
  params.end('RSASSA-PSS parameters');
  return 'rsa-pss';
}

/** Decodes a DER SubjectPublicKeyInfo. Throws DecodeError or UnsupportedKeyError. */
export function decodeSpki(spki: Uint8Array): DecodedPublicKey {
  return decodedSpkis.get(spki, decodeSpkiDer);
}

/**
 * Decoded public keys by their full SPKI: a handshake decodes the same key up to three times
 * (chain check, leaf import, CertificateVerify) and a client meets the same server key on
 * every handshake, while the EC point check costs a curve operation each time (issue 7).
 * Public keys only; a key that fails to decode is not cached. The values hold views of a
 * private copy of the SPKI and are shared: they must not be changed.
 */
const decodedSpkis = new BytesCache<DecodedPublicKey>(256);

function decodeSpkiDer(spki: Uint8Array): DecodedPublicKey {
  const outer = new DerReader(spki);
  const seq = outer.sequence();
  outer.end('SubjectPublicKeyInfo');
  const { oid, params } = algorithmIdentifier(seq);
  const key = seq.bitString();
  seq.end('SubjectPublicKeyInfo');
  switch (oid) {
    case OID.ecPublicKey: {
      const curve = namedCurve(params);
      const size = NIST_CURVES[curve].lengths.secretKey ?? 0;
      // Uncompressed points only, as TLS uses them (RFC 8422 5.1.2, RFC 8446 4.2.8.2).
      if (key.length !== 1 + 2 * size || key[0] !== 0x04) {
        throw new DecodeError(`${curve} public key must be an uncompressed point`);
      }
      try {
        NIST_CURVES[curve].Point.fromBytes(key).assertValidity();
      } catch (e) {
        throw new DecodeError(`${curve} public key is not on the curve`, { cause: e });
      }
      return { type: 'ec', curve, point: key };
    }
    case OID.ed25519:
      // RFC 8410 3: the parameters MUST be absent.
      params.end('Ed25519 AlgorithmIdentifier');
      if (key.length !== 32) throw new DecodeError('Ed25519 public key must be 32 bytes');
      return { type: 'ed25519', key };
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      const type = rsaKeyType(oid, params);
      const { modulus, exponent } = rsaPublicKey(key);
      return { type, bits: bitLength(modulus), rsaSpki: rsaSpkiOf(modulus, exponent) };
    }
    default:
      throw new UnsupportedKeyError(`unsupported public key algorithm ${oid}`);
  }
}

/** Builds the public PublicKey value (fields absent rather than undefined). */
export function publicKeyOf(spki: Uint8Array, d: DecodedPublicKey): PublicKey {
  if (d.type === 'ec') return { type: 'ec', curve: d.curve, spki };
  if (d.type === 'ed25519') return { type: 'ed25519', spki };
  return { type: d.type, bits: d.bits, spki };
}

// --- private keys ---------------------------------------------------------------------------

/** SEC1 ECPrivateKey (RFC 5915 3); `curve` comes from PKCS#8 or from the [0] parameters. */
function ecPrivateKey(der: Uint8Array, outerCurve: CurveName | undefined): DecodedPrivateKey {
  const outer = new DerReader(der);
  const seq = outer.sequence();
  outer.end('ECPrivateKey');
  if (seq.smallInteger() !== 1) throw new DecodeError('ECPrivateKey version must be 1');
  const raw = seq.octetString();
  const params = seq.optional(0xa0);
  seq.optional(0xa1);
  seq.end('ECPrivateKey');
  const inner = params === undefined ? undefined : namedCurve(new DerReader(params.contents));
  if (outerCurve !== undefined && inner !== undefined && inner !== outerCurve) {
    throw new DecodeError('ECPrivateKey curve differs from the PKCS#8 algorithm');
  }
  const curve = outerCurve ?? inner;
  if (curve === undefined) throw new DecodeError('ECPrivateKey does not name its curve');
  const c = NIST_CURVES[curve];
  const size = c.lengths.secretKey ?? 0;
  if (raw.length > size) throw new DecodeError(`${curve} private key is longer than ${size} bytes`);
  const d = new Uint8Array(size);
  d.set(raw, size - raw.length);
  if (!c.utils.isValidSecretKey(d)) throw new DecodeError(`${curve} private key is out of range`);
  return { type: 'ec', curve, d };
}

/** Reads RSAPrivateKey far enough to learn n and e; the whole structure goes to WebCrypto. */
function rsaPrivateKey(der: Uint8Array, type: 'rsa' | 'rsa-pss'): DecodedPrivateKey {
  const outer = new DerReader(der);
  const seq = outer.sequence();
  outer.end('RSAPrivateKey');
  if (seq.smallInteger() !== 0)
    throw new DecodeError('RSAPrivateKey version must be 0 (two-prime)');
  const modulus = seq.unsignedInteger();
  const exponent = seq.unsignedInteger();
  for (let i = 0; i < 6; i++) seq.unsignedInteger(); // d, p, q, dP, dQ, qInv
  seq.end('RSAPrivateKey');
  const pkcs8 = tlv(
    Tag.sequence,
    tlv(Tag.integer, new Uint8Array([0])),
    RSA_ALGORITHM_ID,
    tlv(Tag.octetString, der),
  );
  rsaPublicKey(tlv(Tag.sequence, unsignedIntegerTlv(modulus), unsignedIntegerTlv(exponent)));
  return { type, bits: bitLength(modulus), rsaPkcs8: pkcs8 };
}

/** Decodes PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958 2). */
export function decodePkcs8(der: Uint8Array): DecodedPrivateKey {
  const outer = new DerReader(der);
  const seq = outer.sequence();
  outer.end('PrivateKeyInfo');
  const version = seq.smallInteger();
  if (version > 1) throw new DecodeError(`PKCS#8 version ${version} is unknown`);
  const { oid, params } = algorithmIdentifier(seq);
  const inner = seq.octetString();
  seq.optional(0xa0); // attributes
  seq.optional(0x81); // [1] publicKey (v2)
  seq.end('PrivateKeyInfo');
  switch (oid) {
    case OID.ecPublicKey:
      return ecPrivateKey(inner, namedCurve(params));
    case OID.ed25519: {
      params.end('Ed25519 AlgorithmIdentifier');
      // RFC 8410 7: CurvePrivateKey ::= OCTET STRING, wrapped in the PKCS#8 OCTET STRING.
      const r = new DerReader(inner);
      const seed = r.octetString();
      r.end('CurvePrivateKey');
      if (seed.length !== 32) throw new DecodeError('Ed25519 private key must be 32 bytes');
      return { type: 'ed25519', seed };
    }
    case OID.rsaEncryption:
    case OID.rsassaPss:
      return rsaPrivateKey(inner, rsaKeyType(oid, params));
    default:
      throw new UnsupportedKeyError(`unsupported private key algorithm ${oid}`);
  }
}

/** The SPKI matching a private key. */
export function spkiForPrivateKey(k: DecodedPrivateKey): Uint8Array {
  if (k.type === 'ec') return ecSpki(k.curve, NIST_CURVES[k.curve].getPublicKey(k.d, false));
  if (k.type === 'ed25519') return okpSpki('Ed25519', ed25519.getPublicKey(k.seed));
  // Re-read n and e from the RSAPrivateKey inside our own PKCS#8.
  const p8 = new DerReader(k.rsaPkcs8).sequence();
  p8.smallInteger();
  p8.sequence();
  const rsa = new DerReader(p8.octetString()).sequence();
  rsa.smallInteger();
  const n = rsa.unsignedInteger();
  const e = rsa.unsignedInteger();
  if (k.type === 'rsa') return rsaSpkiOf(n, e);
  // id-RSASSA-PSS with absent parameters (RFC 4055 3.1): any hash may be used.
  const body = tlv(Tag.sequence, unsignedIntegerTlv(n), unsignedIntegerTlv(e));
  return tlv(Tag.sequence, tlv(Tag.sequence, oidTlv(OID.rsassaPss)), bitStringTlv(body));
}

// --- DER forms for native APIs (node:crypto and WebCrypto import keys from DER) ------------

function ecAlgorithmId(curve: CurveName): Uint8Array {
  const curveOid = Object.keys(CURVE_OIDS).find((o) => CURVE_OIDS[o] === curve) ?? '';
  return tlv(Tag.sequence, oidTlv(OID.ecPublicKey), oidTlv(curveOid));
}

/** An RFC 8410 key type tlskit hands to a native API. */
export type OkpKind = 'Ed25519' | 'X25519' | 'X448';

const OKP_OIDS: Readonly<Record<OkpKind, string>> = {
  Ed25519: OID.ed25519,
  X25519: OID.x25519,
  X448: OID.x448,
};

function okpAlgorithmId(kind: OkpKind): Uint8Array {
  // RFC 8410 3: no parameters.
  return tlv(Tag.sequence, oidTlv(OKP_OIDS[kind]));
}

/** SubjectPublicKeyInfo of an uncompressed EC point (RFC 5480). */
export function ecSpki(curve: CurveName, point: Uint8Array): Uint8Array {
  return tlv(Tag.sequence, ecAlgorithmId(curve), bitStringTlv(point));
}

/** PKCS#8 of an EC private scalar, without the optional public key (RFC 5915, RFC 5958). */
export function ecPkcs8(curve: CurveName, d: Uint8Array): Uint8Array {
  const ecPrivateKey = tlv(
    Tag.sequence,
    tlv(Tag.integer, new Uint8Array([1])),
    tlv(Tag.octetString, d),
  );
  return tlv(
    Tag.sequence,
    tlv(Tag.integer, new Uint8Array([0])),
    ecAlgorithmId(curve),
    tlv(Tag.octetString, ecPrivateKey),
  );
}

/** SubjectPublicKeyInfo of an Ed25519, X25519 or X448 key (RFC 8410 4). */
export function okpSpki(kind: OkpKind, key: Uint8Array): Uint8Array {
  return tlv(Tag.sequence, okpAlgorithmId(kind), bitStringTlv(key));
}

/** PKCS#8 of an Ed25519 seed or X25519/X448 private key (RFC 8410 7). */
export function okpPkcs8(kind: OkpKind, privateKey: Uint8Array): Uint8Array {
  return tlv(
    Tag.sequence,
    tlv(Tag.integer, new Uint8Array([0])),
    okpAlgorithmId(kind),
    tlv(Tag.octetString, tlv(Tag.octetString, privateKey)),
  );
}

/** The fields of a PrivateKey value that are not the public key. */
export function privateKeyFields(k: DecodedPrivateKey): {
  type: KeyType;
  curve?: string;
  bits?: number;
} {
  if (k.type === 'ec') return { type: 'ec', curve: k.curve };
  if (k.type === 'ed25519') return { type: 'ed25519' };
  return { type: k.type, bits: k.bits };
}

// --- PEM (RFC 7468) -------------------------------------------------------------------------

/**
 * Decodes the first private key PEM block and the structure its label names; an `ENCRYPTED
 * PRIVATE KEY` is decrypted with `options.passphrase` first. Errors say what was given instead
 * of a key (a certificate, a file name, a truncated file), since that is the usual mistake.
 */
export function decodePrivateKeyPem(
  text: string,
  options: PrivateKeyOptions = {},
): DecodedPrivateKey {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null) throw new DecodeError(`no PEM private key found: ${describeNonPem(text)}`);
  const label = m[1];
  const body = m[2] ?? '';
  // RFC 1421 headers mark OpenSSL's legacy encryption ("traditional" format): refuse it by name.
  if (/^\s*Proc-Type:\s*4,ENCRYPTED/m.test(body)) {
    throw new UnsupportedKeyError(
      'legacy PEM encryption (Proc-Type: 4,ENCRYPTED) is not supported: convert the key with `openssl pkcs8 -topk8 -v2 aes-256-cbc`',
    );
  }
  const der = base64(body);
  switch (label) {
    case 'PRIVATE KEY':
      return decodePkcs8(der);
    case 'ENCRYPTED PRIVATE KEY':
      return decryptPkcs8(der, options, decodePkcs8);
    case 'EC PRIVATE KEY':
      return ecPrivateKey(der, undefined);
    case 'RSA PRIVATE KEY':
      return rsaPrivateKey(der, 'rsa');
    case 'CERTIFICATE':
      throw new DecodeError(
        'expected a private key, found a CERTIFICATE PEM block (are cert and key swapped?)',
      );
    default:
      throw new UnsupportedKeyError(`unsupported PEM label "${label}"`);
  }
}

/**
 * Why `text` holds no complete PEM block, in words a user can act on: empty, truncated (BEGIN
 * without END), a file name given instead of the file's contents, or bare base64.
 */
export function describeNonPem(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return 'the text is empty';
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(trimmed);
  if (begin !== null)
    return `"BEGIN ${begin[1]}" has no matching END line (is the file truncated?)`;
  // Bare base64 (a PEM body without its lines) also holds '/', but never a '.' or a '\'.
  if (/^[A-Za-z0-9+/=\s]{64,}$/.test(trimmed)) {
    return 'the text looks like base64 without its "-----BEGIN ...-----" and "-----END ...-----" lines';
  }
  if (!/\s/.test(trimmed) && trimmed.length < 4096 && /[/\\.]/.test(trimmed)) {
    return `"${trimmed.slice(0, 80)}" looks like a file name: pass the file's contents (readFileSync(path)), not its path`;
  }
  return 'the text has no "-----BEGIN" line';
}

/**
 * Decodes a private key given as PEM text or PKCS#8 DER (decrypting it with `passphrase`), checks
 * it fully, and returns the SubjectPublicKeyInfo of its public key. Synchronous, so a facade can
 * refuse a bad key (or one that does not match its certificate) when it is configured.
 */
export function privateKeySpki(
  key: string | Uint8Array,
  options: PrivateKeyOptions = {},
): Uint8Array {
  return spkiForPrivateKey(decodePrivateKey(key, options));
}

/** Decodes PEM text (any supported label) or PKCS#8 DER. */
export function decodePrivateKey(
  key: string | Uint8Array,
  options: PrivateKeyOptions = {},
): DecodedPrivateKey {
  return typeof key === 'string' ? decodePrivateKeyPem(key, options) : decodePkcs8(key.slice());
}

/**
 * True when two SubjectPublicKeyInfos carry the same public key. RSA keys are compared by
 * modulus and exponent, so an rsaEncryption key matches the same key in an RSASSA-PSS
 * certificate. Public data only: no constant-time compare needed.
 */
export function samePublicKey(a: Uint8Array, b: Uint8Array): boolean {
  const x = decodeSpki(a);
  const y = decodeSpki(b);
  const bytes = (k: DecodedPublicKey): Uint8Array =>
    k.type === 'ec' ? k.point : k.type === 'ed25519' ? k.key : k.rsaSpki;
  const family = (k: DecodedPublicKey): string =>
    k.type === 'ec' ? `ec:${k.curve}` : k.type === 'ed25519' ? 'ed25519' : 'rsa';
  if (family(x) !== family(y)) return false;
  const p = bytes(x);
  const q = bytes(y);
  return p.length === q.length && p.every((v, i) => v === q[i]);
}

function base64(body: string): Uint8Array {
  const clean = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new DecodeError('PEM body is not base64');
  }
  const bin = atob(clean);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
