/**
 * OCSP responses made by `openssl ocsp` (the independent oracle) for a tiny CA in a temp
 * directory, checked by checkOcspResponse; and hostile variants of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nobleProvider } from '@tlskit/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkOcspResponse,
  OcspError,
  type OcspErrorCode,
  parseCertificate,
  parseOcspResponse,
} from '../src/index.js';
import { type Issued, openssl, Pki, rootExtensions, serverExtensions } from './pki.js';

const provider = nobleProvider;
const responderExtensions = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=OCSPSigning',
  'authorityKeyIdentifier=keyid:always',
];

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof OcspError)) throw error;
      expect(error.alert).toBe(113);
      return error.code;
    },
  );
}

describe('OCSP responses made by openssl ocsp', () => {
  const pki = new Pki();
  let root: Issued;
  let otherRoot: Issued;
  let good: Issued;
  let revoked: Issued;
  let unlisted: Issued;
  let responder: Issued;
  let notResponder: Issued;
  const responses: Record<string, Uint8Array> = {};
  let now = 0;

  /** One openssl ocsp run: the in-process responder answers a request for `cert`. */
  function respond(name: string, cert: Issued, signer: Issued, extra: string[] = []): Uint8Array {
    const out = join(pki.dir, `${name}.der`);
    openssl([
      'ocsp',
      ...['-index', join(pki.dir, 'index.txt'), '-CA', root.certPath],
      ...['-rsigner', signer.certPath, '-rkey', signer.keyPath],
      ...['-issuer', root.certPath, '-cert', cert.certPath],
      ...['-no_nonce', '-ndays', '2', '-respout', out],
      ...extra,
    ]);
    return new Uint8Array(readFileSync(out));
  }

  beforeAll(() => {
    root = pki.issue('root', { subject: '/CN=OCSP Root', extensions: rootExtensions });
    otherRoot = pki.issue('other', { subject: '/CN=OCSP Root', extensions: rootExtensions });
    const leaf = (name: string) =>
      pki.issue(name, {
        subject: `/CN=${name}.example`,
        extensions: serverExtensions(`DNS:${name}.example`),
        issuer: root,
      });
    good = leaf('good');
    revoked = leaf('revoked');
    unlisted = leaf('unlisted');
    responder = pki.issue('responder', {
      subject: '/CN=OCSP Responder',
      extensions: responderExtensions,
      issuer: root,
      kind: 'rsa',
    });
    notResponder = pki.issue('not-responder', {
      subject: '/CN=Not a Responder',
      extensions: serverExtensions('DNS:nope.example'),
      issuer: root,
    });
    // The index openssl ca keeps: V(alid) and R(evoked) lines, looked up by serial.
    const line = (status: string, cert: Issued, revokedAt = '') => {
      const serial = openssl(['x509', '-in', cert.certPath, '-noout', '-serial'])
        .trim()
        .split('=')[1];
      return `${status}\t301231000000Z\t${revokedAt}\t${serial}\tunknown\t/CN=${serial}\n`;
    };
    pki.file(
      'index.txt',
      line('V', good) + line('R', revoked, '240101000000Z,keyCompromise') + line('V', notResponder),
    );
    responses.good = respond('good', good, root);
    responses.revoked = respond('revoked', revoked, root);
    responses.unknown = respond('unknown', unlisted, root);
    responses.delegated = respond('delegated', good, responder);
    responses.notResponder = respond('not-responder', good, notResponder);
    responses.byKey = respond('by-key', good, root, ['-resp_key_id']);
    // Another CA with the same name vouches for `good`'s serial with its own key.
    const forged = join(pki.dir, 'forged.der');
    openssl([
      ...['ocsp', '-index', join(pki.dir, 'index.txt'), '-CA', otherRoot.certPath],
      ...['-rsigner', otherRoot.certPath, '-rkey', otherRoot.keyPath],
      ...['-issuer', otherRoot.certPath, '-cert', good.certPath],
      ...['-no_nonce', '-ndays', '2', '-respout', forged],
    ]);
    responses.forged = new Uint8Array(readFileSync(forged));
    now = Date.now();
  });
  afterAll(() => pki.dispose());

  const check = (response: Uint8Array, certificate: Issued, extra: object = {}) =>
    checkOcspResponse({
      response,
      certificate: certificate.der,
      issuer: root.der,
      provider,
      time: now,
      ...extra,
    });

  it('reads good, revoked and unknown answers signed by the issuer', async () => {
    const ok = await check(responses.good!, good);
    expect([ok.status, ok.signer]).toEqual(['good', 'issuer']);
    expect(ok.response.nextUpdate! - ok.response.thisUpdate).toBe(2 * 86400);
    const bad = await check(responses.revoked!, revoked);
    expect(bad.status).toBe('revoked');
    expect(bad.response.revocationTime).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(bad.response.revocationReason).toBe(1); // keyCompromise (RFC 5280 5.3.1)
    expect((await check(responses.unknown!, unlisted)).status).toBe('unknown');
  });

  it('accepts a responder ID by key hash as well as by name', async () => {
    const parsed = parseOcspResponse(responses.byKey!);
    expect('byKey' in parsed.responderId).toBe(true);
    expect('byName' in parseOcspResponse(responses.good!).responderId).toBe(true);
    expect((await check(responses.byKey!, good)).status).toBe('good');
  });

  it('accepts a delegated responder with id-kp-OCSPSigning issued by the issuer', async () => {
    const result = await check(responses.delegated!, good);
    expect([result.status, result.signer]).toEqual(['good', 'delegated']);
    expect(parseOcspResponse(responses.delegated!).certs).toHaveLength(1);
  });

  it('refuses a signer without id-kp-OCSPSigning, and one with no certificate', async () => {
    expect(await codeOf(check(responses.notResponder!, good))).toBe(
      'ERR_OCSP_UNAUTHORIZED_RESPONDER',
    );
    // The same delegated response, judged as if another CA of the same name issued the leaf.
    expect(
      await codeOf(
        checkOcspResponse({
          response: responses.delegated!,
          certificate: good.der,
          issuer: otherRoot.der,
          provider,
          time: now,
        }),
      ),
    ).toBe('ERR_OCSP_WRONG_CERTIFICATE');
  });

  it('refuses an issuer of the same name that did not sign the certificate', async () => {
    const asIssuer = (issuer: Issued) =>
      checkOcspResponse({
        response: responses.forged!,
        certificate: good.der,
        issuer: issuer.der,
        provider,
        time: now,
      });
    // The forged response is self-consistent for otherRoot, but otherRoot did not issue `good`.
    expect(await codeOf(asIssuer(otherRoot))).toBe('ERR_OCSP_WRONG_CERTIFICATE');
    expect(await codeOf(asIssuer(root))).toBe('ERR_OCSP_WRONG_CERTIFICATE');
  });

  it('refuses a response about another certificate', async () => {
    expect(await codeOf(check(responses.good!, revoked))).toBe('ERR_OCSP_WRONG_CERTIFICATE');
  });

  it('refuses a response past nextUpdate or before thisUpdate, within the skew', async () => {
    const { thisUpdate, nextUpdate } = parseOcspResponse(responses.good!).responses[0]!;
    const at = (seconds: number) => ({ time: seconds * 1000 });
    expect((await check(responses.good!, good, at(nextUpdate! + 299))).status).toBe('good');
    expect(await codeOf(check(responses.good!, good, at(nextUpdate! + 301)))).toBe(
      'ERR_OCSP_EXPIRED',
    );
    expect(await codeOf(check(responses.good!, good, at(thisUpdate - 301)))).toBe(
      'ERR_OCSP_NOT_YET_VALID',
    );
    expect(
      await codeOf(check(responses.good!, good, { ...at(nextUpdate! + 10), maxSkew: 0 })),
    ).toBe('ERR_OCSP_EXPIRED');
  });

  it('refuses a response whose signature does not verify', async () => {
    const original = responses.good!;
    const signature = parseOcspResponse(original).signature;
    const tampered = original.slice();
    tampered[signature.byteOffset - original.byteOffset + 12]! ^= 0x01;
    expect(await codeOf(check(tampered, good))).toBe('ERR_OCSP_BAD_SIGNATURE');
  });

  it('refuses a non-successful response status (RFC 6960 4.2.1)', async () => {
    // OCSPResponse { responseStatus tryLater(3) }, as `openssl ocsp` never writes it.
    const tryLater = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03);
    expect(await codeOf(check(tryLater, good))).toBe('ERR_OCSP_UNSUCCESSFUL');
  });

  it('refuses truncated and mutated responses with OcspError only', async () => {
    const original = responses.delegated!;
    expect(await codeOf(check(original.subarray(0, original.length - 1), good))).toBe(
      'ERR_OCSP_MALFORMED',
    );
    const seen = new Set<OcspErrorCode | 'good'>();
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 300; i++) {
      const mutated = original.slice();
      const flips = 1 + (random() % 3);
      for (let j = 0; j < flips; j++) mutated[random() % mutated.length] = random() & 0xff;
      const code = await codeOf(check(mutated, good));
      seen.add((code as OcspErrorCode | undefined) ?? 'good');
    }
    expect(seen.has('ERR_OCSP_MALFORMED')).toBe(true);
    expect(seen.has('ERR_OCSP_BAD_SIGNATURE')).toBe(true);
  });

  it('parses the certificate it was asked about out of the DER as given', () => {
    const parsed = parseOcspResponse(responses.good!);
    expect(parsed.responses[0]!.certId.serialNumber).toEqual(
      parseCertificate(good.der).serialNumber,
    );
    expect(parsed.responses[0]!.certId.hash).toBe('SHA-1');
  });
});
