/// <reference types="node" />
/**
 * Hashing on `node:crypto` without a node:crypto object per call (issue 14).
 *
 * `createHash` and `createHmac` each make a C++ object held by a weak handle, and V8 processes
 * every such handle at the next young-generation GC. A TLS 1.3 server makes about 30 of them per
 * handshake (23 HMACs, the transcript's copies), and measured under `openssl s_time` that GC work
 * cost more than the hashing. `crypto.hash` (Node 20.12+) is one call with no object, so HMAC
 * (RFC 2104) is built on it here and the transcript keeps its bytes and hashes them when read.
 */
import { createHash, createHmac, type Hash as NodeHash, hash as oneShot } from 'node:crypto';
import { HASH_LENGTH, hashLength } from './hash.js';
import type { HashName, IncrementalHash } from './provider.js';

const OPENSSL_DIGESTS: Readonly<Record<HashName, string>> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** OpenSSL's digest name; also checks the name (a caller error when unknown). */
export function opensslDigest(name: HashName): string {
  hashLength(name);
  return OPENSSL_DIGESTS[name];
}

/** A plain Uint8Array view of a Buffer, so callers never meet Buffer's own slice semantics. */
export function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * A one-shot digest as bytes. The digest comes back as a 'binary' (latin1) string, one char per
 * byte, copied into a fresh array of at most 64 bytes, which V8 keeps on its own heap. A 'buffer'
 * result is an ArrayBuffer with its own malloc'd backing store, which V8 must track, sweep and
 * free on another thread, and that costs more than hashing a short input (issue 14). Decoding
 * into Node's buffer pool instead would be as cheap, but a long-lived secret (a traffic secret)
 * would pin a whole 8 KiB slab of the pool per idle connection.
 */
function digestBytes(algorithm: string, data: Uint8Array): Uint8Array {
  const digest = oneShot(algorithm, data, 'binary');
  const out = new Uint8Array(digest.length);
  for (let i = 0; i < digest.length; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** One-shot digest. */
export function nodeHash(name: HashName, data: Uint8Array): Uint8Array {
  return digestBytes(opensslDigest(name), data);
}

/** The hash's input block size in bytes (RFC 2104's B). */
const blockSize = (name: HashName) => (name === 'SHA-384' || name === 'SHA-512' ? 128 : 64);

/**
 * Room for a padded key and the message of every HMAC a handshake computes (labels, transcript
 * hashes, TLS 1.2 PRF seeds). Longer messages take createHmac: rare, and not worth a bigger
 * buffer kept for the life of the process.
 */
const SCRATCH_SIZE = 1024;
const scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE);

/**
 * HMAC (RFC 2104) as H((K ^ opad) || H((K ^ ipad) || text)), two one-shot digests through one
 * module-level buffer. The function is synchronous, so no other call can see the buffer in use,
 * and it is zeroed before returning: it held the padded key.
 */
export function nodeHmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  const algorithm = opensslDigest(name);
  const b = blockSize(name);
  if (b + data.length > SCRATCH_SIZE)
    return bytes(createHmac(algorithm, key).update(data).digest());
  // RFC 2104 2: a key longer than the block is hashed first.
  const k = key.length > b ? digestBytes(algorithm, key) : key;
  const used = b + Math.max(data.length, HASH_LENGTH[name]);
  try {
    for (let i = 0; i < b; i++) scratch[i] = (i < k.length ? (k[i] as number) : 0) ^ 0x36;
    scratch.set(data, b);
    // The inner digest goes from its latin1 string straight into the scratch buffer.
    const inner = oneShot(algorithm, scratch.subarray(0, b + data.length), 'binary');
    for (let i = 0; i < b; i++) scratch[i] = (scratch[i] as number) ^ (0x36 ^ 0x5c);
    const innerLength = scratch.write(inner, b, 'latin1');
    return digestBytes(algorithm, scratch.subarray(0, b + innerLength));
  } finally {
    scratch.fill(0, 0, used);
  }
}

/**
 * Past this many bytes a transcript moves its input into a streaming node:crypto Hash, so a
 * handshake with a large certificate chain does not rehash it at every read.
 */
export const BUFFERED_HASH_LIMIT = 16 * 1024;

/**
 * An incremental hash for transcripts: a handshake's messages (a few KiB) are kept and hashed in
 * one call each time the transcript is read, which is a handful of times per handshake and
 * cheaper than a node:crypto Hash and its copy at every read. Larger inputs stream.
 */
export class BufferedNodeHash implements IncrementalHash {
  readonly hashName: HashName;
  readonly outputLength: number;
  readonly #algorithm: string;
  #input: Uint8Array;
  #length: number;
  #stream: NodeHash | undefined;

  constructor(name: HashName, input = new Uint8Array(512), length = 0, stream?: NodeHash) {
    this.#algorithm = opensslDigest(name);
    this.hashName = name;
    this.outputLength = HASH_LENGTH[name];
    this.#input = input;
    this.#length = length;
    this.#stream = stream;
  }

  update(data: Uint8Array): void {
    if (this.#stream !== undefined) {
      this.#stream.update(data);
      return;
    }
    const length = this.#length + data.length;
    if (length > BUFFERED_HASH_LIMIT) {
      this.#stream = createHash(this.#algorithm).update(this.#input.subarray(0, this.#length));
      this.#stream.update(data);
      this.#input = new Uint8Array(0);
      this.#length = 0;
      return;
    }
    if (length > this.#input.length) {
      const grown = new Uint8Array(Math.min(BUFFERED_HASH_LIMIT, 2 * length));
      grown.set(this.#input.subarray(0, this.#length));
      this.#input = grown;
    }
    this.#input.set(data, this.#length);
    this.#length = length;
  }

  digest(): Uint8Array {
    if (this.#stream !== undefined) return bytes(this.#stream.copy().digest());
    return digestBytes(this.#algorithm, this.#input.subarray(0, this.#length));
  }

  clone(): IncrementalHash {
    if (this.#stream !== undefined) {
      return new BufferedNodeHash(this.hashName, new Uint8Array(0), 0, this.#stream.copy());
    }
    return new BufferedNodeHash(this.hashName, this.#input.slice(0, this.#length), this.#length);
  }
}
