/**
 * RFC 8017 9.1.1: EMSA-PSS needs emLen >= hLen + sLen + 2, and TLS fixes sLen = hLen
 * (RFC 8446 4.2.3), so rsa_pss_*_sha512 needs a modulus of at least 1040 bits. A provider must
 * not offer a scheme its key cannot produce: the handshake would pick it and fail with
 * internal_error instead of finding no common scheme (BoGo's RSA-PSS-Large).
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from './providers.js';

const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe.each(PROVIDERS)('%s provider, 1024-bit RSA key', (_name, create) => {
  it('offers only the schemes the key can sign with, and each one signs', async () => {
    const p = create();
    const key = await p.importPrivateKey(rsa1024);
    const schemes = p.signatureSchemesFor(key);
    expect(schemes).not.toContain(0x0806); // rsa_pss_rsae_sha512: 2 * 64 + 2 > 128 bytes
    expect(schemes).toContain(0x0805); // rsa_pss_rsae_sha384: 2 * 48 + 2 <= 128
    expect(schemes).toContain(0x0601); // rsa_pkcs1_sha512 fits (DigestInfo + 11 <= 128)
    const message = new TextEncoder().encode('tlskit');
    for (const scheme of schemes) {
      const signature = await p.sign(scheme, key, message);
      expect(await p.verify(scheme, key.publicKey, message, signature)).toBe(true);
    }
  });
});
