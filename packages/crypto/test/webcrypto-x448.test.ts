import { afterEach, describe, expect, it, vi } from 'vitest';
import { hex, toHex } from './vectors.js';

// The webcrypto provider uses the runtime's X448 when it has one and @noble/curves otherwise.
// Node has it, so the fallback is checked with a runtime whose importKey refuses X448 (as
// browsers without the algorithm do: NotSupportedError).
const X448 = 0x001e;
// RFC 7748 6.2.
const alicePriv = hex(
  '9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b',
);
const bobPub = hex(
  '3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609',
);
const shared =
  '07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d';

const isX448 = (algorithm: unknown) =>
  (typeof algorithm === 'string' ? algorithm : (algorithm as { name?: string }).name) === 'X448';

async function freshProvider() {
  vi.resetModules();
  const { createWebCryptoProvider } = await import('../src/webcrypto.js');
  return createWebCryptoProvider({ randomBytes: () => alicePriv.slice() });
}

describe('webcrypto provider X448', () => {
  afterEach(() => vi.restoreAllMocks());

  it('uses the runtime X448 when it has one', async () => {
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const p = await freshProvider();
    const share = await p.keyExchange(X448)!.generate();
    expect(toHex(await share.complete(bobPub))).toBe(shared);
    expect(derive.mock.calls.some(([algorithm]) => isX448(algorithm))).toBe(true);
  });

  it('falls back to @noble/curves when the runtime lacks X448', async () => {
    const importKey = crypto.subtle.importKey.bind(crypto.subtle);
    const imports = vi
      .spyOn(crypto.subtle, 'importKey')
      .mockImplementation((...args: Parameters<SubtleCrypto['importKey']>) =>
        isX448(args[2])
          ? Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
          : importKey(...args),
      );
    const derive = vi.spyOn(crypto.subtle, 'deriveBits');
    const p = await freshProvider();
    const share = await p.keyExchange(X448)!.generate();
    expect(toHex(await share.complete(bobPub))).toBe(shared);
    // Probed once, then never asked again; every DH ran in noble.
    expect(imports.mock.calls.filter(([, , algorithm]) => isX448(algorithm))).toHaveLength(1);
    expect(derive).not.toHaveBeenCalled();
    // The checks are the provider's, whichever arithmetic runs: a low-order share is refused.
    await expect(share.complete(new Uint8Array(56))).rejects.toMatchObject({ alert: 47 });
  });
});
