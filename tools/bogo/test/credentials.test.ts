/**
 * The shim's credentials in BoringSSL's order: each -new-x509-credential as given, then the
 * default credential (-cert-file/-key-file) last. BoGo's CertificateSelection tests expect it
 * (`-expect-selected-credential` numbers them, -1 for the default one).
 */
import { nodeProvider } from '@tlskit/crypto/node';
import { interopCerts } from '@tlskit/interop';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/flags.js';
import { Signer } from '../src/options.js';

describe('Signer.credentials', () => {
  it('puts the -new-x509-credential ones first, the default one last, and numbers them', async () => {
    const certs = interopCerts();
    const { ecdsaP256, ecdsaP384, rsa2048 } = certs.server;
    const parsed = parseArgs([
      '-cert-file',
      rsa2048.chain.file,
      '-key-file',
      rsa2048.key.file,
      '-new-x509-credential',
      '-cert-file',
      ecdsaP256.chain.file,
      '-key-file',
      ecdsaP256.key.file,
      '-new-x509-credential',
      '-cert-file',
      ecdsaP384.chain.file,
      '-key-file',
      ecdsaP384.key.file,
    ]);
    if (parsed.kind !== 'ok') throw new Error('flags did not parse');
    const signer = new Signer(nodeProvider);
    const entries = await signer.credentials(parsed.initial);
    expect(entries.map((e) => e.key.type)).toEqual(['ec', 'ec', 'rsa']);
    // Signing with an entry's key reports its credential number.
    const scheme = signer.provider.signatureSchemesFor(entries[1]!.key)[0]!;
    await signer.provider.sign(scheme, entries[1]!.key, new Uint8Array(8));
    expect(signer.selected).toBe(1);
    await signer.provider.sign(0x0804, entries[2]!.key, new Uint8Array(8));
    expect(signer.selected).toBe(-1);
  });
});
