export { allowedExtensions, checkExtensionsAllowed } from './allowed.js';
export { BytesCache, bytesKey, concatBytes, equalBytes, fromHex, hex } from './bytes.js';
export {
  DecodeError,
  EncodeError,
  IllegalParameterError,
  isTlsError,
  RecordOverflowError,
  TlsError,
  type TlsErrorCode,
  UnexpectedMessageError,
  UnsupportedExtensionError,
} from './errors.js';
export type * from './extension-types.js';
export {
  decodeExtensionBody,
  decodeExtensions,
  type ExtensionByType,
  encodeExtensions,
  encodePskBinders,
  findExtension,
  readExtensions,
  writeExtensionBody,
  writeExtensions,
} from './extensions.js';
export {
  type DecodedHandshake,
  decodeHandshake,
  decodeHandshakeBody,
  decodeHandshakeHeader,
  encodeHandshake,
  encodeServerEcdhParams,
  HANDSHAKE_HEADER_LENGTH,
  type HandshakeHeader,
  splitHandshakeMessages,
} from './handshake.js';
export type * from './messages.js';
export {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  HELLO_RETRY_REQUEST_RANDOM,
} from './messages.js';
export {
  ianaCipherSuites,
  ianaExtensionTypes,
  ianaNamedGroups,
  ianaSignatureSchemes,
} from './iana.js';
export {
  type DecodedMessage,
  type DecodedRecord,
  type DecodedRecordContent,
  type DecodeRecordsOptions,
  decodeRecords,
} from './records.js';
export { decodeAll, Reader } from './reader.js';
export {
  type Alert,
  CHANGE_CIPHER_SPEC,
  decodeAlert,
  decodeChangeCipherSpec,
  decodeRecordHeader,
  encodeAlert,
  encodeRecordHeader,
  MAX_PLAINTEXT_LENGTH,
  MAX_RECORD_LENGTH,
  RECORD_HEADER_LENGTH,
  type RecordHeader,
} from './record.js';
export * from './registries.js';
export { encodeWith, Writer } from './writer.js';
