/**
 * @tlskit/interop: everything an interop test needs to run tlskit against real TLS peers on
 * 127.0.0.1 — certificates, peers with bounded waits and cleanup, namespaces, and decryption of
 * captures with a key log. See README.md and docs/interop.md.
 */
export * from './availability.js';
export * from './certs.js';
export * from './gnutls.js';
export * from './netns.js';
export * from './node-tls.js';
export * from './openssl.js';
export * from './ports.js';
export * from './processes.js';
export * from './curl.js';
export * from './tshark.js';
export * from './names.js';
export * from './client-script.js';
export * from './ocsp.js';
export * from './process-faults.js';
export * from './raw-peer.js';
export * from './raw-records.js';
