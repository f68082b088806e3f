/**
 * TLS 1.2 False Start against `openssl s_server -www`: our client sends its request after its
 * Finished, before the server's, and OpenSSL (which does not care when the data comes) answers
 * it; without a negotiated ALPN protocol the client waits for the server's Finished.
 */
import type { Socket } from 'node:net';
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient } from '@tlskit/handshake';
import { interopCerts, missingPeers, startOpensslServer, stopAllPeers } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { anchors, connectEngine, flushTo, nextEvent } from './engine-socket.js';

const certs = interopCerts();
afterEach(stopAllPeers);

/** Fetches s_server's page with a False Start client; reports the order of the events. */
async function fetchWithFalseStart(serverAlpn: readonly string[] | undefined) {
  const server = await startOpensslServer({
    credential: certs.server.ecdsaP256,
    version: 'TLSv1.2',
    mode: 'www',
    ...(serverAlpn === undefined ? {} : { alpn: serverAlpn }),
  });
  const client = createClient({
    provider,
    serverName: 'localhost',
    ca: anchors(certs.ca),
    maxVersion: 'TLSv1.2',
    alpnProtocols: ['http/1.1'],
    falseStart: true,
  });
  const request = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');
  const events: string[] = [];
  let body = '';
  let socket: Socket | undefined;
  const send = () => client.write(request).then(() => flushTo(client, socket!));
  client.on('falseStart', (info) => {
    events.push(`falseStart ${info.alpn} handshakeInfo=${client.handshakeInfo !== undefined}`);
    void send();
  });
  client.on('handshake', () => {
    events.push('handshake');
    if (events.length === 1) void send();
  });
  client.on('data', (d) => {
    body += new TextDecoder().decode(d);
  });
  socket = await connectEngine(client, server.port);
  await nextEvent(client, 'end');
  socket.destroy();
  return { events, body };
}

describe.skipIf(missingPeers('openssl'))('TLS 1.2 False Start with openssl s_server', () => {
  it('writes the request before the server Finished when ALPN was negotiated', async () => {
    const { events, body } = await fetchWithFalseStart(['http/1.1']);
    expect(events).toEqual(['falseStart http/1.1 handshakeInfo=false', 'handshake']);
    expect(body).toContain('HTTP/1.0 200 ok');
  });

  it('waits for the server Finished without a negotiated ALPN protocol', async () => {
    const { events, body } = await fetchWithFalseStart(undefined);
    expect(events).toEqual(['handshake']);
    expect(body).toContain('HTTP/1.0 200 ok');
  });
});
