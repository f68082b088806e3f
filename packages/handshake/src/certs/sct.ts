/**
 * Certificate Transparency SCTs in TLS (RFC 6962 section 3.3.1), both versions: the client asks
 * with an empty signed_certificate_timestamp extension; the server answers with the leaf's
 * SignedCertificateTimestampList, in ServerHello (TLS 1.2) or in the leaf's CertificateEntry
 * (TLS 1.3, RFC 8446 4.4.2). tlskit checks the list's framing; judging the SCTs (log keys,
 * signatures, policy) is the application's, from `handshakeInfo.signedCertificateTimestamps`.
 */
import { DecodeError, type Extension, ExtensionType } from '@tlskit/wire';

/** The client's request: the extension with empty extension_data. */
export function sctRequestExtension(): Extension {
  return { type: ExtensionType.signedCertificateTimestamp, raw: new Uint8Array(0) };
}

/** Whether a ClientHello asks for SCTs. */
export function clientWantsScts(extensions: readonly Extension[]): boolean {
  return extensions.some((e) => e.type === ExtensionType.signedCertificateTimestamp);
}

/** The server's answer for `list`, an entry's `signedCertificateTimestamps`. */
export function sctListExtension(list: Uint8Array): Extension {
  return { type: ExtensionType.signedCertificateTimestamp, raw: list };
}

/**
 * The problem with a SignedCertificateTimestampList's framing (RFC 6962 3.3:
 * `SerializedSCT sct_list <1..2^16-1>`, each `opaque SerializedSCT<1..2^16-1>`), or undefined
 * when it is well formed.
 */
export function sctListProblem(list: Uint8Array): string | undefined {
  if (list.length < 2) return 'the SCT list is shorter than its length';
  const length = (list[0]! << 8) | list[1]!;
  if (length !== list.length - 2) return 'the SCT list length does not match its contents';
  if (length === 0) return 'the SCT list is empty';
  for (let i = 2; i < list.length; ) {
    if (i + 2 > list.length) return 'an SCT is cut short';
    const sct = (list[i]! << 8) | list[i + 1]!;
    if (sct === 0) return 'an SCT is empty';
    if (i + 2 + sct > list.length) return 'an SCT is cut short';
    i += 2 + sct;
  }
  return undefined;
}

/**
 * Client: the SCT list in `extensions` (ServerHello or the leaf's CertificateEntry), checked;
 * a malformed one is decode_error. Undefined when the server sent none.
 */
export function receivedSctList(extensions: readonly Extension[]): Uint8Array | undefined {
  const ext = extensions.find((e) => e.type === ExtensionType.signedCertificateTimestamp);
  if (ext === undefined || !('raw' in ext)) return undefined;
  const problem = sctListProblem(ext.raw);
  if (problem !== undefined) throw new DecodeError(`signed_certificate_timestamp: ${problem}`);
  return ext.raw.slice();
}
