/** PEM and DER inputs as node:tls accepts them, turned into what the engine takes. */
import { type CryptoProvider, describeNonPem, privateKeySpki, samePublicKey } from '@tlskit/crypto';
import type { CertificateEntry } from '@tlskit/handshake';
import { parseCertificate, parsePem, parsePemBlocks } from '@tlskit/x509';
import { readOption, TlsOptionError } from './option-errors.js';

/** PEM text, or DER bytes, as node:tls accepts for `ca`, `cert` and `key`. */
export type PemInput = string | Uint8Array;

/** A certificate chain with its imported key, ready for the engine. */
export type CertificateMaterial = CertificateEntry;

function isPemBytes(bytes: Uint8Array): boolean {
  // "-----" at the start (after optional whitespace) marks PEM text given as a Buffer.
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  return head.startsWith('-----BEGIN');
}

function checkPemInput(option: string, item: unknown): asserts item is PemInput {
  if (typeof item !== 'string' && !(item instanceof Uint8Array)) {
    throw new TlsOptionError(
      'ERR_INVALID_ARG_TYPE',
      option,
      `expected PEM text or DER bytes, got ${item === null ? 'null' : typeof item}`,
    );
  }
}

/** Every certificate in the inputs, as DER, in order. */
export function loadCertificates(
  input: PemInput | readonly PemInput[],
  option = 'cert',
): Uint8Array[] {
  const list: readonly unknown[] = Array.isArray(input) ? input : [input];
  const out: Uint8Array[] = [];
  for (const item of list) {
    checkPemInput(option, item);
    const text =
      typeof item === 'string' ? item : isPemBytes(item) ? new TextDecoder().decode(item) : null;
    if (text === null) out.push(item as Uint8Array);
    else out.push(...readOption(option, () => parsePem(text)));
  }
  return out;
}

/** Why `input` gave no certificate, in words a user can act on. */
function noCertificate(option: string, input: PemInput | readonly PemInput[]): TlsOptionError {
  const texts = (Array.isArray(input) ? input : [input]).filter((i) => typeof i === 'string');
  const labels = texts.flatMap((t) => parsePemBlocks(t).map((b) => b.label));
  const why =
    labels.length > 0
      ? `found ${labels.map((l) => `a ${l}`).join(', ')} block instead${labels.some((l) => l.includes('PRIVATE KEY')) ? ' (are cert and key swapped?)' : ''}`
      : texts.length === 1
        ? describeNonPem(texts[0] as string)
        : 'no input';
  return new TlsOptionError('ERR_PEM_NO_CERTIFICATE', option, `no CERTIFICATE found: ${why}`);
}

/** Trust anchors from `ca`; throws if the input holds no certificate (a caller mistake). */
export function loadTrustAnchors(input: PemInput | readonly PemInput[]): Uint8Array[] {
  const anchors = loadCertificates(input, 'ca');
  if (anchors.length === 0) throw noCertificate('ca', input);
  for (const der of anchors) readOption('ca', () => parseCertificate(der));
  return anchors;
}

/** A certificate chain and its private key, read and checked but not yet imported. */
export interface CheckedCredential {
  readonly chain: Uint8Array[];
  /** The key as the provider imports it: PEM text or PKCS#8 DER. */
  readonly key: PemInput;
  readonly passphrase: string | undefined;
}

/**
 * Reads a chain and its key and checks, synchronously, that the key decodes (decrypting it with
 * `passphrase`) and is the private key of the chain's first certificate. node:tls finds the same
 * mistakes when the context is created (`ERR_OSSL_X509_KEY_VALUES_MISMATCH`); finding them at the
 * first handshake blames the peer instead (`decrypt_error` from the client).
 */
export function checkCredential(
  cert: PemInput | readonly PemInput[],
  key: PemInput,
  passphrase: string | undefined,
): CheckedCredential {
  const chain = loadCertificates(cert, 'cert');
  const leafDer = chain[0];
  if (leafDer === undefined) throw noCertificate('cert', cert);
  const leaf = readOption('cert', () => parseCertificate(leafDer));
  checkPemInput('key', key);
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw new TlsOptionError('ERR_INVALID_ARG_TYPE', 'passphrase', 'must be a string');
  }
  const keyInput =
    typeof key === 'string' || !isPemBytes(key) ? key : new TextDecoder().decode(key);
  const spki = readOption('key', () => privateKeySpki(keyInput, { passphrase }));
  if (!readOption('cert', () => samePublicKey(leaf.publicKey.der, spki))) {
    throw new TlsOptionError(
      'ERR_OSSL_X509_KEY_VALUES_MISMATCH',
      'key',
      `the private key does not match the certificate's public key (${leaf.publicKey.algorithm}${leaf.publicKey.curve === undefined ? '' : ` ${leaf.publicKey.curve}`}): give the key that belongs to the first certificate of cert`,
    );
  }
  return { chain, key: keyInput, passphrase };
}

/** Imports a checked credential's key through the provider. */
export async function importCredential(
  provider: CryptoProvider,
  credential: CheckedCredential,
  serverNames?: readonly string[],
): Promise<CertificateMaterial> {
  const privateKey = await provider.importPrivateKey(
    credential.key,
    credential.passphrase === undefined ? undefined : { passphrase: credential.passphrase },
  );
  return {
    chain: credential.chain,
    key: privateKey,
    ...(serverNames === undefined ? {} : { serverNames }),
  };
}

/**
 * A certificate chain and its private key, checked ({@link checkCredential}) and imported through
 * the provider.
 */
export async function loadCertificate(
  provider: CryptoProvider,
  cert: PemInput | readonly PemInput[],
  key: PemInput,
  serverNames?: readonly string[],
  passphrase?: string,
): Promise<CertificateMaterial> {
  return importCredential(provider, checkCredential(cert, key, passphrase), serverNames);
}
