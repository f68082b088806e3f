/**
 * createClientEngine, the option handling both client entry points share: with a client
 * certificate it builds one engine (it used to build a throwaway one to check the options
 * first), and option mistakes still throw at once, before the key import.
 */
import type * as Handshake from '@tlskit/handshake';
import { createClient } from '@tlskit/handshake';
import { interopCerts } from '@tlskit/interop';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientEngine } from '../src/client-engine.js';

vi.mock('@tlskit/handshake', async (importOriginal) => {
  const actual = await importOriginal<typeof Handshake>();
  return { ...actual, createClient: vi.fn(actual.createClient) };
});

const certs = interopCerts();
const clientCertificate = { cert: certs.client.ecdsa.chain.pem, key: certs.client.ecdsa.key.pem };
const verifier = () => async () => undefined;

beforeEach(() => {
  vi.mocked(createClient).mockClear();
});

describe('createClientEngine', () => {
  it('builds one engine, with the imported client certificate', async () => {
    const engine = await createClientEngine(clientCertificate, 'tlskit.test', verifier);
    expect(engine.state).toBe('handshaking');
    expect(createClient).toHaveBeenCalledTimes(1);
    const certificate = vi.mocked(createClient).mock.calls[0]?.[0].certificate;
    const entry = Array.isArray(certificate) ? certificate[0] : certificate;
    expect(entry?.chain).toHaveLength(1);
  });

  it('builds one engine without a client certificate', async () => {
    await createClientEngine({}, 'tlskit.test', verifier);
    expect(createClient).toHaveBeenCalledTimes(1);
  });

  it('throws an engine option mistake at once with a certificate too, building nothing', () => {
    const options = { ...clientCertificate, maxVersion: 'TLSv1.2' as const };
    expect(() =>
      createClientEngine(
        { ...options, cipherSuites: ['TLS_AES_128_GCM_SHA256'] },
        'tlskit.test',
        verifier,
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(createClient).not.toHaveBeenCalled();
  });
});
