/**
 * Post-handshake client authentication (RFC 8446 4.6.2) against OpenSSL: `openssl s_server`
 * asks with its `c` command after the handshake, and verifies what our connect() answers against
 * the client CA (`-verify_return_error`: a bad answer would fail the connection).
 */
import { once } from 'node:events';
import {
  interopCerts,
  missingPeers,
  type OpensslServer,
  startOpensslServer,
  stopAllPeers,
} from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectOptions, connect, type TLSSocket } from '../src/index.js';

const certs = interopCerts();
const sockets: TLSSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await stopAllPeers();
});

/** s_server without a handshake CertificateRequest, able to verify client certificates. */
function phaServer(): Promise<OpensslServer> {
  return startOpensslServer({
    credential: certs.server.ecdsaP256,
    version: 'TLSv1.3',
    mode: 'stdio',
    extraArgs: ['-CAfile', certs.clientCa.cert.file, '-verify_return_error'],
  });
}

async function connected(server: OpensslServer, options: Partial<ConnectOptions>) {
  const socket = connect({
    host: server.host,
    port: server.port,
    servername: 'tlskit.test',
    ca: certs.ca.cert.pem,
    ...options,
  });
  sockets.push(socket);
  await once(socket, 'secureConnect');
  return socket;
}

describe.skipIf(missingPeers('openssl'))('post-handshake auth asked by openssl s_server', () => {
  it('answers the CertificateRequest with the client certificate; s_server verifies it', async () => {
    const server = await phaServer();
    const client = certs.client.ecdsa;
    const socket = await connected(server, { cert: client.chain.pem, key: client.key.pem });
    const sent: string[] = [];
    socket.engine?.on('message', (m) => {
      if (m.direction === 'sent') sent.push(m.type);
    });
    server.send('c\n');
    await server.waitForOutput(/SSL_do_handshake -> 1/, { stream: 'stdout', timeoutMs: 5000 });
    // OpenSSL's verify callback walks the chain we sent up to the client CA, with no error.
    await server.waitForOutput(
      /depth=0 O = tlskit interop, CN = client\.tlskit\.test\nverify return:1/,
      {
        stream: 'stderr',
        timeoutMs: 5000,
      },
    );
    expect(server.process.stderr).not.toMatch(/verify error/);
    expect(sent).toEqual(['certificate', 'certificate_verify', 'finished']);
    // The connection goes on: data after the exchange reaches the server.
    socket.write('after post-handshake auth\n');
    await server.waitForOutput(/after post-handshake auth/, { stream: 'stdout', timeoutMs: 5000 });
  });

  it('answers with an empty Certificate when it offered PHA without a certificate', async () => {
    const server = await phaServer();
    const socket = await connected(server, { engine: { postHandshakeAuth: true } });
    const sent: string[] = [];
    socket.engine?.on('message', (m) => {
      if (m.direction === 'sent') sent.push(m.type);
    });
    server.send('c\n');
    await server.waitForOutput(/SSL_do_handshake -> 1/, { stream: 'stdout', timeoutMs: 5000 });
    socket.write('still here\n');
    await server.waitForOutput(/still here/, { stream: 'stdout', timeoutMs: 5000 });
    expect(sent).toEqual(['certificate', 'finished']);
  });
});
