import { nobleProvider } from '@tlskit/crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateError, TrustStore, verifyChain } from '../src/index.js';
import {
  intermediateExtensions,
  type Issued,
  opensslVerifies,
  Pki,
  rootExtensions,
  serverExtensions,
} from './pki.js';

// openssl verify -policy_check -policy anyPolicy runs RFC 5280 6.1 policy processing with the
// RFC's default user-initial-policy-set and is the oracle here.
describe('certificate policies (RFC 5280 6.1) on chains made by openssl', () => {
  const pki = new Pki();
  afterAll(() => pki.dispose());
  const root = pki.issue('root', { subject: '/CN=Policy Root', extensions: rootExtensions });

  function chain(icaPolicies: string[], leafPolicies: string[]): { ica: Issued; leaf: Issued } {
    const name = `p${Math.random().toString(36).slice(2)}`;
    const ica = pki.issue(`${name}-ica`, {
      subject: `/CN=${name} ICA`,
      extensions: [
        ...intermediateExtensions,
        'policyConstraints=critical,requireExplicitPolicy:0',
        ...icaPolicies,
      ],
      issuer: root,
    });
    const leaf = pki.issue(`${name}-leaf`, {
      subject: '/CN=example.com',
      extensions: [...serverExtensions('DNS:example.com'), ...leafPolicies],
      issuer: ica,
    });
    return { ica, leaf };
  }

  const run = ({ ica, leaf }: { ica: Issued; leaf: Issued }) =>
    verifyChain({
      leaf: leaf.der,
      intermediates: [ica.der],
      trustStore: new TrustStore([root.der]),
      provider: nobleProvider,
    });

  it.each([
    [
      'ICA anyPolicy, leaf 1.2.3.4',
      ['certificatePolicies=2.5.29.32.0'],
      ['certificatePolicies=1.2.3.4'],
      true,
    ],
    [
      'ICA 1.2.3.4, leaf 1.2.3.4',
      ['certificatePolicies=1.2.3.4'],
      ['certificatePolicies=1.2.3.4'],
      true,
    ],
    [
      'ICA 1.2.3.4, leaf 1.2.3.5',
      ['certificatePolicies=1.2.3.4'],
      ['certificatePolicies=1.2.3.5'],
      false,
    ],
    ['ICA anyPolicy, leaf without policies', ['certificatePolicies=2.5.29.32.0'], [], false],
    ['ICA without policies', [], ['certificatePolicies=1.2.3.4'], false],
    [
      'ICA mapping 1.2.3.4 to 1.2.3.9, leaf 1.2.3.9',
      ['certificatePolicies=1.2.3.4', 'policyMappings=1.2.3.4:1.2.3.9'],
      ['certificatePolicies=1.2.3.9'],
      true,
    ],
    [
      'ICA mapping 1.2.3.4 to 1.2.3.9, leaf 1.2.3.4',
      ['certificatePolicies=1.2.3.4', 'policyMappings=1.2.3.4:1.2.3.9'],
      ['certificatePolicies=1.2.3.4'],
      false,
    ],
  ])('requireExplicitPolicy:0 with %s -> valid %s', async (_, icaPolicies, leafPolicies, valid) => {
    const made = chain(icaPolicies, leafPolicies);
    expect(
      opensslVerifies(pki, root, [made.ica], made.leaf, [
        '-policy_check',
        '-policy',
        '2.5.29.32.0',
      ]),
    ).toBe(valid);
    const outcome = await run(made).then(
      () => null,
      (e: unknown) => e,
    );
    if (valid) expect(outcome).toBeNull();
    else {
      expect(outcome).toBeInstanceOf(CertificateError);
      expect((outcome as CertificateError).code).toBe('ERR_CERT_POLICY');
    }
  });
});
