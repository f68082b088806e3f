import type { ContentType } from '@tlskit/wire';

/**
 * Chooses how many zero bytes to append to a TLS 1.3 TLSInnerPlaintext (RFC 8446 section 5.4),
 * a traffic-analysis countermeasure. Called once per outgoing protected record with the content
 * type, the content length and the most padding the record size limit leaves room for; the
 * writer clamps the answer to `[0, maxPadding]`. Not called for TLS 1.2 or plaintext records.
 */
export type PaddingPolicy = (
  contentType: ContentType,
  contentLength: number,
  maxPadding: number,
) => number;

/** No padding: the default. */
export const noPadding: PaddingPolicy = () => 0;

/**
 * Pads each TLSInnerPlaintext (content plus the type byte) up to a multiple of `blockSize`, so
 * that record lengths reveal the content length only to that granularity.
 */
export function padToMultipleOf(blockSize: number): PaddingPolicy {
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(`padToMultipleOf: blockSize must be a positive integer, got ${blockSize}`);
  }
  return (_type, contentLength) => {
    const inner = contentLength + 1;
    return (blockSize - (inner % blockSize)) % blockSize;
  };
}
