import { describe, expect, it } from 'vitest';
import { column, expectBothSides, expectPositive, smokeRun } from './run-smoke.js';

describe('pnpm bench handshake --smoke', () => {
  it('completes handshakes with tlskit over every provider and with node:tls, both certificates', async () => {
    const markdown = await smokeRun('handshake');
    const certs = column(markdown, 'certificate');
    const names = column(markdown, 'implementation');
    for (const cert of ['ECDSA P-256', 'RSA-2048']) {
      expectBothSides(names.filter((_, i) => certs[i] === cert));
    }
    expectPositive(column(markdown, 'handshakes/s'));
    expect(column(markdown, 'vs node:tls').every((r) => /^\d+\.\d\dx$/.test(r))).toBe(true);
  }, 60_000);
});

describe('pnpm bench handshake --tls 1.3 --provider noble --smoke', () => {
  it('keeps only the named version and provider, next to node:tls', async () => {
    const markdown = await smokeRun('handshake', '--tls', '1.3', '--provider', 'noble');
    expect(new Set(column(markdown, 'version'))).toEqual(new Set(['TLSv1.3']));
    expect(new Set(column(markdown, 'implementation'))).toEqual(
      new Set(['tlskit (noble)', 'node:tls']),
    );
  }, 60_000);
});

describe('TLS 1.2 rows', () => {
  it('configures node:tls for TLS 1.2 with the ECDHE suites the rows name, so they can appear', async () => {
    // The reference side of a TLS 1.2 row must negotiate 1.2 with the configured suite; the
    // tlskit rows join once the engines speak 1.2 (benchVersions checks every implementation).
    const { nodeTls, secureConnected } = await import('../src/peers.js');
    for (const cert of ['ECDSA P-256', 'RSA-2048'] as const) {
      const profile = { version: 'TLSv1.2', cert, aead: 'CHACHA20-POLY1305' } as const;
      const server = await nodeTls.listen(profile, () => {});
      const socket = nodeTls.connect(server.port, profile) as import('node:tls').TLSSocket;
      try {
        await secureConnected(socket);
        expect(socket.getProtocol()).toBe('TLSv1.2');
        expect(socket.getEphemeralKeyInfo()).toMatchObject({ name: 'X25519' });
        expect(socket.getCipher().standardName).toBe(
          cert === 'RSA-2048'
            ? 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'
            : 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
        );
      } finally {
        socket.destroy();
        await server.close();
      }
    }
  }, 30_000);
});
