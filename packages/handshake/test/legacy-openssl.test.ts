/**
 * The legacy opt-ins against OpenSSL 3 at security level 0, the only level at which it still
 * speaks them: secp224r1 (`-groups P-224`) and RSA PKCS#1 with SHA-1 (`-sigalgs RSA+SHA1`), in
 * TLS 1.2. Both sides of each are real peers (`openssl s_server` / `s_client`), 127.0.0.1 only,
 * every wait bounded.
 */
import { createNobleProvider, nobleProvider } from '@tlskit/crypto';
import { type ClientOptions, type Connection, createClient, createServer } from '@tlskit/handshake';
import {
  interopCerts,
  missingPeers,
  opensslClientExchange,
  startOpensslServer,
  stopAllPeers,
} from '@tlskit/interop';
import { NamedGroup, SignatureScheme } from '@tlskit/wire';
import { afterEach, describe, expect, it } from 'vitest';
import {
  anchors,
  connectEngine,
  engineCredential,
  flushTo,
  nextEvent,
  serveEngines,
} from './engine-socket.js';

const certs = interopCerts();
afterEach(stopAllPeers);

const sha1Provider = createNobleProvider({ allowSha1Signatures: true });
const P224 = NamedGroup.secp224r1;
const RSA_SHA1 = SignatureScheme.rsa_pkcs1_sha1;
// OpenSSL 3 refuses SHA-1 signatures above level 0 and P-224 above level 1.
const level0 = ['ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'];

const ourClient = (options: Partial<ClientOptions>): Connection =>
  createClient({
    provider: nobleProvider,
    serverName: 'localhost',
    ca: anchors(certs.ca),
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ...options,
  });

/** Reads `s_server -www`'s page (it closes after it); rejects when the handshake fails. */
async function getPage(client: Connection, port: number) {
  const socket = await connectEngine(client, port);
  let body = '';
  client.on('data', (d) => {
    body += new TextDecoder().decode(d);
  });
  const failed = nextEvent(client, 'close').then((e) => {
    throw e.error ?? new Error('closed before the handshake');
  });
  const info = await Promise.race([nextEvent(client, 'handshake'), failed]);
  await client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
  flushTo(client, socket);
  await nextEvent(client, 'end');
  socket.destroy();
  return { info, body };
}

describe.skipIf(missingPeers('openssl'))('legacy algorithms with openssl at @SECLEVEL=0', () => {
  it('our client agrees secp224r1 with `s_server -groups P-224` only when it lists the group', async () => {
    const server = await startOpensslServer({
      credential: certs.server.rsa2048,
      version: 'TLSv1.2',
      groups: ['P-224'],
      ciphers: level0,
      mode: 'www',
      naccept: 2,
    });
    const { info, body } = await getPage(ourClient({ groups: [P224] }), server.port);
    expect(info.group).toBe('secp224r1');
    expect(body).toContain('HTTP/1.0 200 ok');
    // Without it in groups, the default offer has nothing s_server accepts.
    await expect(getPage(ourClient({}), server.port)).rejects.toMatchObject({ alert: 40 });
  });

  it('our client verifies `s_server -sigalgs RSA+SHA1` only when it lists rsa_pkcs1_sha1', async () => {
    const server = await startOpensslServer({
      credential: certs.server.rsa2048,
      version: 'TLSv1.2',
      sigalgs: ['RSA+SHA1'],
      ciphers: level0,
      mode: 'www',
      naccept: 2,
    });
    const { info } = await getPage(
      ourClient({ provider: sha1Provider, signatureSchemes: [RSA_SHA1] }),
      server.port,
    );
    expect(info.peerSignatureScheme).toBe(RSA_SHA1);
    // The same provider without the scheme in signatureSchemes: nothing in common.
    await expect(getPage(ourClient({ provider: sha1Provider }), server.port)).rejects.toThrow();
  });

  it('`s_client -groups P-224 -sigalgs RSA+SHA1` connects to our server that lists both', async () => {
    const certificates = [await engineCredential(certs.server.rsa2048)];
    const port = await serveEngines(() =>
      createServer({
        provider: sha1Provider,
        certificates,
        groups: [NamedGroup.x25519, P224],
        signatureSchemes: [SignatureScheme.rsa_pss_rsae_sha256, RSA_SHA1],
      }),
    );
    const { summary, stdout } = await opensslClientExchange({
      port,
      version: 'TLSv1.2',
      groups: ['P-224'],
      sigalgs: ['RSA+SHA1'],
      ciphers: level0,
      ca: certs.ca.cert,
      servername: 'localhost',
      send: 'old peer\n',
      expect: 'old peer',
    });
    expect(summary).toMatchObject({ established: true, protocol: 'TLSv1.2', verifyCode: 0 });
    expect(stdout).toMatch(/^Server Temp Key: ECDH, secp224r1, 224 bits$/m);
    expect(stdout).toMatch(/^Peer signing digest: SHA1$/m);
  });
});
