export { DecodeError, IllegalParameterError, isTlsError, TlsError } from './errors.js';
