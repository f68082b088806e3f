/**
 * TLS 1.3 records built and opened with node:crypto (OpenSSL), straight from RFC 8446 section 5.2:
 * an implementation independent of the one under test, for making test records.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type AeadName = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';

export interface TrafficKey {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

const nodeNames: Record<AeadName, string> = {
  'AES-128-GCM': 'aes-128-gcm',
  'AES-256-GCM': 'aes-256-gcm',
  'CHACHA20-POLY1305': 'chacha20-poly1305',
};

/** A fresh random traffic key and IV for `aead`. */
export function randomKey(aead: AeadName): TrafficKey {
  return { key: randomBytes(aead === 'AES-128-GCM' ? 16 : 32), iv: randomBytes(12) };
}

function nonceFor(key: TrafficKey, seq: bigint): Uint8Array {
  const nonce = Uint8Array.from(key.iv);
  for (let i = 0; i < 8; i++) nonce[4 + i]! ^= Number((seq >> BigInt(8 * (7 - i))) & 0xffn);
  return nonce;
}

/** Encrypts one TLS 1.3 record (header included) around an arbitrary TLSInnerPlaintext. */
export function sealWithNode(
  aead: AeadName,
  key: TrafficKey,
  seq: number | bigint,
  inner: Uint8Array,
): Uint8Array {
  const length = inner.length + 16;
  const header = Uint8Array.of(23, 3, 3, length >> 8, length & 0xff);
  const cipher = createCipheriv(
    nodeNames[aead] as 'aes-128-gcm',
    key.key,
    nonceFor(key, BigInt(seq)),
    {
      authTagLength: 16,
    },
  );
  cipher.setAAD(header);
  return Uint8Array.from(
    Buffer.concat([header, cipher.update(inner), cipher.final(), cipher.getAuthTag()]),
  );
}

/** Decrypts one TLS 1.3 record; returns its TLSInnerPlaintext. Throws when it does not verify. */
export function openWithNode(
  aead: AeadName,
  key: TrafficKey,
  seq: number | bigint,
  record: Uint8Array,
): Uint8Array {
  const payload = record.subarray(5);
  const decipher = createDecipheriv(
    nodeNames[aead] as 'aes-128-gcm',
    key.key,
    nonceFor(key, BigInt(seq)),
    {
      authTagLength: 16,
    },
  );
  decipher.setAAD(record.subarray(0, 5));
  decipher.setAuthTag(payload.subarray(-16));
  return Uint8Array.from(
    Buffer.concat([decipher.update(payload.subarray(0, -16)), decipher.final()]),
  );
}

/** TLSInnerPlaintext = content || type || zeros. */
export function innerPlaintext(content: Uint8Array, type: number, padding = 0): Uint8Array {
  const inner = new Uint8Array(content.length + 1 + padding);
  inner.set(content);
  inner[content.length] = type;
  return inner;
}

/** A plaintext record: type || 0x0303 || length || fragment. */
export function plaintextRecord(type: number, fragment: Uint8Array): Uint8Array {
  const record = new Uint8Array(5 + fragment.length);
  record.set([type, 3, 3, fragment.length >> 8, fragment.length & 0xff]);
  record.set(fragment, 5);
  return record;
}
