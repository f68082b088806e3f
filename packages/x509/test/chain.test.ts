import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { nobleProvider } from '@tlskit/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateError,
  parseCertificate,
  parsePem,
  TrustStore,
  verifyChain,
} from '../src/index.js';
import {
  intermediateExtensions,
  type Issued,
  type KeyKind,
  openssl,
  opensslVerifies,
  Pki,
  rootExtensions,
  serverExtensions,
} from './pki.js';

const day = 86_400_000;

async function rejection(promise: Promise<unknown>): Promise<CertificateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CertificateError);
  return error as CertificateError;
}

describe.each<KeyKind>(['ec', 'rsa', 'ed25519'])(
  'a root -> intermediate -> leaf chain made by openssl (%s)',
  (kind) => {
    const pki = new Pki();
    let root: Issued;
    let ica: Issued;
    let leaf: Issued;

    beforeAll(() => {
      root = pki.issue('root', {
        subject: '/CN=Test Root',
        extensions: rootExtensions,
        kind,
        days: 3650,
      });
      ica = pki.issue('ica', {
        subject: '/CN=Test ICA',
        extensions: intermediateExtensions,
        issuer: root,
        kind,
      });
      leaf = pki.issue('leaf', {
        subject: '/CN=example.com',
        extensions: serverExtensions('DNS:example.com,DNS:*.example.net,IP:127.0.0.1,IP:::1'),
        issuer: ica,
        kind,
      });
    });
    afterAll(() => pki.dispose());

    const verify = (overrides: Partial<Parameters<typeof verifyChain>[0]> = {}) =>
      verifyChain({
        leaf: leaf.der,
        intermediates: [ica.der],
        trustStore: new TrustStore([root.der]),
        provider: nobleProvider,
        hostname: 'example.com',
        ...overrides,
      });

    it('validates the chain openssl verify accepts, leaf first and anchor last', async () => {
      expect(opensslVerifies(pki, root, [ica], leaf)).toBe(true);
      const { chain } = await verify();
      expect(chain.map((c) => c.der)).toEqual([leaf.der, ica.der, root.der]);
    });

    it('matches host names and IP addresses from the SAN only', async () => {
      await verify({ hostname: 'EXAMPLE.com' });
      await verify({ hostname: 'www.example.net' });
      await verify({ hostname: '127.0.0.1' });
      await verify({ ip: '::1', hostname: '0:0::1' });
      for (const hostname of ['example.org', 'a.b.example.net', 'example.net', '127.0.0.2']) {
        const error = await rejection(verify({ hostname }));
        expect(error.code).toBe('ERR_CERT_HOSTNAME_MISMATCH');
        expect(error.alert).toBe(42);
        // The message names what was asked and what the certificate is valid for (as openssl
        // x509 -ext subjectAltName prints them), so the fix is obvious without tools.
        expect(error.message).toBe(
          `certificate is not valid for "${hostname}": it is valid for DNS:example.com, DNS:*.example.net, IP Address:127.0.0.1, IP Address:::1`,
        );
      }
    });

    it('rejects the chain after notAfter and before notBefore', async () => {
      const expired = await rejection(verify({ time: Date.now() + 40 * day }));
      expect([expired.code, expired.alert]).toEqual(['ERR_CERT_EXPIRED', 45]);
      // The message names the certificate and carries its validity period (the dates openssl
      // x509 -dates prints). The intermediate is the one whose notAfter has passed at that time.
      const dates = /valid from (\S+) to (\S+), checked at (\S+)$/.exec(expired.message);
      const node = new X509Certificate(ica.der);
      expect(expired.message).toMatch(/^CN=Test ICA has expired: /);
      expect(dates?.slice(1, 3).map((d) => Date.parse(d))).toEqual([
        Date.parse(node.validFrom),
        Date.parse(node.validTo),
      ]);
      const early = await rejection(verify({ time: Date.now() - 2 * day }));
      expect([early.code, early.alert]).toEqual(['ERR_CERT_NOT_YET_VALID', 45]);
    });

    it('reports unknown_ca without the intermediate or with another root', async () => {
      const other = pki.issue('other', {
        subject: '/CN=Other Root',
        extensions: rootExtensions,
        kind,
      });
      for (const options of [{ intermediates: [] }, { trustStore: new TrustStore([other.der]) }]) {
        const error = await rejection(verify(options));
        expect([error.code, error.alert]).toEqual(['ERR_CERT_UNKNOWN_ISSUER', 48]);
      }
    });

    it('stops with ERR_CERT_WORK_LIMIT when the signature budget runs out', async () => {
      const error = await rejection(verify({ limits: { signatureChecks: 1 } }));
      expect([error.code, error.alert]).toEqual(['ERR_CERT_WORK_LIMIT', 46]);
    });

    it('refuses a path longer than maxIntermediates', async () => {
      const error = await rejection(verify({ maxIntermediates: 0 }));
      expect(error.code).toBe('ERR_CERT_PATH_LENGTH');
    });

    it('rejects a leaf whose signature was altered', async () => {
      const tampered = leaf.der.slice();
      tampered[tampered.length - 5]! ^= 0x01;
      const error = await rejection(verify({ leaf: tampered }));
      expect(error.code).toBe('ERR_CERT_BAD_SIGNATURE');
    });

    it('rejects a leaf without serverAuth when serverAuth is asked, accepts it for clientAuth', async () => {
      const client = pki.issue('client', {
        subject: '/CN=client',
        extensions: [
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=clientAuth',
          'authorityKeyIdentifier=keyid:always',
          'subjectAltName=email:user@example.com',
        ],
        issuer: ica,
        kind,
      });
      expect(opensslVerifies(pki, root, [ica], client, ['-purpose', 'sslserver'])).toBe(false);
      const error = await rejection(verify({ leaf: client.der, hostname: undefined as never }));
      expect(error.code).toBe('ERR_CERT_PURPOSE');
      await verify({
        leaf: client.der,
        hostname: undefined as never,
        purpose: 'clientAuth',
        email: 'user@example.com',
      });
    });
  },
);

describe('RFC 5280 constraints on chains made by openssl', () => {
  const pki = new Pki();
  afterAll(() => pki.dispose());

  it('enforces pathLenConstraint like openssl verify', async () => {
    const root = pki.issue('plroot', {
      subject: '/CN=PL Root',
      extensions: [...rootExtensions.slice(1), 'basicConstraints=critical,CA:TRUE,pathlen:0'],
    });
    const ica = pki.issue('plica', {
      subject: '/CN=PL ICA',
      extensions: intermediateExtensions,
      issuer: root,
    });
    const ica2 = pki.issue('plica2', {
      subject: '/CN=PL ICA 2',
      extensions: intermediateExtensions,
      issuer: ica,
    });
    const leaf = pki.issue('plleaf', {
      subject: '/CN=example.com',
      extensions: serverExtensions('DNS:example.com'),
      issuer: ica2,
    });
    expect(opensslVerifies(pki, root, [ica, ica2], leaf)).toBe(false);
    const error = await rejection(
      verifyChain({
        leaf: leaf.der,
        intermediates: [ica2.der, ica.der],
        trustStore: new TrustStore([root.der]),
        provider: nobleProvider,
      }),
    );
    expect(error.code).toBe('ERR_CERT_PATH_LENGTH');
  });

  it('enforces DNS and IP name constraints like openssl verify', async () => {
    const root = pki.issue('ncroot', { subject: '/CN=NC Root', extensions: rootExtensions });
    const ica = pki.issue('ncica', {
      subject: '/CN=NC ICA',
      extensions: [
        ...intermediateExtensions,
        'nameConstraints=critical,permitted;DNS:example.com,excluded;IP:10.0.0.0/255.0.0.0',
      ],
      issuer: root,
    });
    const inside = pki.issue('ncin', {
      subject: '/CN=a.example.com',
      extensions: serverExtensions('DNS:a.example.com'),
      issuer: ica,
    });
    const outside = pki.issue('ncout', {
      subject: '/CN=example.org',
      extensions: serverExtensions('DNS:example.org'),
      issuer: ica,
    });
    const excludedIp = pki.issue('ncip', {
      subject: '/CN=a.example.com',
      extensions: serverExtensions('DNS:a.example.com,IP:10.1.2.3'),
      issuer: ica,
    });
    const trustStore = new TrustStore([root.der]);
    const run = (leaf: Issued) =>
      verifyChain({
        leaf: leaf.der,
        intermediates: [ica.der],
        trustStore,
        provider: nobleProvider,
      });
    expect(opensslVerifies(pki, root, [ica], inside)).toBe(true);
    await run(inside);
    for (const leaf of [outside, excludedIp]) {
      expect(opensslVerifies(pki, root, [ica], leaf)).toBe(false);
      const error = await rejection(run(leaf));
      expect([error.code, error.alert]).toEqual(['ERR_CERT_NAME_CONSTRAINTS', 42]);
    }
  });

  it('parses the fields openssl prints', () => {
    const root = pki.issue('fields', {
      subject: '/C=US/O=Example Org/CN=Fields Root',
      extensions: rootExtensions,
      days: 400,
    });
    const certificate = parseCertificate(root.der);
    const serial = openssl(['x509', '-in', root.certPath, '-noout', '-serial'])
      .trim()
      .split('=')[1]!;
    expect(
      Buffer.from(certificate.serialNumber).toString('hex').toUpperCase().replace(/^0+/, ''),
    ).toBe(serial.replace(/^0+/, ''));
    const end = openssl(['x509', '-in', root.certPath, '-noout', '-enddate']).trim().split('=')[1]!;
    expect(certificate.notAfter * 1000).toBe(Date.parse(end));
    expect(certificate.subject.rdns.map((rdn) => rdn[0]!.text)).toEqual([
      'US',
      'Example Org',
      'Fields Root',
    ]);
    expect(certificate.basicConstraints).toEqual({ ca: true });
    expect(certificate.selfIssued).toBe(true);
  });
});

describe('a self-signed server certificate trusted directly', () => {
  const pki = new Pki();
  afterAll(() => pki.dispose());

  it('validates the certificate openssl req -x509 makes by default, for its SAN only', async () => {
    const key = pki.key('self', 'ec');
    const certPath = `${pki.dir}/self.pem`;
    openssl([
      'req',
      '-x509',
      '-key',
      key,
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-days',
      '2',
      '-out',
      certPath,
    ]);
    const der = parsePem(readFileSync(certPath, 'utf8'))[0]!;
    const trustStore = new TrustStore([der]);
    await verifyChain({ leaf: der, trustStore, provider: nobleProvider, hostname: 'localhost' });
    const error = await rejection(
      verifyChain({ leaf: der, trustStore, provider: nobleProvider, hostname: 'example.com' }),
    );
    expect(error.code).toBe('ERR_CERT_HOSTNAME_MISMATCH');
    const untrusted = await rejection(
      verifyChain({
        leaf: der,
        trustStore: new TrustStore(),
        provider: nobleProvider,
        hostname: 'localhost',
      }),
    );
    expect(untrusted.code).toBe('ERR_CERT_UNKNOWN_ISSUER');
  });
});
