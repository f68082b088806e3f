/**
 * The legacy opt-ins: secp224r1 (ECDHE and ECDSA P-224 certificates) and the SHA-1 signature
 * schemes, used in TLS 1.2 only and only when the caller lists them (RFC 9155, RFC 8446 4.2.3
 * and 4.2.7). Engine pairs in memory; the interop with OpenSSL is in legacy-openssl.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNobleProvider, nobleProvider } from '@tlskit/crypto';
import { type CertificateEntry, createClient, OptionsError } from '@tlskit/handshake';
import { NamedGroup, SignatureScheme } from '@tlskit/wire';
import { TrustStore, verifyChain } from '@tlskit/x509';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

const P224 = NamedGroup.secp224r1;
const X25519 = NamedGroup.x25519;
const RSA_SHA1 = SignatureScheme.rsa_pkcs1_sha1;
const ECDSA_SHA1 = SignatureScheme.ecdsa_sha1;
const sha1Provider = createNobleProvider({ allowSha1Signatures: true });
const only12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;

let p224Leaf: Promise<CertificateEntry> | undefined;

/** A P-224 server leaf issued by the test CA, made by the openssl CLI. */
function p224Certificate(): Promise<CertificateEntry> {
  p224Leaf ??= (async () => {
    const { dir } = await fixtures();
    const run = (args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
    };
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-224', '-out', 'p224.key']);
    run(['req', '-new', '-key', 'p224.key', '-subj', '/CN=localhost', '-out', 'p224.csr']);
    run([
      'x509',
      '-req',
      '-in',
      'p224.csr',
      '-CA',
      'test-ca.pem',
      '-CAkey',
      'test-ca.key',
      '-CAcreateserial',
      '-days',
      '365',
      '-extfile',
      'server-p256.ext',
      '-outform',
      'DER',
      '-out',
      'p224.der',
    ]);
    const key = await nobleProvider.importPrivateKey(readFileSync(join(dir, 'p224.key'), 'utf8'));
    return { chain: [new Uint8Array(readFileSync(join(dir, 'p224.der')))], key };
  })();
  return p224Leaf;
}

describe('secp224r1', () => {
  it('is never used by default: a client that offers only it finds no group in common', async () => {
    const f = await fixtures();
    const p = await connectPair([f.server.rsa], { groups: [P224] });
    expect(p.clientInfo).toBeUndefined();
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_GROUP' });
  });

  it('is used for TLS 1.2 ECDHE when both sides list it; the client then offers TLS 1.2 only', async () => {
    const f = await fixtures();
    // An RSA leaf: with only secp224r1 in supported_groups a P-256 key may not sign (RFC 8422 5.1.1).
    const p = await connectPair([f.server.rsa], { groups: [P224] }, { groups: [P224, X25519] });
    expect(p.clientClose?.error).toBeUndefined();
    expect(p.clientInfo?.version).toBe('TLSv1.2');
    expect(p.clientInfo?.group).toBe('secp224r1');
    expect(p.serverInfo?.group).toBe('secp224r1');
  });

  it('is never used in TLS 1.3, even when the server prefers it', async () => {
    const f = await fixtures();
    const p = await connectPair(
      [f.server.p256],
      { groups: [P224, X25519] },
      { groups: [P224, X25519] },
    );
    expect(p.clientInfo?.version).toBe('TLSv1.3');
    expect(p.clientInfo?.group).toBe('x25519');
    // A TLS 1.3 server whose only group is secp224r1 has none in common, even with a client
    // that lists it (for TLS 1.2): no HelloRetryRequest asking for it.
    const only = await connectPair(
      [f.server.p256],
      { groups: [X25519, P224] },
      { groups: [P224], minVersion: 'TLSv1.3' },
    );
    expect(only.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_GROUP' });
  });

  it('is refused as a TLS 1.3 key share at creation', () => {
    expect(() =>
      createClient({
        provider: nobleProvider,
        dangerouslySkipCertificateVerification: true,
        groups: [X25519, P224],
        keyShareGroups: [P224],
      }),
    ).toThrow(OptionsError);
  });

  it('allows a P-224 certificate in TLS 1.2 only when the client lists the curve', async () => {
    const leaf = await p224Certificate();
    const f = await fixtures();
    // The default verifier holds a chain to the Web PKI rules, which refuse P-224 keys (CA/B
    // Forum BR 6.1.5); an old private PKI is checked with RFC 5280 alone.
    const verifyCertificate = async (chain: readonly Uint8Array[], context: { now: number }) => {
      await verifyChain({
        leaf: chain[0]!,
        intermediates: chain.slice(1),
        trustStore: new TrustStore([f.caDer]),
        provider: nobleProvider,
        time: context.now,
        purpose: 'serverAuth',
        hostname: 'localhost',
        profile: 'rfc5280',
      });
    };
    const listed = await connectPair([leaf], {
      ...only12,
      groups: [X25519, P224],
      verifyCertificate,
    });
    expect(listed.clientClose?.error).toBeUndefined();
    expect(listed.clientInfo?.peerVerified).toBe(true);
    expect(listed.clientInfo?.peerSignatureScheme).toBe(SignatureScheme.ecdsa_secp256r1_sha256);
    // RFC 8422 5.1.1: without the curve in supported_groups the server may not use the key.
    const unlisted = await connectPair([leaf], { ...only12 });
    expect(unlisted.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_CIPHER' });
    // TLS 1.3 has no scheme for a P-224 key (RFC 8446 4.2.3).
    const tls13 = await connectPair([leaf], { groups: [X25519, P224] }, { minVersion: 'TLSv1.3' });
    expect(tls13.clientInfo).toBeUndefined();
    expect(tls13.serverClose?.error).toBeDefined();
  });
});

describe('SHA-1 signature schemes', () => {
  it('are neither offered nor used by default, even when the provider allows them', async () => {
    const f = await fixtures();
    const p = await connectPair(
      [f.server.rsa],
      { ...only12, provider: sha1Provider },
      { provider: sha1Provider },
    );
    expect(p.clientInfo?.signatureSchemes).not.toContain(RSA_SHA1);
    expect(p.serverInfo?.peerSignatureSchemes).not.toContain(RSA_SHA1);
    expect(p.clientInfo?.peerSignatureScheme).not.toBe(RSA_SHA1);
  });

  it.each([
    ['rsa', RSA_SHA1],
    ['p256', ECDSA_SHA1],
  ] as const)(
    'sign and verify with a %s key in TLS 1.2 when both sides list them',
    async (kind, scheme) => {
      const f = await fixtures();
      const p = await connectPair(
        [f.server[kind]],
        { ...only12, provider: sha1Provider, signatureSchemes: [scheme] },
        { provider: sha1Provider, signatureSchemes: [scheme] },
      );
      expect(p.clientClose?.error).toBeUndefined();
      expect(p.clientInfo?.peerSignatureScheme).toBe(scheme);
    },
  );

  it('are signed with only when nothing stronger is in common, whatever the peer prefers', async () => {
    const f = await fixtures();
    const schemes = [RSA_SHA1, SignatureScheme.rsa_pkcs1_sha256];
    const p = await connectPair(
      [f.server.rsa],
      { ...only12, provider: sha1Provider, signatureSchemes: schemes },
      { provider: sha1Provider, signatureSchemes: schemes },
    );
    expect(p.clientInfo?.peerSignatureScheme).toBe(SignatureScheme.rsa_pkcs1_sha256);
  });

  it('are not signed with when only the peer lists them', async () => {
    const f = await fixtures();
    const p = await connectPair(
      [f.server.rsa],
      { ...only12, provider: sha1Provider, signatureSchemes: [RSA_SHA1] },
      { provider: sha1Provider },
    );
    expect(p.clientInfo).toBeUndefined();
    expect(p.serverClose?.error).toMatchObject({ code: 'ERR_NO_SHARED_CIPHER' });
  });

  it('are never used in TLS 1.3, even when listed first', async () => {
    const f = await fixtures();
    const schemes = [RSA_SHA1, SignatureScheme.rsa_pss_rsae_sha256];
    const p = await connectPair(
      [f.server.rsa],
      { provider: sha1Provider, signatureSchemes: schemes },
      { provider: sha1Provider, signatureSchemes: schemes },
    );
    expect(p.clientInfo?.version).toBe('TLSv1.3');
    expect(p.clientInfo?.peerSignatureScheme).toBe(SignatureScheme.rsa_pss_rsae_sha256);
  });
});
