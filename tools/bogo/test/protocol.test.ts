/**
 * The shim against a stand-in for BoringSSL's runner built on node:tls: it accepts the shim's
 * TCP connection, checks the 8-byte shim id, runs TLS as the other side, sends 32 bytes of 0x42
 * and expects them back XOR 0xff (SHIM.md). This checks the protocol in CI without the runner.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import {
  createServer as createTlsServer,
  connect as tlsConnect,
  createSecureContext,
  TLSSocket,
} from 'node:tls';
import { nodeProvider } from '@tlskit/crypto/node';
import { interopCerts } from '@tlskit/interop';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from '../src/flags.js';
import { runTest } from '../src/shim.js';

const message = Buffer.alloc(32, 0x42);

/** Reads exactly `length` bytes from a paused socket. */
async function readExactly(socket: Socket, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  while (have < length) {
    const chunk = socket.read() as Buffer | null;
    if (chunk === null) {
      await Promise.race([once(socket, 'readable'), once(socket, 'end')]);
      if (socket.readableEnded) throw new Error('connection ended early');
      continue;
    }
    chunks.push(chunk);
    have += chunk.length;
  }
  const all = Buffer.concat(chunks);
  if (all.length > length) socket.unshift(all.subarray(length));
  return all.subarray(0, length);
}

/** One runner-side exchange on an established TLS socket: send, expect the echo, close. */
async function echo(tls: TLSSocket): Promise<void> {
  tls.write(message);
  const answer = await readExactly(tls, message.length);
  expect([...answer]).toEqual([...message].map((b) => b ^ 0xff));
  tls.end();
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** Listens on 127.0.0.1 and runs `handle` for each connection after checking the shim id. */
async function fakeRunner(
  shimId: number,
  handle: (socket: Socket, round: number) => Promise<void>,
): Promise<{ port: number; done: Promise<void>[] }> {
  const done: Promise<void>[] = [];
  server = createServer({ pauseOnConnect: true }, (socket) => {
    const round = done.length;
    done.push(
      (async () => {
        const id = await readExactly(socket, 8);
        expect(id.readBigUInt64LE()).toBe(BigInt(shimId));
        await handle(socket, round);
      })(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, done };
}

function configs(args: string[]) {
  const parsed = parseArgs(args);
  if (parsed.kind !== 'ok') throw new Error(JSON.stringify(parsed));
  return parsed;
}

describe('the shim protocol against a node:tls stand-in for the runner', () => {
  it('client role: connects out, echoes, and resumes with the ticket it got', async () => {
    const certs = interopCerts();
    // A tls.Server (not a bare TLSSocket) so that it issues session tickets.
    const tlsServer = createTlsServer({
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.chain.pem,
    });
    const resumed: boolean[] = [];
    const runner = await fakeRunner(5, async (socket) => {
      const secure = once(tlsServer, 'secureConnection') as Promise<[TLSSocket]>;
      tlsServer.emit('connection', socket);
      const [tls] = await secure;
      resumed.push(tls.isSessionReused());
      await echo(tls);
    });
    const { initial, resume } = configs([
      '-port',
      String(runner.port),
      '-shim-id',
      '5',
      '-resume-count',
      '1',
      '-trust-cert',
      certs.ca.cert.file,
      '-expect-version',
      '772',
      '-expect-curve-id',
      '29',
      // OpenSSL issues no new ticket on a TLS 1.3 resumption (BoringSSL's runner does).
      '-on-resume-expect-no-session',
    ]);
    await runTest(initial, resume, nodeProvider);
    await Promise.all(runner.done);
    expect(resumed).toEqual([false, true]);
  });

  it('server role: answers a node:tls client and sends "hello" first when asked', async () => {
    const certs = interopCerts();
    const runner = await fakeRunner(9, async (socket) => {
      const tls = tlsConnect({ socket, rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
      await once(tls, 'secureConnect');
      expect(tls.getProtocol()).toBe('TLSv1.2');
      expect((await readExactly(tls, 5)).toString()).toBe('hello');
      await echo(tls);
    });
    const { initial, resume } = configs([
      '-port',
      String(runner.port),
      '-shim-id',
      '9',
      '-server',
      '-shim-writes-first',
      '-cert-file',
      certs.server.ecdsaP256.chain.file,
      '-key-file',
      certs.server.ecdsaP256.key.file,
    ]);
    await runTest(initial, resume, nodeProvider);
    await Promise.all(runner.done);
  });

  it('fails a check the flags ask for, after the handshake', async () => {
    const certs = interopCerts();
    const context = createSecureContext({
      key: certs.server.ecdsaP256.key.pem,
      cert: certs.server.ecdsaP256.chain.pem,
    });
    const runner = await fakeRunner(1, async (socket) => {
      const tls = new TLSSocket(socket, { isServer: true, secureContext: context });
      tls.on('error', () => {});
      await once(tls, 'secure');
    });
    const { initial, resume } = configs([
      '-port',
      String(runner.port),
      '-shim-id',
      '1',
      '-expect-alpn',
      'h2',
    ]);
    await expect(runTest(initial, resume, nodeProvider)).rejects.toThrow(/negotiated ALPN/);
    await Promise.all(runner.done);
  });
});
