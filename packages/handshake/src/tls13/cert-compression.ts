/**
 * TLS certificate compression (RFC 8879), TLS 1.3 only: the compress_certificate offer, the
 * sender's choice of algorithm, and the CompressedCertificate that replaces a Certificate.
 * The algorithms themselves are plugged in through `certificateCompression`.
 */
import { maxHandshakeMessageLength } from '@tlskit/record';
import {
  AlertDescription,
  type Certificate13,
  type CompressedCertificate,
  type CompressCertificateExtension,
  type Extension,
  ExtensionType,
  findExtension,
  HandshakeType,
  type HandshakeMessage,
  TlsError,
  decodeHandshakeBody,
  encodeHandshake,
} from '@tlskit/wire';
import type { RawMessage } from '../core/codec.js';
import type { CertificateCompressionAlgorithm } from '../core/options.js';

const tls13 = { protocol: 'tls13' } as const;

/**
 * The largest uncompressed Certificate body a peer may announce: the largest handshake message
 * tlskit reassembles, so compression never lets a peer make us hold more than it could have sent
 * uncompressed (RFC 8879 section 4 and 5: limits before decompressing).
 */
export const maxUncompressedCertificateLength: number = maxHandshakeMessageLength;

/** The compress_certificate extension offering every configured algorithm, if any. */
export function compressCertificateExtension(
  algorithms: readonly CertificateCompressionAlgorithm[] | undefined,
): CompressCertificateExtension[] {
  if (algorithms === undefined || algorithms.length === 0) return [];
  return [{ type: ExtensionType.compressCertificate, algorithms: algorithms.map((a) => a.id) }];
}

/**
 * The sender's algorithm: the first of ours (our preference, as RFC 8879 leaves it to the
 * sender) that can compress and that the peer offered in `peerExtensions`.
 */
export function chooseCompression(
  ours: readonly CertificateCompressionAlgorithm[] | undefined,
  peerExtensions: readonly Extension[],
): CertificateCompressionAlgorithm | undefined {
  const offered = findExtension(peerExtensions, ExtensionType.compressCertificate)?.algorithms;
  if (ours === undefined || offered === undefined) return undefined;
  return ours.find((a) => a.compress !== undefined && offered.includes(a.id));
}

/**
 * `certificate` as a CompressedCertificate with `algorithm` (RFC 8879 section 4): the encoded
 * Certificate body, compressed once.
 */
export async function compressCertificate(
  algorithm: CertificateCompressionAlgorithm,
  certificate: Certificate13,
): Promise<HandshakeMessage> {
  const body = encodeHandshake(certificate).subarray(4);
  const compressed = await algorithm.compress!(body);
  return {
    type: HandshakeType.compressedCertificate,
    algorithm: algorithm.id,
    uncompressedLength: body.length,
    compressedCertificateMessage: compressed,
  };
}

function failure(
  code:
    | 'ERR_UNKNOWN_COMPRESSION_ALGORITHM'
    | 'ERR_DECOMPRESSION_FAILED'
    | 'ERR_DECOMPRESSED_TOO_LARGE',
  message: string,
  cause?: unknown,
): TlsError {
  // RFC 8879 section 4: a certificate that cannot be decompressed is bad_certificate.
  return new TlsError(code, AlertDescription.badCertificate, message, { cause });
}

/**
 * The Certificate inside a peer's CompressedCertificate `m`, decompressed with one of `ours`
 * (the algorithms we offered). The transcript keeps `m` itself (RFC 8879 section 4).
 */
export async function decompressCertificate(
  m: RawMessage,
  ours: readonly CertificateCompressionAlgorithm[],
): Promise<Certificate13> {
  // The caller saw msg_type compressed_certificate, so the body decodes to that form.
  const cc = decodeHandshakeBody(m.type, m.body, tls13) as CompressedCertificate;
  const algorithm = ours.find((a) => a.id === cc.algorithm);
  if (algorithm === undefined) {
    throw failure(
      'ERR_UNKNOWN_COMPRESSION_ALGORITHM',
      `CompressedCertificate: algorithm ${cc.algorithm} was not offered`,
    );
  }
  if (cc.uncompressedLength > maxUncompressedCertificateLength) {
    throw failure(
      'ERR_DECOMPRESSED_TOO_LARGE',
      `CompressedCertificate: uncompressed_length ${cc.uncompressedLength} is above the limit of ${maxUncompressedCertificateLength}`,
    );
  }
  let body: Uint8Array;
  try {
    body = await algorithm.decompress(cc.compressedCertificateMessage, cc.uncompressedLength);
  } catch (error) {
    throw failure(
      'ERR_DECOMPRESSION_FAILED',
      `CompressedCertificate: algorithm ${cc.algorithm} failed to decompress`,
      error,
    );
  }
  if (!(body instanceof Uint8Array) || body.length !== cc.uncompressedLength) {
    throw failure(
      'ERR_DECOMPRESSION_FAILED',
      `CompressedCertificate: decompressed to ${body?.length} bytes, not uncompressed_length ${cc.uncompressedLength}`,
    );
  }
  // A Certificate body decoded in the TLS 1.3 layout is a Certificate13.
  return decodeHandshakeBody(HandshakeType.certificate, body, tls13) as Certificate13;
}
