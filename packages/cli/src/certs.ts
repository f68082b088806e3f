/**
 * A throwaway certificate authority and server certificate for `tlskit demo`, made in-process
 * (node:crypto keys and signatures, DER written here) so the demo needs nothing but Node: no
 * openssl CLI, no key material on disk.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** A certificate and its private key, both PEM. */
export interface DemoCredential {
  readonly cert: string;
  readonly key: string;
  /** The subject common name. */
  readonly name: string;
}

/** The demo's root CA and the server leaf it issued. */
export interface DemoCertificates {
  readonly ca: DemoCredential;
  readonly server: DemoCredential;
}

// DER (X.690) encoding: tag, definite length, contents.
function tlv(tag: number, contents: Uint8Array): Uint8Array {
  const n = contents.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else header = [tag, 0x82, n >> 8, n & 0xff];
  return Buffer.concat([Uint8Array.from(header), contents]);
}
const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, Buffer.concat(items));
const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, Buffer.concat(items));
const octets = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
const bits = (bytes: Uint8Array, unused = 0): Uint8Array =>
  tlv(0x03, Buffer.concat([Uint8Array.of(unused), bytes]));
const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 + n, inner);
const TRUE = Uint8Array.of(0x01, 0x01, 0xff);

function oid(dotted: string): Uint8Array {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const base128: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      base128.unshift((v % 128) | (base128.length > 0 ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...base128);
  }
  return tlv(0x06, Uint8Array.from(out));
}

// RFC 5280 4.1.2.5: UTCTime through 2049.
function utcTime(date: Date): Uint8Array {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${text}Z`, 'ascii'));
}

const name = (cn: string): Uint8Array =>
  seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));

const extension = (id: string, critical: boolean, value: Uint8Array): Uint8Array =>
  critical ? seq(oid(id), TRUE, octets(value)) : seq(oid(id), octets(value));

const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));

interface Subject {
  readonly name: string;
  readonly spki: Uint8Array;
  /** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
  readonly keyId: Uint8Array;
}

function subject(cn: string, key: KeyObject): Subject {
  const spki = key.export({ type: 'spki', format: 'der' });
  // An EC SubjectPublicKeyInfo ends with the uncompressed point (65 bytes for P-256).
  const point = spki.subarray(spki.length - 65);
  return { name: cn, spki, keyId: createHash('sha1').update(point).digest() };
}

function certificate(
  holder: Subject,
  issuer: Subject,
  issuerKey: KeyObject,
  extensions: Uint8Array[],
  now: Date,
): string {
  // RFC 5280 4.1.2.2: a positive serial of at most 20 octets, unique per key (keys are new).
  const serial = Uint8Array.from(createHash('sha256').update(holder.spki).digest().subarray(0, 16));
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const tbs = seq(
    explicit(0, tlv(0x02, Uint8Array.of(2))), // v3
    tlv(0x02, serial),
    ecdsaWithSha256,
    name(issuer.name),
    // Valid from an hour ago (clock skew) for a day: the demo is over in seconds.
    seq(
      utcTime(new Date(now.getTime() - 3_600_000)),
      utcTime(new Date(now.getTime() + 86_400_000)),
    ),
    name(holder.name),
    holder.spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, issuerKey); // ECDSA-Sig-Value DER, as X.509 wants
  const der = seq(tbs, ecdsaWithSha256, bits(signature));
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

/**
 * Makes an ECDSA P-256 root CA and a server certificate it issued for `localhost` and
 * 127.0.0.1, valid for a day. Keys are new on every call.
 */
export function makeDemoCertificates(now = new Date()): DemoCertificates {
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ca = subject('tlskit demo CA', caKeys.publicKey);
  const leaf = subject('localhost', leafKeys.publicKey);
  const caCert = certificate(
    ca,
    ca,
    caKeys.privateKey,
    [
      extension('2.5.29.19', true, seq(TRUE)), // basicConstraints cA
      extension('2.5.29.15', true, bits(Uint8Array.of(0x06), 1)), // keyCertSign, cRLSign
      extension('2.5.29.14', false, octets(ca.keyId)),
    ],
    now,
  );
  const leafCert = certificate(
    leaf,
    ca,
    caKeys.privateKey,
    [
      extension('2.5.29.15', true, bits(Uint8Array.of(0x80), 7)), // digitalSignature
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
      // subjectAltName: dNSName localhost, iPAddress 127.0.0.1 (RFC 5280 4.2.1.6).
      extension(
        '2.5.29.17',
        false,
        seq(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Uint8Array.of(127, 0, 0, 1))),
      ),
      extension('2.5.29.35', false, seq(tlv(0x80, ca.keyId))), // authorityKeyIdentifier
      extension('2.5.29.14', false, octets(leaf.keyId)),
    ],
    now,
  );
  const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    ca: { cert: caCert, key: pkcs8(caKeys.privateKey), name: ca.name },
    server: { cert: leafCert, key: pkcs8(leafKeys.privateKey), name: leaf.name },
  };
}
