/**
 * `getSharedSigalgs()` as node:tls answers it: OpenSSL's names for the signature schemes both
 * sides support, from the two lists the engine records in `HandshakeInfo`.
 */
import { type SignatureSchemeInfo, signatureSchemeInfo } from '@tlskit/crypto';
import type { HandshakeInfo } from '@tlskit/handshake';

/** OpenSSL's signature type names, as node prints them before the `+`. */
const openSslSignature: Readonly<Record<SignatureSchemeInfo['algorithm'], string>> = {
  ecdsa: 'ECDSA',
  ed25519: 'Ed25519',
  'rsa-pss-rsae': 'RSA-PSS',
  'rsa-pss-pss': 'RSA-PSS',
  'rsa-pkcs1': 'RSA',
};

/**
 * node's name for a scheme: `ECDSA+SHA256`, `RSA-PSS+SHA256` (rsae and pss alike), `RSA+SHA256`,
 * and `Ed25519+UNDEF` (no separate hash). Undefined for a scheme tlskit does not know and for
 * SHA-1 schemes, which OpenSSL 3 leaves out of the shared list at its default security level.
 */
export function openSslSigalgName(code: number): string | undefined {
  const info = signatureSchemeInfo(code);
  if (info === undefined || info.legacy) return undefined;
  return `${openSslSignature[info.algorithm]}+${info.hash?.replace('-', '') ?? 'UNDEF'}`;
}

/**
 * The schemes both sides support, in OpenSSL's order: a server lists its own preference (node's
 * servers default to `honorCipherOrder`, and tlskit's server always chooses by its own order); a
 * client lists the server's CertificateRequest order. A client the server asked for no
 * certificate has no peer list, so the result is empty, as node's.
 */
export function sharedSigalgs(info: HandshakeInfo, role: 'client' | 'server'): string[] {
  const [preferred, allowed] =
    role === 'server'
      ? [info.signatureSchemes, info.peerSignatureSchemes]
      : [info.peerSignatureSchemes, info.signatureSchemes];
  const names: string[] = [];
  for (const code of preferred) {
    if (!allowed.includes(code)) continue;
    const name = openSslSigalgName(code);
    if (name !== undefined) names.push(name);
  }
  return names;
}
