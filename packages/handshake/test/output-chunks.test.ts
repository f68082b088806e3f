/**
 * The engine's output is chunks, not records (a record may span several): with the node
 * provider a record leaves as header, ciphertext pieces and tag without being joined. Whatever
 * the write sizes and however the bytes are split on the way, the peer must read exactly what
 * was written, and the bytes must parse as well-formed records.
 */
import { readFileSync } from 'node:fs';
import { nodeProvider as provider } from '@tlskit/crypto/node';
import { createClient, createServer, pump } from '@tlskit/handshake';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

async function nodePair(cipherSuite: number) {
  const f = await fixtures();
  const client = createClient({
    provider,
    serverName: 'localhost',
    ca: [f.caDer],
    cipherSuites: [cipherSuite],
  });
  const server = createServer({
    provider,
    certificates: [
      {
        chain: f.server.p256.chain,
        key: await provider.importPrivateKey(readFileSync(f.serverPem.p256.key, 'utf8')),
      },
    ],
  });
  const received: Uint8Array[] = [];
  server.on('data', (data) => received.push(data.slice()));
  await client.start();
  await pump(client, server);
  expect(client.state).toBe('connected');
  return { client, server, received };
}

/** The record lengths in `wire`, which must be a whole number of well-formed records. */
function recordLengths(wire: Buffer): number[] {
  const lengths: number[] = [];
  let at = 0;
  while (at < wire.length) {
    expect(wire[at]).toBe(23); // TLS 1.3: every protected record says application_data
    expect(wire.readUInt16BE(at + 1)).toBe(0x0303);
    const length = wire.readUInt16BE(at + 3);
    lengths.push(length);
    at += 5 + length;
  }
  expect(at).toBe(wire.length);
  return lengths;
}

describe('engine output as chunks (node provider)', () => {
  for (const [name, suite] of [
    ['TLS_AES_128_GCM_SHA256', 0x1301],
    ['TLS_CHACHA20_POLY1305_SHA256', 0x1303],
  ] as const) {
    it(`${name}: any writes, any splits, the peer reads exactly what was written`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 40_000 }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 8 }),
          async (writes, cuts) => {
            const { client, server, received } = await nodePair(suite);
            const sent: Uint8Array[] = [];
            for (const [i, size] of writes.entries()) {
              const data = new Uint8Array(size).map((_, k) => (k * 31 + i) & 0xff);
              sent.push(data);
              await client.write(data);
            }
            const chunks = client.takeOutput();
            const wire = Buffer.concat(chunks);
            // Full records are 2^14 bytes of data + 1 type byte + 16 tag bytes at most.
            for (const length of recordLengths(wire)) expect(length).toBeLessThanOrEqual(16_401);
            let at = 0;
            for (let k = 0; at < wire.length; k++) {
              const end = Math.min(wire.length, at + (cuts[k % cuts.length] ?? 1));
              // A copy per piece: receive() keeps views, and this buffer must stay as it is.
              await server.receive(wire.subarray(at, end).slice());
              at = end;
            }
            expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
          },
        ),
        { numRuns: 25 },
      );
    }, 60_000);
  }
});
