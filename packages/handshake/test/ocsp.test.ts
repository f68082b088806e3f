/**
 * OCSP stapling between the engines, in TLS 1.3 (CertificateEntry status_request) and TLS 1.2
 * (CertificateStatus), with responses made by `openssl ocsp` for the fixtures' CA.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  concatBytes,
  decodeHandshake,
  encodeHandshake,
  ExtensionType,
  HandshakeType,
  isTlsError,
  splitHandshakeMessages,
  type TlsError,
} from '@tlskit/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClientOptions, MessageTrace, TlsVersion } from '../src/index.js';
import { type Fixtures, fixtures } from './fixtures.js';
import { connectPair } from './pair.js';

function openssl(cwd: string, args: readonly string[]): string {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

let f: Fixtures;
const staples: Record<'good' | 'revoked' | 'otherCert' | 'forged', Uint8Array> = {} as never;
/** A CA named like the fixtures' CA (`/CN=test-ca`) with another key: an impostor. */
let impostorDer: Uint8Array;

beforeAll(async () => {
  f = await fixtures();
  const dir = mkdtempSync(join(f.dir, 'ocsp-'));
  const serial = (pem: string) =>
    openssl(f.dir, ['x509', '-in', pem, '-noout', '-serial']).trim().split('=')[1]!;
  const p256 = serial('server-p256.pem');
  const p384 = serial('server-p384.pem');
  const respond = (name: string, index: string, cert: string) => {
    writeFileSync(join(dir, `${name}.idx`), index);
    const out = join(dir, `${name}.der`);
    openssl(f.dir, [
      ...['ocsp', '-index', join(dir, `${name}.idx`), '-CA', 'test-ca.pem'],
      ...['-rsigner', 'test-ca.pem', '-rkey', 'test-ca.key', '-issuer', 'test-ca.pem'],
      ...['-cert', cert, '-no_nonce', '-ndays', '1', '-respout', out],
    ]);
    return new Uint8Array(readFileSync(out));
  };
  staples.good = respond(
    'good',
    `V\t301231000000Z\t\t${p256}\tunknown\t/CN=a\n`,
    'server-p256.pem',
  );
  staples.revoked = respond(
    'revoked',
    `R\t301231000000Z\t240101000000Z\t${p256}\tunknown\t/CN=a\n`,
    'server-p256.pem',
  );
  // The impostor signs a "good" answer about the p256 leaf's serial with its own key.
  openssl(dir, [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    'impostor.key',
  ]);
  openssl(dir, [
    ...['req', '-x509', '-new', '-key', 'impostor.key', '-subj', '/CN=test-ca', '-days', '30'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-out', 'impostor.pem'],
  ]);
  openssl(dir, ['x509', '-in', 'impostor.pem', '-outform', 'DER', '-out', 'impostor.der']);
  impostorDer = new Uint8Array(readFileSync(join(dir, 'impostor.der')));
  writeFileSync(join(dir, 'forged.idx'), `V\t301231000000Z\t\t${p256}\tunknown\t/CN=a\n`);
  openssl(dir, [
    ...['ocsp', '-index', 'forged.idx', '-CA', 'impostor.pem', '-rsigner', 'impostor.pem'],
    ...[
      '-rkey',
      'impostor.key',
      '-issuer',
      'impostor.pem',
      '-cert',
      join(f.dir, 'server-p256.pem'),
    ],
    ...['-no_nonce', '-ndays', '1', '-respout', 'forged.der'],
  ]);
  staples.forged = new Uint8Array(readFileSync(join(dir, 'forged.der')));
  staples.otherCert = respond(
    'other',
    `V\t301231000000Z\t\t${p384}\tunknown\t/CN=b\n`,
    'server-p384.pem',
  );
});

const versions: TlsVersion[] = ['TLSv1.3', 'TLSv1.2'];

function clientOptions(version: TlsVersion, extra: Partial<ClientOptions> = {}) {
  return { minVersion: version, maxVersion: version, requestOcsp: true, ...extra };
}

describe.each(versions)('OCSP stapling over %s', (version) => {
  it('staples the entry response when asked, and the client reports it good', async () => {
    const entry = { ...f.server.p256, ocspResponse: staples.good };
    const pair = await connectPair([entry], clientOptions(version));
    expect(pair.clientClose?.error).toBeUndefined();
    expect(pair.clientInfo?.ocsp).toEqual({ status: 'good', response: staples.good });
    expect(pair.serverInfo?.ocsp).toBeUndefined();
    // Without requestOcsp nothing is stapled and nothing is reported.
    const plain = await connectPair([entry], { minVersion: version, maxVersion: version });
    expect(plain.clientInfo?.version).toBe(version);
    expect(plain.clientInfo?.ocsp).toBeUndefined();
  });

  it('asks the ocspStapling hook only when the client asked', async () => {
    const asked: string[] = [];
    const hook = (request: { chain: readonly Uint8Array[]; serverName: string | undefined }) => {
      expect(request.chain).toEqual(f.server.p256.chain);
      asked.push(request.serverName ?? '');
      return staples.good;
    };
    const pair = await connectPair([f.server.p256], clientOptions(version), { ocspStapling: hook });
    expect(pair.clientInfo?.ocsp?.status).toBe('good');
    await connectPair(
      [f.server.p256],
      { minVersion: version, maxVersion: version },
      {
        ocspStapling: hook,
      },
    );
    expect(asked).toEqual(['localhost']);
  });

  it('refuses a revoked staple with certificate_revoked', async () => {
    const entry = { ...f.server.p256, ocspResponse: staples.revoked };
    const pair = await connectPair([entry], clientOptions(version));
    const error = pair.clientClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_CERT_REVOKED', 44]);
    expect((pair.serverClose?.error as TlsError | undefined)?.alert).toBe(44);
    expect(pair.clientInfo).toBeUndefined();
  });

  it('refuses a staple about another certificate with bad_certificate_status_response', async () => {
    const entry = { ...f.server.p256, ocspResponse: staples.otherCert };
    const pair = await connectPair([entry], clientOptions(version));
    const error = pair.clientClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_OCSP_WRONG_CERTIFICATE', 113]);
  });

  it('refuses a staple vouched for by an impostor CA the server put in its chain', async () => {
    // Same issuer name as the real CA, another key: only the validated path names the issuer.
    const entry = {
      ...f.server.p256,
      chain: [...f.server.p256.chain, impostorDer],
      ocspResponse: staples.forged,
    };
    const pair = await connectPair([entry], clientOptions(version));
    const error = pair.clientClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_OCSP_WRONG_CERTIFICATE', 113]);
    // With a verifier that reports no path, the impostor is found in the chain and refused by
    // @tlskit/x509 because it did not sign the leaf.
    const custom = await connectPair(
      [entry],
      clientOptions(version, { verifyCertificate: async () => undefined }),
    );
    const customError = custom.clientClose?.error as TlsError;
    expect([customError?.code, customError?.alert]).toEqual(['ERR_OCSP_WRONG_CERTIFICATE', 113]);
  });

  it('refuses a staple that does not parse with bad_certificate_status_response', async () => {
    const entry = { ...f.server.p256, ocspResponse: Uint8Array.of(0x30, 0x01) };
    const pair = await connectPair([entry], clientOptions(version));
    const error = pair.clientClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_OCSP_MALFORMED', 113]);
  });

  it('reports a missing staple as none, or refuses it when requireOcspStaple is set', async () => {
    const allowed = await connectPair([f.server.p256], clientOptions(version));
    expect(allowed.clientInfo?.ocsp).toEqual({ status: 'none', response: undefined });
    const required = await connectPair(
      [f.server.p256],
      clientOptions(version, { requireOcspStaple: true }),
    );
    const error = required.clientClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_OCSP_MISSING', 113]);
  });

  it('leaves the judgement to verifyOcspStaple when set, also without a staple', async () => {
    // A staple @tlskit/x509 would refuse (it does not parse): the hook's word is final.
    const junk = Uint8Array.of(1, 2, 3, 4);
    const seen: (Uint8Array | undefined)[] = [];
    const accept = async (response: Uint8Array | undefined, chain: readonly Uint8Array[]) => {
      expect(chain).toEqual(f.server.p256.chain);
      seen.push(response);
      return response === undefined ? ('none' as const) : ('good' as const);
    };
    const pair = await connectPair(
      [{ ...f.server.p256, ocspResponse: junk }],
      clientOptions(version, { verifyOcspStaple: accept }),
    );
    expect(pair.clientInfo?.ocsp).toEqual({ status: 'good', response: junk });
    const none = await connectPair(
      [f.server.p256],
      clientOptions(version, { verifyOcspStaple: accept }),
    );
    expect(none.clientInfo?.ocsp).toEqual({ status: 'none', response: undefined });
    expect(seen).toEqual([junk, undefined]);
    // A plain error refuses the staple with bad_certificate_status_response.
    const refused = await connectPair(
      [{ ...f.server.p256, ocspResponse: staples.good }],
      clientOptions(version, {
        verifyOcspStaple: () => {
          throw new Error('no');
        },
      }),
    );
    const error = refused.clientClose?.error as TlsError;
    expect([error?.code, error?.alert]).toEqual(['ERR_OCSP_REJECTED', 113]);
    expect((refused.serverClose?.error as TlsError | undefined)?.alert).toBe(113);
  });

  it('does not judge the staple when verification is turned off', async () => {
    const entry = { ...f.server.p256, ocspResponse: staples.revoked };
    const pair = await connectPair(
      [entry],
      clientOptions(version, { dangerouslySkipCertificateVerification: true }),
    );
    expect(pair.clientInfo?.ocsp).toEqual({ status: 'unchecked', response: staples.revoked });
  });
});

describe('OCSP stapling on the wire', () => {
  it('TLS 1.2: status_request in ServerHello, then CertificateStatus after Certificate', async () => {
    const entry = { ...f.server.p256, ocspResponse: staples.good };
    const seen: string[] = [];
    const { createClient, createServer, pump } = await import('../src/index.js');
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const c = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      ...clientOptions('TLSv1.2'),
    });
    const s = createServer({ provider, certificates: [entry] });
    c.on('message', (m) => {
      if (m.direction === 'received') seen.push(m.type);
      if (m.type === 'server_hello') {
        expect(m.fields.extensions).toContain('status_request');
      }
    });
    await c.start();
    await pump(c, s);
    expect(seen.slice(0, 4)).toEqual([
      'server_hello',
      'certificate',
      'certificate_status',
      'server_key_exchange',
    ]);
  });

  it('TLS 1.3: the leaf CertificateEntry carries status_request with the response', async () => {
    const entry = { ...f.server.p256, ocspResponse: staples.good };
    const { createClient, createServer, pump } = await import('../src/index.js');
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const c = createClient({ provider, serverName: 'localhost', ca: [f.caDer], requestOcsp: true });
    const s = createServer({ provider, certificates: [entry] });
    const certificates: MessageTrace[] = [];
    s.on('message', (m) => {
      if (m.type === 'certificate') certificates.push(m);
    });
    await c.start();
    await pump(c, s);
    const decoded = decodeHandshake(certificates[0]!.bytes, { protocol: 'tls13' }).message;
    if (decoded.type !== HandshakeType.certificate || decoded.protocol !== 'tls13')
      throw new Error('not a TLS 1.3 Certificate');
    expect(decoded.certificateList[0]!.extensions).toEqual([
      { type: ExtensionType.statusRequest, ocspResponse: staples.good },
    ]);
  });
});

/** The handshake messages carried by plaintext records, in order. */
function handshakeMessages(chunks: readonly Uint8Array[]): Uint8Array[] {
  const bytes = concatBytes(chunks);
  const payloads: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    if (bytes[at] === 22) payloads.push(bytes.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return splitHandshakeMessages(concatBytes(payloads));
}

/** One plaintext TLS 1.2 handshake record per message. */
function records(messages: readonly Uint8Array[]): Uint8Array {
  return concatBytes(
    messages.map((m) => concatBytes([Uint8Array.of(22, 3, 3, m.length >> 8, m.length & 0xff), m])),
  );
}

describe('a hostile TLS 1.2 server flight around CertificateStatus', () => {
  /** The plaintext flight a stapling server sends a client that asked. */
  async function stapledFlight(): Promise<Uint8Array[]> {
    const { createClient, createServer } = await import('../src/index.js');
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const asking = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      ...clientOptions('TLSv1.2'),
    });
    const server = createServer({
      provider,
      certificates: [{ ...f.server.p256, ocspResponse: staples.good }],
    });
    await asking.start();
    for (const chunk of asking.takeOutput()) await server.receive(chunk);
    return handshakeMessages(server.takeOutput());
  }

  async function clientFed(flight: Uint8Array, options: Partial<ClientOptions>) {
    const { createClient } = await import('../src/index.js');
    const { nobleProvider: provider } = await import('@tlskit/crypto');
    const client = createClient({
      provider,
      serverName: 'localhost',
      ca: [f.caDer],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ...options,
    });
    let closed: TlsError | undefined;
    client.on('close', ({ error }) => {
      closed = error as TlsError;
    });
    await client.start();
    client.takeOutput();
    await client.receive(flight);
    return closed;
  }

  it('refuses status_request in a ServerHello when the client did not ask (unsupported_extension)', async () => {
    const flight = await stapledFlight();
    expect(flight.map((m) => m[0])).toEqual([2, 11, 22, 12, 14]);
    const error = await clientFed(records(flight), {});
    expect([error?.code, error?.alert]).toEqual(['ERR_UNSUPPORTED_EXTENSION', 110]);
  });

  it('refuses a CertificateStatus the ServerHello did not announce (unexpected_message)', async () => {
    const [hello, ...rest] = await stapledFlight();
    const decoded = decodeHandshake(hello!, { protocol: 'tls12' }).message;
    if (decoded.type !== HandshakeType.serverHello) throw new Error('not a ServerHello');
    const stripped = encodeHandshake({
      ...decoded,
      extensions: decoded.extensions.filter((e) => e.type !== ExtensionType.statusRequest),
    });
    const error = await clientFed(records([stripped, ...rest]), { requestOcsp: true });
    expect([error?.code, error?.alert]).toEqual(['ERR_UNEXPECTED_MESSAGE', 10]);
  });

  it('closes with a TlsError, never a crash, for mutated CertificateStatus bytes', async () => {
    const [hello, certificate, status, ...rest] = await stapledFlight();
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const codes = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const mutated = status!.slice();
      for (let j = 0; j < 1 + (random() % 3); j++) {
        mutated[random() % mutated.length] = random() & 0xff;
      }
      const error = await clientFed(records([hello!, certificate!, mutated, ...rest]), {
        requestOcsp: true,
      });
      // Every outcome is a typed error with an alert (a mutation may leave the staple intact).
      if (error !== undefined) {
        expect(isTlsError(error)).toBe(true);
        codes.add(error.code);
      }
    }
    expect(codes.size).toBeGreaterThan(1);
    // A bug would surface as internal_error (a non-TLS exception inside the engine).
    expect(codes.has('ERR_INTERNAL')).toBe(false);
  });

  it('refuses a second CertificateStatus (unexpected_message)', async () => {
    const [hello, certificate, status, ...rest] = await stapledFlight();
    const flight = [hello!, certificate!, status!, status!, ...rest];
    const error = await clientFed(records(flight), { requestOcsp: true });
    expect([error?.code, error?.alert]).toEqual(['ERR_UNEXPECTED_MESSAGE', 10]);
  });
});
