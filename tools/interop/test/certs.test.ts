import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Credential, interopCerts, readInteropCerts } from '../src/index.js';

const certs = interopCerts();

/** `openssl verify` is the oracle: an independent RFC 5280 path validator. */
function opensslVerify(credential: Credential, extra: readonly string[] = []) {
  const args = ['verify', '-CAfile', credential.ca.file];
  if (credential.intermediates.pem) args.push('-untrusted', credential.intermediates.file);
  const result = spawnSync('openssl', [...args, ...extra, credential.cert.file], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

describe('interop certificates', () => {
  const valid = {
    ...certs.server,
    clientEcdsa: certs.client.ecdsa,
    clientRsa: certs.client.rsa,
  } as Record<string, Credential>;
  delete valid.expired;
  delete valid.untrusted;

  it.each(Object.keys(valid))('%s verifies against its CA with openssl verify', (name) => {
    const credential = valid[name] as Credential;
    const purpose = name.startsWith('client') ? 'sslclient' : 'sslserver';
    expect(opensslVerify(credential, ['-purpose', purpose]).ok).toBe(true);
  });

  it('server leaves carry tlskit.test, localhost and 127.0.0.1', () => {
    for (const name of [
      'ecdsaP256',
      'ecdsaP384',
      'rsa2048',
      'rsaPss',
      'ed25519',
      'chained',
    ] as const) {
      const x509 = new X509Certificate(certs.server[name].cert.pem);
      expect(x509.checkHost('tlskit.test'), name).toBe('tlskit.test');
      expect(x509.checkHost('localhost'), name).toBe('localhost');
      expect(x509.checkIP('127.0.0.1'), name).toBe('127.0.0.1');
    }
  });

  it('has the key types the names promise', () => {
    const type = (c: Credential) => new X509Certificate(c.cert.pem).publicKey;
    expect(type(certs.server.ecdsaP256).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(type(certs.server.ecdsaP384).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(type(certs.server.rsa2048).asymmetricKeyType).toBe('rsa');
    expect(type(certs.server.rsa2048).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(type(certs.server.rsaPss).asymmetricKeyType).toBe('rsa-pss');
    expect(type(certs.server.ed25519).asymmetricKeyType).toBe('ed25519');
    expect(certs.server.ecdsaP256.key.pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('the chained leaf needs its intermediate, which its chain file carries', () => {
    const c = certs.server.chained;
    const leafOnly = spawnSync('openssl', ['verify', '-CAfile', c.ca.file, c.cert.file], {
      encoding: 'utf8',
    });
    expect(leafOnly.status).not.toBe(0);
    expect(
      new X509Certificate(c.cert.pem).checkIssued(new X509Certificate(certs.intermediate.cert.pem)),
    ).toBe(true);
    expect(c.chain.pem).toBe(c.cert.pem + certs.intermediate.cert.pem);
  });

  it('the expired leaf is refused as expired', () => {
    const result = opensslVerify(certs.server.expired);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/certificate has expired/);
  });

  it('the wrong-host leaf does not match tlskit.test', () => {
    const x509 = new X509Certificate(certs.server.wrongHost.cert.pem);
    expect(x509.checkHost('tlskit.test')).toBeUndefined();
    expect(opensslVerify(certs.server.wrongHost, ['-verify_hostname', 'tlskit.test']).ok).toBe(
      false,
    );
  });

  it('the untrusted leaf does not chain to the main CA', () => {
    const moved = { ...certs.server.untrusted, ca: certs.ca.cert };
    const result = opensslVerify(moved);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/unable to get local issuer certificate/);
  });

  it('the deliberately weak leaves are weak in the way their names say', () => {
    const text = (c: Credential): string =>
      spawnSync('openssl', ['x509', '-noout', '-text', '-in', c.cert.file], { encoding: 'utf8' })
        .stdout;
    expect(text(certs.server.sha1)).toMatch(/Signature Algorithm: ecdsa-with-SHA1/);
    expect(text(certs.server.rsa1024)).toMatch(/Public-Key: \(1024 bit\)/);
    const selfSigned = new X509Certificate(certs.server.selfSigned.cert.pem);
    // Signed by its own key, under its own name (a leaf: CA:FALSE, so not a valid issuer).
    expect(selfSigned.issuer).toBe(selfSigned.subject);
    expect(selfSigned.verify(selfSigned.publicKey)).toBe(true);
    expect(certs.server.selfSigned.ca.file).toBe(certs.server.selfSigned.cert.file);
    const long = new X509Certificate(certs.server.longValidity.cert.pem);
    const days = (Date.parse(long.validTo) - Date.parse(long.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(825);
  });

  it('is made once per process, and a cached set reads back the same files', () => {
    expect(interopCerts()).toBe(certs);
    const again = readInteropCerts(certs.dir);
    expect(again.server.rsaPss.key.pem).toBe(certs.server.rsaPss.key.pem);
    expect(again.server.chained.chain.pem).toBe(certs.server.chained.chain.pem);
    expect(again.client.rsa.cert.file).toBe(certs.client.rsa.cert.file);
  });
});
