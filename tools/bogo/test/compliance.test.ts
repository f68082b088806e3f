/**
 * The compliance-policy flags: each maps to tlskit's preset of the same BoringSSL policy, and the
 * preset replaces what the other flags chose, as SSL_set_compliance_policy (called last in
 * BoringSSL's shim) does.
 */
import { nodeProvider } from '@tlskit/crypto/node';
import {
  compliancePolicy,
  createClient,
  createServer,
  MemoryAntiReplayStore,
  pump,
  SessionCache,
} from '@tlskit/handshake';
import { interopCerts } from '@tlskit/interop';
import { describe, expect, it } from 'vitest';
import { complianceOptions } from '../src/compliance.js';
import { parseArgs, type ShimConfig } from '../src/flags.js';
import { clientOptions, type ServerState, Signer, serverOptions } from '../src/options.js';

function config(args: string[]): ShimConfig {
  const result = parseArgs(args);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.initial;
}

const state = (): ServerState => ({
  ticketKeys: [{ name: new Uint8Array(16), key: new Uint8Array(32) }],
  sessionCache: new SessionCache(),
  antiReplay: new MemoryAntiReplayStore(),
});

describe('compliance-policy flags', () => {
  it.each([
    ['-fips-202205', 'fips-202205'],
    ['-wpa-202304', 'wpa3-192-202304'],
    ['-cnsa-202407', 'cnsa-202407'],
  ] as const)('%s is the %s preset', (flag, name) => {
    expect(complianceOptions(config([flag]))).toEqual(compliancePolicy(name));
  });

  it('sets nothing without a policy flag, and refuses two policies as BoringSSL does', () => {
    expect(complianceOptions(config([]))).toEqual({});
    expect(() => complianceOptions(config(['-fips-202205', '-wpa-202304']))).toThrow(
      'Multiple policy options given',
    );
  });

  it('replaces the versions, groups and verify preferences other flags chose', async () => {
    const parsed = config([
      '-wpa-202304',
      '-max-version',
      '771',
      '-curves',
      '29',
      '-verify-prefs',
      '2052',
    ]);
    const options = await clientOptions(parsed, new Signer(nodeProvider), { failed: false });
    expect(options).toMatchObject({
      maxVersion: 'TLSv1.3',
      groups: [24],
      cipherSuites: [0x1302, 0xc02c, 0xc030],
      signatureSchemes: compliancePolicy('wpa3-192-202304').signatureSchemes,
      signingSchemes: compliancePolicy('wpa3-192-202304').signingSchemes,
    });
  });

  it('a -fips-202205 server refuses a client that offers only ChaCha20-Poly1305; -cnsa-202407 prefers AES-256-GCM', async () => {
    const { rsa2048 } = interopCerts().server;
    const serverFor = async (flag: string) =>
      createServer(
        await serverOptions(
          config([flag, '-cert-file', rsa2048.chain.file, '-key-file', rsa2048.key.file]),
          new Signer(nodeProvider),
          { failed: false },
          state(),
        ),
      );
    const handshake = async (flag: string, cipherSuites: number[]) => {
      const client = createClient({
        provider: nodeProvider,
        cipherSuites,
        dangerouslySkipCertificateVerification: true,
      });
      const server = await serverFor(flag);
      const outcome: { suite?: string; error?: unknown } = {};
      client.on('handshake', (info) => {
        outcome.suite = info.cipherSuite;
      });
      server.on('close', (event) => {
        outcome.error = event.error;
      });
      await client.start();
      await pump(client, server);
      return outcome;
    };
    expect((await handshake('-fips-202205', [0x1303])).error).toMatchObject({
      code: 'ERR_NO_SHARED_CIPHER',
    });
    const cnsa = await handshake('-cnsa-202407', [0x1303, 0x1301, 0x1302]);
    expect(cnsa.error).toBeUndefined();
    expect(cnsa.suite).toBe('TLS_AES_256_GCM_SHA384');
  });
});
