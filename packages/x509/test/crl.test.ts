import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nobleProvider } from '@tlskit/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateError, parseCrl, parsePem, TrustStore, verifyChain } from '../src/index.js';
import { type Issued, openssl, Pki, rootExtensions, serverExtensions } from './pki.js';

describe('CRLs made by openssl ca', () => {
  const pki = new Pki();
  let root: Issued;
  let revoked: Issued;
  let good: Issued;
  let crl: Uint8Array;

  beforeAll(() => {
    root = pki.issue('root', { subject: '/CN=CRL Root', extensions: rootExtensions });
    revoked = pki.issue('revoked', {
      subject: '/CN=revoked.example',
      extensions: serverExtensions('DNS:revoked.example'),
      issuer: root,
    });
    good = pki.issue('good', {
      subject: '/CN=good.example',
      extensions: serverExtensions('DNS:good.example'),
      issuer: root,
    });
    writeFileSync(join(pki.dir, 'index.txt'), '');
    writeFileSync(join(pki.dir, 'crlnumber'), '01\n');
    const config = pki.file(
      'ca.cnf',
      [
        '[ca]',
        'default_ca = test',
        '[test]',
        `database = ${join(pki.dir, 'index.txt')}`,
        `crlnumber = ${join(pki.dir, 'crlnumber')}`,
        `certificate = ${root.certPath}`,
        `private_key = ${root.keyPath}`,
        'default_md = sha256',
        'default_crl_days = 7',
        'crl_extensions = crl_ext',
        '[crl_ext]',
        'authorityKeyIdentifier = keyid:always',
      ].join('\n'),
    );
    openssl(['ca', '-config', config, '-revoke', revoked.certPath]);
    const crlPath = join(pki.dir, 'crl.pem');
    openssl(['ca', '-config', config, '-gencrl', '-out', crlPath]);
    crl = parsePem(readFileSync(crlPath, 'utf8'), 'X509 CRL')[0]!;
  });
  afterAll(() => pki.dispose());

  it('reads the revoked serial and the CRLNumber openssl wrote', () => {
    const parsed = parseCrl(crl);
    const serial = openssl(['x509', '-in', revoked.certPath, '-noout', '-serial'])
      .trim()
      .split('=')[1]!
      .toLowerCase();
    expect([...parsed.revoked].map((s) => s.replace(/^0+/, ''))).toEqual([
      serial.replace(/^0+/, ''),
    ]);
    expect(parsed.hasCrlNumber).toBe(true);
    expect(parsed.defect).toBeUndefined();
  });

  it('rejects the revoked certificate with certificate_revoked and accepts the other', async () => {
    const trustStore = new TrustStore([root.der]);
    await verifyChain({
      leaf: good.der,
      trustStore,
      provider: nobleProvider,
      crls: [crl],
      hostname: 'good.example',
    });
    const error = await verifyChain({
      leaf: revoked.der,
      trustStore,
      provider: nobleProvider,
      crls: [crl],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CertificateError);
    expect([(error as CertificateError).code, (error as CertificateError).alert]).toEqual([
      'ERR_CERT_REVOKED',
      44,
    ]);
  });
});
