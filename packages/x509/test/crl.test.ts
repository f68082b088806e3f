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
  let futureCrl: Uint8Array;

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
    // A CRL issued "tomorrow": openssl writes the lastUpdate it is told.
    const stamp = (ms: number) => `${new Date(ms).toISOString().replace(/[-:T]|\.\d+/g, '')}`;
    const futurePath = join(pki.dir, 'future-crl.pem');
    openssl([
      ...['ca', '-config', config, '-gencrl', '-out', futurePath],
      ...['-crl_lastupdate', stamp(Date.now() + 86_400_000)],
      ...['-crl_nextupdate', stamp(Date.now() + 8 * 86_400_000)],
    ]);
    futureCrl = parsePem(readFileSync(futurePath, 'utf8'), 'X509 CRL')[0]!;
  });

  async function crlCode(leaf: Uint8Array, crls: Uint8Array[], time: number, skew?: number) {
    return verifyChain({
      leaf,
      trustStore: new TrustStore([root.der]),
      provider: nobleProvider,
      crls,
      time,
      ...(skew === undefined ? {} : { crlMaxSkew: skew }),
    }).then(
      () => 'ok',
      (e: unknown) => (e as CertificateError).code,
    );
  }

  it('refuses a CRL past its nextUpdate (RFC 5280 6.3.3), for good and revoked alike', async () => {
    const { nextUpdate } = parseCrl(crl);
    expect(nextUpdate).toBeDefined();
    const after = (nextUpdate! + 60) * 1000;
    expect(await crlCode(good.der, [crl], Date.now())).toBe('ok');
    expect(await crlCode(good.der, [crl], after)).toBe('ERR_CERT_CRL_EXPIRED');
    expect(await crlCode(revoked.der, [crl], after)).toBe('ERR_CERT_CRL_EXPIRED');
    expect(await crlCode(good.der, [crl], after, 120)).toBe('ok');
  });

  it('refuses a CRL whose thisUpdate is in the future', async () => {
    expect(parseCrl(futureCrl).thisUpdate).toBeGreaterThan(Date.now() / 1000);
    expect(await crlCode(good.der, [futureCrl], Date.now())).toBe('ERR_CERT_CRL_NOT_YET_VALID');
    expect(await crlCode(good.der, [futureCrl], Date.now() + 2 * 86_400_000)).toBe('ok');
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
