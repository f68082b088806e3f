/**
 * The certificate compression algorithms of RFC 8879 that Node.js implements (node:zlib), for
 * the engines' `certificateCompression` option: zlib (RFC 1950) and brotli (RFC 7932). They live
 * here, in the Node entry point, so that @tlskit/handshake stays free of Node built-ins.
 */
import type { CertificateCompressionAlgorithm } from '@tlskit/handshake';
import { brotliCompressSync, brotliDecompressSync, deflateSync, inflateSync } from 'node:zlib';

// maxOutputLength stops a decompression bomb once the output passes the announced length: the
// engine then refuses the result (its length is not uncompressed_length) with bad_certificate.
const bounded = (length: number) => ({ maxOutputLength: Math.max(1, length) });

/** zlib (code point 1): the Certificate in the zlib format of RFC 1950 (`deflateSync`). */
export const zlibCertificateCompression: CertificateCompressionAlgorithm = {
  id: 1,
  compress: (data) => deflateSync(data),
  decompress: (data, length) => inflateSync(data, bounded(length)),
};

/** brotli (code point 2): the Certificate compressed with Brotli (RFC 7932). */
export const brotliCertificateCompression: CertificateCompressionAlgorithm = {
  id: 2,
  compress: (data) => brotliCompressSync(data),
  decompress: (data, length) => brotliDecompressSync(data, bounded(length)),
};

/**
 * Both, brotli first (as browsers prefer it): pass as
 * `engine: { certificateCompression: nodeCertificateCompression }` to `connect()` or
 * `createServer()`.
 */
export const nodeCertificateCompression: readonly CertificateCompressionAlgorithm[] = [
  brotliCertificateCompression,
  zlibCertificateCompression,
];
