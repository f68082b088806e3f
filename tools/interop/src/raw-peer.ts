/**
 * Raw TCP peers on 127.0.0.1 for hostile-peer tests: a client that writes chosen bytes to a
 * server and collects its answer, and a server that answers a client's first record with chosen
 * bytes. Both are tracked, so `afterEach(stopAllPeers)` closes whatever a failed test left open,
 * and every wait has a deadline.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';
import { loopback } from './ports.js';
import { trackResource } from './processes.js';

/** What {@link sendRaw} collected. */
export interface RawReply {
  readonly reply: Buffer;
  /**
   * 'close' when the server closed; 'timeout' when it did not close in time, or when `until`
   * was satisfied first.
   */
  readonly ended: 'close' | 'timeout';
}

/** Options of {@link sendRaw}. */
export interface SendRawOptions {
  /** Half-close (FIN) after the last chunk. Default false. */
  readonly fin?: boolean;
  /** How long to wait for the server to close. Default 5 s. */
  readonly waitMs?: number;
  /** Stop waiting as soon as the reply satisfies this (e.g. `answered`). */
  readonly until?: (reply: Buffer) => boolean;
}

/**
 * Connects to 127.0.0.1:`port`, sends `chunks` as separate TCP writes, optionally FINs, and
 * collects the reply until the server closes (or `until`, or the deadline).
 */
export async function sendRaw(
  port: number,
  chunks: readonly Uint8Array[],
  options: SendRawOptions = {},
): Promise<RawReply> {
  const socket = netConnect({ port, host: loopback });
  const untrack = trackResource({ stop: async () => socket.destroy() });
  socket.on('error', () => {}); // a reset from the server is an acceptable close
  try {
    await once(socket, 'connect', { signal: AbortSignal.timeout(options.waitMs ?? 5_000) });
    const received: Buffer[] = [];
    let answered: () => void = () => {};
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (options.until?.(Buffer.concat(received))) answered();
    });
    for (const chunk of chunks) {
      socket.write(chunk);
      // Separate writes reach the server as separate reads more often than not.
      if (chunks.length > 1) await new Promise((r) => setImmediate(r));
    }
    if (options.fin) socket.end();
    const ended = await new Promise<'close' | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), options.waitMs ?? 5_000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve('close');
      });
      answered = () => {
        clearTimeout(timer);
        resolve('timeout');
      };
    });
    return { reply: Buffer.concat(received), ended };
  } finally {
    socket.destroy();
    untrack();
  }
}

/** A {@link rawServer}: its port, and what each client sent after the reply. */
export interface RawServer {
  readonly port: number;
  /** Everything clients sent after the server's reply (their alerts, say), in order. */
  readonly afterReply: Buffer[];
  stop(): Promise<void>;
}

/**
 * A server on 127.0.0.1 that waits for a client's first whole record (the ClientHello record),
 * answers with `reply(firstRecord)`, optionally FINs, and records what the client sends next.
 */
export async function rawServer(
  reply: (firstRecord: Uint8Array) => Uint8Array,
  options: { readonly fin?: boolean } = {},
): Promise<RawServer> {
  const afterReply: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) {
        afterReply.push(chunk);
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 5 || buffered.length < 5 + buffered.readUInt16BE(3)) return;
      answered = true;
      socket.write(reply(new Uint8Array(buffered)));
      if (options.fin) socket.end();
    });
  });
  server.listen(0, loopback);
  await once(server, 'listening', { signal: AbortSignal.timeout(5_000) });
  const stop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  trackResource({ stop });
  return { port: (server.address() as AddressInfo).port, afterReply, stop };
}
