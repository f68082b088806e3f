import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isTlsError } from '@tlskit/wire';
import fc from 'fast-check';
import { NAMED_GROUPS } from '../src/index.js';
import { PROVIDERS } from './providers.js';
import { describe, expect, it } from 'vitest';

// Peer bytes must never escape as TypeError/RangeError: parsers throw TlsError, verify resolves
// false, open resolves null, key exchange rejects with a TlsError.
describe.each(PROVIDERS)('%s provider', (_name, create) => {
  const p = create();
  const fixture = (name: string) =>
    new Uint8Array(readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))));
  const spkis = [
    'p256.spki.der',
    'p384.spki.der',
    'ed25519.spki.der',
    'rsa2048.spki.der',
    'rsapss2048.spki.der',
  ].map(fixture);

  /** A valid SPKI with one byte changed, or truncated, or extended. */
  const mutatedSpki = fc
    .tuple(
      fc.constantFrom(...spkis),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom('flip', 'cut', 'grow'),
    )
    .map(([spki, at, value, how]) => {
      const i = at % spki.length;
      if (how === 'cut') return spki.subarray(0, i);
      if (how === 'grow') return Uint8Array.from([...spki, value]);
      const out = spki.slice();
      out[i] = value;
      return out;
    });

  async function onlyTlsErrors(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      expect(isTlsError(e), String(e)).toBe(true);
    }
  }

  describe('hostile input', () => {
    it('importPublicKey throws only TlsErrors for random and mutated SPKIs', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedSpki), (bytes) =>
          onlyTlsErrors(() => p.importPublicKey(bytes)),
        ),
        { numRuns: 2000 },
      );
    });

    it('importPrivateKey throws only TlsErrors for random DER and junk PEM', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.string().map((s) => `-----BEGIN PRIVATE KEY-----\n${s}\n-----END PRIVATE KEY-----`),
          ),
          (input) => onlyTlsErrors(() => p.importPrivateKey(input)),
        ),
        { numRuns: 1000 },
      );
    });

    it('verify resolves false for random signatures under every scheme and key', async () => {
      const keys = await Promise.all(spkis.map((s) => p.importPublicKey(s)));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...keys),
          fc.constantFrom(...p.supportedSignatureSchemes, 0x0203, 0x0201, 0xfefe),
          fc.uint8Array({ maxLength: 600 }),
          async (key, scheme, sig) => {
            expect(await p.verify(scheme, key, new Uint8Array(3), sig)).toBe(false);
          },
        ),
        { numRuns: 500 },
      );
    });

    // Any length, and also exactly the group's share lengths, so random values reach the point,
    // low-order and 1 < y < p-1 checks rather than only the length check.
    const groupAndShare = fc
      .constantFrom(...NAMED_GROUPS)
      .chain((info) =>
        fc.tuple(
          fc.constant(info.code),
          fc.oneof(
            fc.uint8Array({ maxLength: 1300 }),
            ...[info.initiatorShareLength, info.responderShareLength].map((n) =>
              fc.uint8Array({ minLength: n, maxLength: n }),
            ),
          ),
        ),
      );

    it('key exchange rejects random peer shares with TlsErrors only', async () => {
      await fc.assert(
        fc.asyncProperty(groupAndShare, async ([group, share]) => {
          const g = p.keyExchange(group)!;
          await onlyTlsErrors(() => g.respond(share));
          await onlyTlsErrors(async () => (await g.generate()).complete(share));
        }),
        { numRuns: 200 },
      );
    }, 120_000); // pure-JS FFDHE-4096 and P-521 key generation on every run
  });
});
