export * from './certs.js';
export * from './openssl.js';
export * from './ports.js';
export * from './processes.js';
