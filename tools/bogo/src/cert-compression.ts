/**
 * Certificate compression flags (RFC 8879): BoringSSL's shim installs three mock algorithms
 * (test_config.cc; the runner's addCertCompressionTests has their twins) with
 * -install-cert-compression-algs, or only one with -install-one-cert-compression-alg. They map
 * onto tlskit's pluggable `certificateCompression`; installation order is the server's
 * preference, as SSL_CTX_add_cert_compression_alg's.
 */
import { randomBytes } from 'node:crypto';
import type { CertificateCompressionAlgorithm, CommonOptions } from '@tlskit/handshake';
import { flagBool, flagInt, type ShimConfig } from './flags.js';

const expandingPrefix = Uint8Array.of(1, 2, 3, 4);

const startsWith = (data: Uint8Array, prefix: Uint8Array) =>
  data.length >= prefix.length && prefix.every((b, i) => data[i] === b);

function refuse(id: number): never {
  throw new Error(`mock compression algorithm ${id.toString(16)} refuses its input`);
}

const join = (head: Uint8Array, tail: Uint8Array) => {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
};

/** The mock algorithms, in BoringSSL's shim installation order. */
const mockAlgorithms: readonly CertificateCompressionAlgorithm[] = [
  {
    // Expanding: prepends 1 2 3 4.
    id: 0xff02,
    compress: (data) => join(expandingPrefix, data),
    decompress: (data, length) =>
      startsWith(data, expandingPrefix) && length === data.length - 4
        ? data.slice(4)
        : refuse(0xff02),
  },
  {
    // Shrinking: takes off a leading 0 0 (a Certificate with an empty request context and a
    // list under 64 KiB starts with it) and puts it back.
    id: 0xff01,
    compress: (data) => (startsWith(data, Uint8Array.of(0, 0)) ? data.slice(2) : refuse(0xff01)),
    decompress: (data, length) =>
      length === data.length + 2 ? join(Uint8Array.of(0, 0), data) : refuse(0xff01),
  },
  {
    // Random: prepends one random byte, so two compressions of one input differ.
    id: 0xff03,
    compress: (data) => join(randomBytes(1), data),
    decompress: (data, length) => (length + 1 === data.length ? data.slice(1) : refuse(0xff03)),
  },
];

/** `certificateCompression` for the installation flags; nothing without them. */
export function certCompressionOptions(config: ShimConfig): Partial<CommonOptions> {
  const all = flagBool(config, '-install-cert-compression-algs');
  const one = flagInt(config, '-install-one-cert-compression-alg');
  const installed = mockAlgorithms.filter((a) => all || a.id === one);
  return installed.length === 0 ? {} : { certificateCompression: installed };
}
