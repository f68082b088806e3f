import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Certificate,
  formatIp,
  matchesHostname,
  parseCertificate,
  parseIp,
  verifyHostname,
} from '../src/index.js';
import { Pki, serverExtensions } from './pki.js';

// Certificates with the SANs of each row are made by openssl; the expectations restate
// RFC 9525 section 6.3 and CA/B Forum BR 3.2.2.6, not this package's output.
const rows: [san: string, reference: string, matches: boolean][] = [
  ['DNS:example.com', 'example.com', true],
  ['DNS:example.com', 'EXAMPLE.COM', true],
  ['DNS:example.com', 'example.com.', true],
  ['DNS:Example.COM', 'example.com', true],
  ['DNS:example.com', 'www.example.com', false],
  ['DNS:*.example.com', 'www.example.com', true],
  ['DNS:*.example.com', 'example.com', false],
  ['DNS:*.example.com', 'a.b.example.com', false],
  ['DNS:w*.example.com', 'www.example.com', false],
  ['DNS:www.*.com', 'www.example.com', false],
  ['DNS:*.com', 'example.com', false],
  ['DNS:xn--bcher-kva.example', 'bücher.example', true],
  ['DNS:xn--bcher-kva.example', 'xn--bcher-kva.example', true],
  ['DNS:127.0.0.1', '127.0.0.1', false],
  ['IP:127.0.0.1', '127.0.0.1', true],
  ['IP:127.0.0.1', '127.000.000.001', false],
  ['IP:2001:db8::1', '2001:DB8:0:0:0:0:0:1', true],
  ['IP:2001:db8::1', '[2001:db8::1]', true],
  ['IP:::ffff:1.2.3.4', '::ffff:1.2.3.4', true],
  ['email:a@example.com', 'example.com', false],
];

describe('host name and IP matching (RFC 9525)', () => {
  const pki = new Pki();
  const certificates = new Map<string, Certificate>();
  beforeAll(() => {
    let i = 0;
    for (const [san] of rows) {
      if (certificates.has(san)) continue;
      const issued = pki.issue(`n${i++}`, {
        subject: '/CN=ignored.example',
        extensions: serverExtensions(san),
      });
      certificates.set(san, parseCertificate(issued.der));
    }
  });
  afterAll(() => pki.dispose());

  it.each(rows)('SAN %s against %s -> %s', (san, reference, expected) => {
    expect(matchesHostname(certificates.get(san)!, reference)).toBe(expected);
  });

  it('never falls back to the subject common name', () => {
    expect(matchesHostname(certificates.get('DNS:example.com')!, 'ignored.example')).toBe(false);
    expect(() => verifyHostname(certificates.get('DNS:example.com')!, 'ignored.example')).toThrow(
      expect.objectContaining({ code: 'ERR_CERT_HOSTNAME_MISMATCH', alert: 42 }),
    );
  });

  it('refuses a wildcard directly below a public suffix when told what public suffixes are', () => {
    const issued = pki.issue('psl', {
      subject: '/CN=x',
      extensions: serverExtensions('DNS:*.co.uk'),
    });
    const certificate = parseCertificate(issued.der);
    expect(matchesHostname(certificate, 'example.co.uk')).toBe(true);
    expect(
      matchesHostname(certificate, 'example.co.uk', { isPublicSuffix: (d) => d === 'co.uk' }),
    ).toBe(false);
  });
});

describe('IP address text forms', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0DB8::0001', '2001:db8::1'],
    ['::', '::'],
    ['1::', '1::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('%s is %s in RFC 5952 form', (text, canonical) => {
    expect(formatIp(parseIp(text)!)).toBe(canonical);
  });

  it.each([
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '0x7f.0.0.1',
    '256.1.1.1',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    'example.com',
    '',
  ])('rejects %s', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});
