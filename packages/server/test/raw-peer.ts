/**
 * A raw TCP peer for server tests: it writes chosen bytes over a `net` socket on 127.0.0.1 and
 * reads back what the server answered, so a test can put the same bytes to our server and to
 * node:tls (OpenSSL) and compare.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { createServer as nodeCreateServer } from 'node:tls';
import { interopCerts } from '@tlskit/interop';
import { fromHex } from '@tlskit/wire';
import { createServer, type TlsServer, type TlsServerOptions } from '../src/index.js';

export const credential = interopCerts().server.ecdsaP256;

/** A wire test fixture (captured from a real peer) as bytes. */
export const fixture = (name: string): Uint8Array =>
  fromHex(readFileSync(new URL(`../../wire/test/fixtures/${name}`, import.meta.url), 'utf8'));

/** Steps to run after each test (sockets and servers to close). */
export const cleanup: (() => void)[] = [];

/** Our echo server on 127.0.0.1, with the handshake errors it reported. */
export async function ourServer(options: Partial<TlsServerOptions> = {}) {
  const clientErrors: Error[] = [];
  const server: TlsServer = createServer(
    { key: credential.key.pem, cert: credential.chain.pem, ...options },
    (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    },
  );
  server.on('tlsClientError', (error: Error) => clientErrors.push(error));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  return { port: (server.address() as AddressInfo).port, clientErrors, server };
}

/** A node:tls server (OpenSSL) with the same credential: the independent reference. */
export async function nodeServer(): Promise<{ port: number }> {
  const server = nodeCreateServer({ key: credential.key.pem, cert: credential.chain.pem });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => server.close());
  return { port: (server.address() as AddressInfo).port };
}

export interface RawReply {
  reply: Buffer;
  /**
   * 'close' when the server closed; 'timeout' when it did not close in time, or when `until`
   * was satisfied first.
   */
  ended: 'close' | 'timeout';
}

/** Sends `chunks` as separate TCP writes, optionally FINs, collects the reply until close. */
export async function sendRaw(
  port: number,
  chunks: readonly Uint8Array[],
  {
    fin = false,
    waitMs = 5_000,
    until,
  }: {
    fin?: boolean;
    waitMs?: number;
    /** Stop waiting as soon as the reply satisfies this (e.g. {@link answered}). */
    until?: (reply: Buffer) => boolean;
  } = {},
): Promise<RawReply> {
  const socket = netConnect({ port, host: '127.0.0.1' });
  cleanup.push(() => socket.destroy());
  socket.on('error', () => {}); // a reset from the server is an acceptable close
  await once(socket, 'connect');
  const received: Buffer[] = [];
  let answered: () => void = () => {};
  socket.on('data', (chunk: Buffer) => {
    received.push(chunk);
    if (until?.(Buffer.concat(received))) answered();
  });
  for (const chunk of chunks) {
    socket.write(chunk);
    if (chunks.length > 1) await new Promise((r) => setImmediate(r));
  }
  if (fin) socket.end();
  const ended = await new Promise<'close' | 'timeout'>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('close');
    });
    answered = () => {
      clearTimeout(timer);
      resolve('timeout');
    };
  });
  socket.destroy();
  return { reply: Buffer.concat(received), ended };
}

/** The first plaintext alert record in `reply` as [level, description], if any (RFC 8446 6). */
export function firstAlert(reply: Buffer): [number, number] | undefined {
  let offset = 0;
  for (let i = 0; i < 64 && offset + 5 <= reply.length; i++) {
    const type = reply[offset] ?? 0;
    const length = reply.readUInt16BE(offset + 3);
    if (type === 21 && length === 2 && offset + 7 <= reply.length) {
      return [reply[offset + 5] ?? -1, reply[offset + 6] ?? -1];
    }
    offset += 5 + length;
  }
  return undefined;
}

/**
 * How a server answered a ClientHello: 'ServerHello' when its first record is a handshake record
 * starting with a ServerHello, the alert description when it is a fatal alert, else 'nothing'.
 */
export function answerTo(reply: Buffer): 'ServerHello' | number | 'nothing' {
  if (reply[0] === 22 && reply[5] === 2) return 'ServerHello';
  const alert = reply[0] === 21 ? firstAlert(reply) : undefined;
  return alert !== undefined && alert[0] === 2 ? alert[1] : 'nothing';
}

/** Whether the reply holds a whole first record (enough for {@link answerTo}). */
export const answered = (reply: Buffer): boolean =>
  reply.length >= 5 && reply.length >= 5 + reply.readUInt16BE(3);

/** Waits (bounded) until the server has reported `count` client errors. */
export async function clientErrorsReach(errors: Error[], count: number): Promise<void> {
  for (let i = 0; i < 100 && errors.length < count; i++)
    await new Promise((r) => setTimeout(r, 20));
}

/** `message` (a whole handshake message) as handshake records cut at the sorted offsets `cuts`. */
export function handshakeRecords(message: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const bounds = [0, ...cuts, message.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const fragment = message.subarray(bounds[i]!, bounds[i + 1]!);
    if (fragment.length === 0) continue;
    const record = new Uint8Array(5 + fragment.length);
    record.set([22, 3, 1, fragment.length >> 8, fragment.length & 0xff]);
    record.set(fragment, 5);
    out.push(record);
  }
  return out;
}

/** Offsets every `size` bytes inside `message`. */
export const cutsEvery = (message: Uint8Array, size: number): number[] =>
  Array.from({ length: Math.ceil(message.length / size) - 1 }, (_, i) => (i + 1) * size);
