export { equalBytes, fromHex, hex } from './bytes.js';
export {
  DecodeError,
  EncodeError,
  IllegalParameterError,
  isTlsError,
  RecordOverflowError,
  TlsError,
  UnexpectedMessageError,
  UnsupportedExtensionError,
} from './errors.js';
export type * from './extension-types.js';
export type * from './messages.js';
export {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  HELLO_RETRY_REQUEST_RANDOM,
} from './messages.js';
export { decodeAll, Reader } from './reader.js';
export * from './registries.js';
export { encodeWith, Writer } from './writer.js';
