/**
 * prepareServer: options checked once, engines made from them per connection, and the
 * per-connection hooks replacing the prepared ones for their connection only.
 */
import { nobleProvider as provider } from '@tlskit/crypto';
import {
  type CertificateVerifier,
  type Connection,
  createClient,
  type HandshakeInfo,
  OptionsError,
  prepareServer,
  pump,
  type ServerConnectionHooks,
} from '@tlskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';

async function handshake(
  server: Connection,
  client: Partial<Parameters<typeof createClient>[0]> = {},
): Promise<{ client?: HandshakeInfo; server?: HandshakeInfo; error?: Error }> {
  const f = await fixtures();
  const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], ...client });
  const result: { client?: HandshakeInfo; server?: HandshakeInfo; error?: Error } = {};
  c.on('handshake', (info) => {
    result.client = info;
  });
  server.on('handshake', (info) => {
    result.server = info;
  });
  server.on('close', ({ error }) => {
    if (error !== undefined) result.error ??= error;
  });
  await c.start();
  await pump(c, server);
  return result;
}

describe('prepareServer', () => {
  it('makes independent engines from one configuration', async () => {
    const f = await fixtures();
    const prepared = prepareServer({ provider, certificates: [f.server.p256] });
    const first = await handshake(prepared.create());
    const second = await handshake(prepared.create(), { maxVersion: 'TLSv1.2' });
    expect(first.server?.version).toBe('TLSv1.3');
    expect(second.server?.version).toBe('TLSv1.2');
    expect(first.client?.peerVerified).toBe(true);
  });

  it('checks the options once, when preparing', async () => {
    expect(() => prepareServer({ provider, certificates: [] })).toThrow(OptionsError);
    const f = await fixtures();
    expect(() =>
      prepareServer({ provider, certificates: [f.server.p256], clientAuth: 'require' }),
    ).toThrow(/clientAuth needs/);
  });

  it("uses a connection's verifyCertificate hook for that connection only", async () => {
    const f = await fixtures();
    const seen: string[] = [];
    const verifier =
      (name: string): CertificateVerifier =>
      async (chain) => {
        seen.push(name);
        return [...chain];
      };
    const prepared = prepareServer({
      provider,
      certificates: [f.server.p256],
      clientAuth: 'require',
      verifyCertificate: verifier('prepared'),
    });
    const client = { certificate: f.client };
    const hooked = await handshake(
      prepared.create({ verifyCertificate: verifier('hook') }),
      client,
    );
    const plain = await handshake(prepared.create(), client);
    expect(hooked.server?.peerVerified).toBe(true);
    expect(plain.server?.peerVerified).toBe(true);
    expect(seen).toEqual(['hook', 'prepared']);
  });

  it('refuses a hook that is not a function', async () => {
    const f = await fixtures();
    const prepared = prepareServer({ provider, certificates: [f.server.p256] });
    const hooks = { pskCallback: 'key' } as unknown as ServerConnectionHooks;
    expect(() => prepared.create(hooks)).toThrow(OptionsError);
  });
});
