/**
 * Hostile servers against connect(), over real TCP on 127.0.0.1 (issue 5, "Bad input").
 * The malicious server is `@tlskit/interop`'s raw server replaying real captured records, mutated.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer as nodeTlsServer } from 'node:tls';
import {
  collectProcessFaults,
  firstAlert,
  firstRecord,
  interopCerts,
  rawServer,
  stopAllPeers,
  wireFixture,
} from '@tlskit/interop';
import { TlsError } from '@tlskit/wire';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connect, PeerDisconnectedError } from '../src/index.js';

const certs = interopCerts();
const credential = certs.server.ecdsaP256;
/** First record of `openssl s_server`'s TLS 1.3 reply: a real ServerHello. */
const serverHello13 = firstRecord(wireFixture('openssl-s_server-tls13-flight.hex'));
/** First record of `openssl s_server`'s TLS 1.2 reply: a real TLS 1.2 ServerHello. */
const serverHello12 = firstRecord(wireFixture('openssl-s_server-tls12-flight.hex'));

const cleanup: (() => void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) step();
  await stopAllPeers();
});

// A crash of the process under hostile input fails the test that caused it.
const processFaults = collectProcessFaults();
afterAll(() => processFaults.stop());
afterEach(() => expect(processFaults.faults).toEqual([]));

/** Connects our client and resolves with the error it fails with (bounded). */
async function clientError(port: number): Promise<TlsError> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    servername: 'tlskit.test',
    ca: credential.ca.pem,
  });
  cleanup.push(() => socket.destroy());
  const signal = AbortSignal.timeout(5_000);
  const [error] = (await Promise.race([
    once(socket, 'error', { signal }),
    once(socket, 'secureConnect', { signal }).then(() => {
      throw new Error('handshake unexpectedly succeeded');
    }),
  ])) as [Error];
  expect(error).toBeInstanceOf(TlsError);
  // ECONNRESET is node:tls's code for a peer that left mid-handshake (PeerDisconnectedError).
  expect((error as TlsError).code).toMatch(/^(ERR_[A-Z0-9_]+|ECONNRESET)$/);
  return error as TlsError;
}

/**
 * A real ServerHello record rewritten to echo the client's legacy_session_id (RFC 8446 4.1.3),
 * so only the mutation under test is wrong; `mutate` gets the handshake body after the echo.
 */
function echoingServerHello(
  serverHello: Uint8Array,
  clientHello: Uint8Array,
  mutate: (hello: Uint8Array, suiteAt: number) => void,
): Uint8Array {
  const clientSidAt = 5 + 4 + 2 + 32;
  const clientSid = clientHello.subarray(
    clientSidAt,
    clientSidAt + 1 + (clientHello[clientSidAt] ?? 0),
  );
  const sidAt = 5 + 4 + 2 + 32;
  const oldSidEnd = sidAt + 1 + (serverHello[sidAt] ?? 0);
  const out = new Uint8Array(serverHello.length - (oldSidEnd - sidAt) + clientSid.length);
  out.set(serverHello.subarray(0, sidAt));
  out.set(clientSid, sidAt);
  out.set(serverHello.subarray(oldSidEnd), sidAt + clientSid.length);
  const view = new DataView(out.buffer);
  view.setUint16(3, out.length - 5);
  view.setUint16(7, out.length - 9); // handshake length, low 16 bits of the uint24
  mutate(out, sidAt + clientSid.length);
  return out;
}

describe('connect() against hostile servers', () => {
  it('fails with a typed error when the server answers with garbage', async () => {
    const { port } = await rawServer(() =>
      new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n'),
    );
    await clientError(port);
  });

  it('rejects a ServerHello selecting a cipher suite we did not offer with illegal_parameter', async () => {
    const { port, afterReply } = await rawServer((ch) =>
      echoingServerHello(serverHello13, ch, (hello, suiteAt) => {
        hello[suiteAt] = 0x13;
        hello[suiteAt + 1] = 0x05; // TLS_AES_128_CCM_8_SHA256, which we never offer
      }),
    );
    const error = await clientError(port);
    expect(error).toMatchObject({ code: 'ERR_ILLEGAL_PARAMETER', alert: 47 });
    await new Promise((r) => setTimeout(r, 50));
    expect(firstAlert(Buffer.concat(afterReply))).toEqual([2, 47]);
  });

  it('fails a truncated ServerHello followed by FIN with ECONNRESET, as node:tls', async () => {
    const { port } = await rawServer(
      (ch) => echoingServerHello(serverHello13, ch, () => {}).subarray(0, 40),
      { fin: true },
    );
    const error = await clientError(port);
    expect(error).toBeInstanceOf(PeerDisconnectedError);
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toBe(
      'Client network socket disconnected before secure TLS connection was established',
    );
  });

  it('rejects the TLS 1.2 downgrade sentinel when we offered TLS 1.3 (RFC 8446 4.1.3)', async () => {
    const { port, afterReply } = await rawServer((ch) =>
      echoingServerHello(serverHello12, ch, (hello) => {
        // The last 8 bytes of ServerHello.random: "DOWNGRD" 01.
        hello.set([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01], 5 + 4 + 2 + 24);
      }),
    );
    const error = await clientError(port);
    expect(error).toMatchObject({ code: 'ERR_DOWNGRADE', alert: 47 });
    await new Promise((r) => setTimeout(r, 50));
    expect(firstAlert(Buffer.concat(afterReply))).toEqual([2, 47]);
  });

  it('rejects a record longer than 2^14 + 256 bytes with record_overflow (22)', async () => {
    const length = 16384 + 2048 + 1;
    const { port } = await rawServer(() => {
      const out = new Uint8Array(5 + length);
      out.set([22, 3, 3, length >> 8, length & 0xff]);
      return out;
    });
    const error = await clientError(port);
    expect(error).toMatchObject({ code: 'ERR_RECORD_OVERFLOW', alert: 22 });
  });

  it('delivers data received before the server drops TCP without close_notify, then ends', async () => {
    const server = nodeTlsServer(
      { key: credential.key.pem, cert: credential.chain.pem },
      (socket) => {
        socket.on('error', () => {});
        // destroy() tears down TCP without sending close_notify: a truncation attack shape.
        socket.write('delivered before truncation', () => setTimeout(() => socket.destroy(), 50));
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanup.push(() => server.close());
    const socket = connect({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      servername: 'tlskit.test',
      ca: credential.ca.pem,
    });
    cleanup.push(() => socket.destroy());
    let received = '';
    const errors: Error[] = [];
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on('error', (error: Error) => errors.push(error));
    await once(socket, 'close', { signal: AbortSignal.timeout(5_000) });
    expect(received).toBe('delivered before truncation');
    // Documented behaviour (like node:tls): a missing close_notify ends the stream without error.
    expect(errors).toEqual([]);
  });
});
