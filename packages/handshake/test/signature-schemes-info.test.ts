/**
 * HandshakeInfo records both sides' signature_algorithms (for node:tls's getSharedSigalgs): a
 * server the ClientHello's list, a client the CertificateRequest's (none without one).
 */
import { SignatureScheme as S } from '@tlskit/wire';
import { describe, expect, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

const clientList = [S.rsa_pss_rsae_sha256, S.ecdsa_secp256r1_sha256, S.ed25519];
const serverList = [S.ed25519, S.ecdsa_secp384r1_sha384, S.ecdsa_secp256r1_sha256];

describe('HandshakeInfo signature schemes', () => {
  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    const only = { minVersion: version, maxVersion: version };

    it(`${version}: the server sees the ClientHello's list; the client none without a request`, async () => {
      const f = await fixtures();
      const p = await connectPair(
        [f.server.p256],
        { ...only, signatureSchemes: clientList },
        { signatureSchemes: serverList },
      );
      expect(p.clientClose?.error).toBeUndefined();
      expect(p.serverInfo?.peerSignatureSchemes).toEqual(clientList);
      expect(p.serverInfo?.signatureSchemes).toEqual(serverList);
      expect(p.clientInfo?.peerSignatureSchemes).toEqual([]);
      expect(p.clientInfo?.signatureSchemes).toEqual(clientList);
    });

    it(`${version}: a client asked for its certificate sees the CertificateRequest's list`, async () => {
      const f = await fixtures();
      const p = await connectPair(
        [f.server.p256],
        { ...only, signatureSchemes: clientList, certificate: f.client },
        { signatureSchemes: serverList, clientAuth: 'require', ca: [f.caDer] },
      );
      expect(p.serverClose?.error).toBeUndefined();
      expect(p.clientInfo?.peerSignatureSchemes).toEqual(serverList);
      expect(p.serverInfo?.peerVerified).toBe(true);
    });
  }
});
