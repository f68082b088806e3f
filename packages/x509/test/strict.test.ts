import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { nobleProvider } from '@tlskit/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateError,
  parseCertificate,
  parseCrl,
  parsePem,
  TrustStore,
  verifyChain,
} from '../src/index.js';
import { nodeTrustStore } from '../src/node.js';
import { type Issued, Pki, rootExtensions, serverExtensions } from './pki.js';

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    // Peer input must only ever produce the tlskit error family.
    expect(error).toBeInstanceOf(CertificateError);
    return (error as CertificateError).code;
  }
}

describe('strict DER', () => {
  const pki = new Pki();
  let root: Issued;
  beforeAll(() => {
    root = pki.issue('root', { subject: '/CN=Strict Root', extensions: rootExtensions });
  });
  afterAll(() => pki.dispose());

  it('rejects a long-form length that fits the short form (BER, not DER)', () => {
    const der = root.der;
    // Re-encode the outer SEQUENCE length with one extra length octet: 30 82 LL LL -> 30 83 00 LL LL.
    expect(der[1]).toBe(0x82);
    const ber = new Uint8Array([0x30, 0x83, 0x00, ...der.subarray(2)]);
    expect(code(() => parseCertificate(ber))).toBe('ERR_CERT_MALFORMED');
  });

  it('rejects an indefinite-length encoding and trailing bytes', () => {
    const der = root.der;
    const indefinite = new Uint8Array([0x30, 0x80, ...der.subarray(4), 0x00, 0x00]);
    expect(code(() => parseCertificate(indefinite))).toBe('ERR_CERT_MALFORMED');
    expect(code(() => parseCertificate(new Uint8Array([...der, 0x00])))).toBe('ERR_CERT_MALFORMED');
  });

  it('throws only CertificateError for mutated certificates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (edits, cut) => {
          const bytes = root.der.slice(0, root.der.length - (cut % 8));
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          code(() => parseCertificate(bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects mutated leaves in verifyChain only with CertificateError', async () => {
    const leaf = pki.issue('fuzzleaf', {
      subject: '/CN=example.com',
      extensions: serverExtensions('DNS:example.com'),
      issuer: root,
    });
    const trustStore = new TrustStore([root.der]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        }),
        async (edits) => {
          const bytes = leaf.der.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const outcome = await verifyChain({
            leaf: bytes,
            trustStore,
            provider: nobleProvider,
            hostname: 'example.com',
          }).then(
            () => null,
            (e: unknown) => e,
          );
          // A mutation may land in the unsigned outer fields and still verify; anything else is a CertificateError.
          if (outcome !== null) expect(outcome).toBeInstanceOf(CertificateError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parses CRLs and refuses a CRL without CRLNumber', () => {
    const limbo = JSON.parse(
      gunzipSync(
        readFileSync(new URL('../../../vectors/x509-limbo/limbo.json.gz', import.meta.url)),
      ).toString(),
    ) as { testcases: { id: string; crls: string[] }[] };
    const missing = limbo.testcases.find((t) => t.id === 'crl::crlnumber-missing')!;
    const crl = parseCrl(parsePem(missing.crls[0]!, 'X509 CRL')[0]!);
    expect(crl.defect).toBe('CRLNumber is missing');
  });
});

describe('trust stores', () => {
  it('loads the Mozilla roots bundled with Node', () => {
    const store = nodeTrustStore();
    expect(store.size).toBeGreaterThan(100);
  });

  it('loads a PEM bundle and ignores text between blocks', () => {
    const pki = new Pki();
    try {
      const a = pki.issue('a', { subject: '/CN=A', extensions: rootExtensions });
      const b = pki.issue('b', { subject: '/CN=B', extensions: rootExtensions });
      const store = TrustStore.fromPem(`# bundle\n${a.pem}\ncomment\n${b.pem}${a.pem}`);
      expect(store.size).toBe(2);
      expect(store.has(parseCertificate(b.der))).toBe(true);
    } finally {
      pki.dispose();
    }
  });

  it('parses every certificate of x509-limbo without an error outside the family', () => {
    const limbo = JSON.parse(
      gunzipSync(
        readFileSync(new URL('../../../vectors/x509-limbo/limbo.json.gz', import.meta.url)),
      ).toString(),
    ) as {
      testcases: {
        peer_certificate: string;
        untrusted_intermediates: string[];
        trusted_certs: string[];
      }[];
    };
    let parsed = 0;
    let bound = 0;
    for (const testcase of limbo.testcases.slice(0, 400)) {
      for (const pem of [
        testcase.peer_certificate,
        ...testcase.untrusted_intermediates,
        ...testcase.trusted_certs,
      ]) {
        if (++bound > 100_000) throw new Error('loop bound');
        for (const der of parsePem(pem))
          if (code(() => parseCertificate(der)) === undefined) parsed++;
      }
    }
    expect(parsed).toBeGreaterThan(1000);
  });
});
