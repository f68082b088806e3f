import type { RecordProtection } from '../src/index.js';

/**
 * Wraps a protection so that each seal and open settles after a random delay: crypto promises
 * settling out of order, as with a WebCrypto-backed provider under load.
 */
export function shuffledTiming(inner: RecordProtection): RecordProtection {
  const delay = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  return {
    kind: inner.kind,
    recordVersion: inner.recordVersion,
    maxPayloadLength: inner.maxPayloadLength,
    innerOverhead: inner.innerOverhead,
    payloadOverhead: inner.payloadOverhead,
    seal: (type, fragment, padding) => {
      const result = inner.seal(type, fragment, padding);
      return delay().then(() => result);
    },
    sealChunks: (type, fragment, padding) => {
      const result = inner.sealChunks(type, fragment, padding);
      return delay().then(() => result);
    },
    open: (header, payload) => {
      const result = inner.open(header, payload);
      return delay().then(() => result);
    },
  };
}
