import { createCipheriv, randomBytes } from 'node:crypto';
import { nobleProvider } from '@tlskit/crypto';
import { nodeProvider } from '@tlskit/crypto/node';
import { webcryptoProvider } from '@tlskit/crypto/webcrypto';
import { ContentType } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { Tls12RecordProtection, Tls13RecordProtection } from '../src/index.js';
import { type AeadName, sealWithNode } from './node-records.js';

// node:crypto (OpenSSL) is the independent implementation: the record formats below are spelled
// out from the RFCs here, and our protections must produce and accept exactly these bytes.

const algorithms: readonly { name: AeadName; keyLength: number; node: string }[] = [
  { name: 'AES-128-GCM', keyLength: 16, node: 'aes-128-gcm' },
  { name: 'AES-256-GCM', keyLength: 32, node: 'aes-256-gcm' },
  { name: 'CHACHA20-POLY1305', keyLength: 32, node: 'chacha20-poly1305' },
];

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

function nodeSeal(
  algorithm: string,
  key: Uint8Array,
  nonce: Uint8Array,
  ad: Uint8Array,
  plaintext: Uint8Array,
): Buffer {
  const cipher = createCipheriv(algorithm as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(ad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** A TLS 1.2 AEAD record built from RFC 5246 6.2.3.3, RFC 5288 section 3 and RFC 7905 section 2. */
function tls12Record(
  algorithm: { name: AeadName; node: string },
  key: Uint8Array,
  iv: Uint8Array,
  seq: number,
  type: number,
  plaintext: Uint8Array,
): Buffer {
  const ad = Buffer.concat([
    u64(seq),
    Uint8Array.of(type, 3, 3, plaintext.length >> 8, plaintext.length & 0xff),
  ]);
  if (algorithm.name === 'CHACHA20-POLY1305') {
    const nonce = Uint8Array.from(iv);
    u64(seq).forEach((byte, i) => {
      nonce[4 + i]! ^= byte;
    });
    const body = nodeSeal(algorithm.node, key, nonce, ad, plaintext);
    return Buffer.concat([Uint8Array.of(type, 3, 3, body.length >> 8, body.length & 0xff), body]);
  }
  const explicit = u64(seq);
  const body = Buffer.concat([
    explicit,
    nodeSeal(algorithm.node, key, Buffer.concat([iv, explicit]), ad, plaintext),
  ]);
  return Buffer.concat([Uint8Array.of(type, 3, 3, body.length >> 8, body.length & 0xff), body]);
}

describe('TLS 1.2 AEAD records against node:crypto', () => {
  for (const algorithm of algorithms) {
    const ivLength = algorithm.name === 'CHACHA20-POLY1305' ? 12 : 4;

    it(`${algorithm.name}: seals what RFC ${algorithm.name.startsWith('AES') ? '5288' : '7905'} specifies, record after record`, async () => {
      const key = randomBytes(algorithm.keyLength);
      const iv = randomBytes(ivLength);
      const protection = await Tls12RecordProtection.create(nobleProvider, algorithm.name, key, iv);
      const inputs = [
        [ContentType.handshake, randomBytes(40)],
        [ContentType.applicationData, randomBytes(16_384)],
        [ContentType.applicationData, new Uint8Array(0)],
        [ContentType.alert, Uint8Array.of(1, 0)],
      ] as const;
      for (const [seq, [type, plaintext]] of inputs.entries()) {
        const record = await protection.seal(type, plaintext);
        expect(Buffer.from(record).toString('hex')).toBe(
          tls12Record(algorithm, key, iv, seq, type, plaintext).toString('hex'),
        );
      }
      expect(protection.sequenceNumber).toBe(4n);
    });

    it(`${algorithm.name}: opens records node:crypto sealed, whatever explicit nonce the peer chose`, async () => {
      const key = randomBytes(algorithm.keyLength);
      const iv = randomBytes(ivLength);
      const protection = await Tls12RecordProtection.create(nobleProvider, algorithm.name, key, iv);
      for (let seq = 0; seq < 3; seq++) {
        const plaintext = randomBytes(100 * seq);
        let record = tls12Record(algorithm, key, iv, seq, ContentType.applicationData, plaintext);
        if (algorithm.name !== 'CHACHA20-POLY1305') {
          // The explicit nonce is the sender's choice (RFC 5288 section 3), not necessarily seq.
          const explicit = randomBytes(8);
          const ad = Buffer.concat([
            u64(seq),
            Uint8Array.of(23, 3, 3, plaintext.length >> 8, plaintext.length & 0xff),
          ]);
          const body = Buffer.concat([
            explicit,
            nodeSeal(algorithm.node, key, Buffer.concat([iv, explicit]), ad, plaintext),
          ]);
          record = Buffer.concat([
            Uint8Array.of(23, 3, 3, body.length >> 8, body.length & 0xff),
            body,
          ]);
        }
        const opened = await protection.open(record.subarray(0, 5), record.subarray(5));
        expect(opened.contentType).toBe(ContentType.applicationData);
        expect(Buffer.from(opened.fragment).equals(plaintext)).toBe(true);
      }
    });

    it(`${algorithm.name}: a record sealed for another sequence number is bad_record_mac`, async () => {
      const key = randomBytes(algorithm.keyLength);
      const iv = randomBytes(ivLength);
      const protection = await Tls12RecordProtection.create(nobleProvider, algorithm.name, key, iv);
      const record = tls12Record(
        algorithm,
        key,
        iv,
        1,
        ContentType.applicationData,
        randomBytes(10),
      );
      await expect(
        protection.open(record.subarray(0, 5), record.subarray(5)),
      ).rejects.toMatchObject({
        code: 'ERR_BAD_RECORD_MAC',
        alert: 20,
      });
    });
  }
});

describe('TLS 1.3 records against node:crypto', () => {
  for (const algorithm of algorithms) {
    it(`${algorithm.name}: seals TLSInnerPlaintext with padding as RFC 8446 section 5.2 specifies`, async () => {
      const key = { key: randomBytes(algorithm.keyLength), iv: randomBytes(12) };
      const protection = await Tls13RecordProtection.create(
        nobleProvider,
        algorithm.name,
        key.key,
        key.iv,
      );
      const opener = await Tls13RecordProtection.create(
        nobleProvider,
        algorithm.name,
        key.key,
        key.iv,
      );
      for (let seq = 0; seq < 3; seq++) {
        const content = randomBytes(500 * seq + 1);
        const padding = seq * 7;
        const inner = Buffer.concat([
          content,
          Uint8Array.of(ContentType.handshake),
          new Uint8Array(padding),
        ]);
        const expected = sealWithNode(algorithm.name, key, seq, inner);
        const record = await protection.seal(ContentType.handshake, content, padding);
        expect(Buffer.from(record).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
        const opened = await opener.open(expected.subarray(0, 5), expected.subarray(5));
        expect(opened.contentType).toBe(ContentType.handshake);
        expect(Buffer.from(opened.fragment).equals(content)).toBe(true);
      }
    });
  }
});

describe('key material ownership', () => {
  it('keeps its own copy of the IV, even of a Node Buffer whose slice() is a view', async () => {
    const key = { key: randomBytes(16), iv: randomBytes(12) };
    const original = Uint8Array.from(key.iv);
    const protection = await Tls13RecordProtection.create(
      nobleProvider,
      'AES-128-GCM',
      key.key,
      key.iv,
    );
    key.iv.fill(0);
    const record = await protection.seal(ContentType.applicationData, Uint8Array.of(1, 2, 3));
    const expected = sealWithNode(
      'AES-128-GCM',
      { key: key.key, iv: original },
      0,
      Uint8Array.of(1, 2, 3, 23),
    );
    expect(Buffer.from(record).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });
});

describe('sealChunks: a record as chunks for a writev', () => {
  const providers = [
    { name: 'noble', provider: nobleProvider, scatter: false },
    { name: 'node', provider: nodeProvider, scatter: true },
    { name: 'webcrypto', provider: webcryptoProvider, scatter: false },
  ];
  const concat = (chunks: readonly Uint8Array[]) => Buffer.concat(chunks).toString('hex');

  for (const { name, provider, scatter } of providers) {
    for (const algorithm of algorithms) {
      it(`${name} ${algorithm.name}: TLS 1.3 chunks join to the RFC 8446 record`, async () => {
        const key = { key: randomBytes(algorithm.keyLength), iv: randomBytes(12) };
        const protection = await Tls13RecordProtection.create(
          provider,
          algorithm.name,
          key.key,
          key.iv,
        );
        for (let seq = 0; seq < 3; seq++) {
          const content = randomBytes(7000 * seq);
          const inner = Buffer.concat([
            Uint8Array.of(...content, ContentType.alert),
            Buffer.alloc(seq),
          ]);
          const chunks = await protection.sealChunks(ContentType.alert, content, seq);
          expect(concat(chunks)).toBe(
            Buffer.from(sealWithNode(algorithm.name, key, seq, inner)).toString('hex'),
          );
          // The node provider seals the fragment and its trailer separately: no joined copy. The
          // others join them for their AEAD, but their output still follows the header as is.
          if (scatter) expect(chunks.length).toBeGreaterThan(2);
          else expect(chunks).toHaveLength(2);
        }
      });

      it(`${name} ${algorithm.name}: TLS 1.2 chunks join to the RFC 5246 record`, async () => {
        const key = randomBytes(algorithm.keyLength);
        const iv = randomBytes(algorithm.name === 'CHACHA20-POLY1305' ? 12 : 4);
        const protection = await Tls12RecordProtection.create(provider, algorithm.name, key, iv);
        for (let seq = 0; seq < 3; seq++) {
          const content = randomBytes(9000 * seq + 1);
          const chunks = await protection.sealChunks(ContentType.applicationData, content);
          expect(concat(chunks)).toBe(
            tls12Record(algorithm, key, iv, seq, ContentType.applicationData, content).toString(
              'hex',
            ),
          );
          if (scatter) expect(chunks.length).toBeGreaterThan(1);
        }
      });
    }
  }
});
