/** PEM and DER inputs as node:tls accepts them, turned into what the engine takes. */
import type { CryptoProvider } from '@tlskit/crypto';
import type { CertificateEntry } from '@tlskit/handshake';
import { parsePem } from '@tlskit/x509';

/** PEM text, or DER bytes, as node:tls accepts for `ca`, `cert` and `key`. */
export type PemInput = string | Uint8Array;

/** A certificate chain with its imported key, ready for the engine. */
export type CertificateMaterial = CertificateEntry;

function isPemBytes(bytes: Uint8Array): boolean {
  // "-----" at the start (after optional whitespace) marks PEM text given as a Buffer.
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  return head.startsWith('-----BEGIN');
}

/** Every certificate in the inputs, as DER, in order. */
export function loadCertificates(input: PemInput | readonly PemInput[]): Uint8Array[] {
  const list = Array.isArray(input) ? input : [input as PemInput];
  const out: Uint8Array[] = [];
  for (const item of list) {
    if (typeof item === 'string') out.push(...parsePem(item));
    else if (isPemBytes(item)) out.push(...parsePem(new TextDecoder().decode(item)));
    else out.push(item);
  }
  return out;
}

/** Trust anchors from `ca`; throws if the input holds no certificate (a caller mistake). */
export function loadTrustAnchors(input: PemInput | readonly PemInput[]): Uint8Array[] {
  const anchors = loadCertificates(input);
  if (anchors.length === 0) throw new TypeError('ca: no CERTIFICATE found in the given PEM/DER');
  return anchors;
}

/** A certificate chain and its private key, imported through the provider. */
export async function loadCertificate(
  provider: CryptoProvider,
  cert: PemInput | readonly PemInput[],
  key: PemInput,
  serverNames?: readonly string[],
): Promise<CertificateMaterial> {
  const chain = loadCertificates(cert);
  if (chain.length === 0) throw new TypeError('cert: no CERTIFICATE found in the given PEM/DER');
  const keyInput =
    typeof key === 'string' || !isPemBytes(key) ? key : new TextDecoder().decode(key);
  const privateKey = await provider.importPrivateKey(keyInput);
  return { chain, key: privateKey, ...(serverNames === undefined ? {} : { serverNames }) };
}
