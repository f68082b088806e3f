/**
 * The TLS 1.3 Certificate message (RFC 8446 4.4.2) as client, server and post-handshake
 * authentication build and read it.
 */
import { type Certificate13, type Extension, ExtensionType, HandshakeType } from '@tlskit/wire';
import { sctListExtension } from '../certs/sct.js';
import type { MessageOf } from '../core/codec.js';
import { unexpected } from '../core/errors.js';

/**
 * A TLS 1.3 Certificate message for `chain`. `ocspResponse` and `scts` go into the leaf's entry
 * as its status_request and signed_certificate_timestamp extensions (RFC 8446 4.4.2.1, RFC 6962
 * 3.3.1); the other entries carry no extensions.
 */
export function certificateMessage(
  context: Uint8Array,
  chain: readonly Uint8Array[],
  ocspResponse?: Uint8Array,
  scts?: Uint8Array,
): Certificate13 {
  const leaf: Extension[] = [];
  if (ocspResponse !== undefined) leaf.push({ type: ExtensionType.statusRequest, ocspResponse });
  if (scts !== undefined) leaf.push(sctListExtension(scts));
  return {
    type: HandshakeType.certificate,
    protocol: 'tls13',
    certificateRequestContext: context,
    certificateList: chain.map((data, i) => ({ data, extensions: i === 0 ? leaf : [] })),
  };
}

/** Narrows a decoded Certificate to its TLS 1.3 form. */
export function certificate13(m: MessageOf<typeof HandshakeType.certificate>): Certificate13 {
  if (m.protocol !== 'tls13') throw unexpected('TLS 1.2 Certificate in TLS 1.3');
  return m;
}
