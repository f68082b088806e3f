/**
 * The TCP side of one shim connection: connect out to the runner, send the shim id, then move
 * bytes between the socket and a sans-IO engine.
 */
import { connect, type Socket } from 'node:net';
import type { Connection } from '@tlskit/handshake';

/** Opens the connection to the runner and writes the 8-byte little-endian shim id. */
export function connectToRunner(port: number, ipv6: boolean, shimId: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ipv6 ? '::1' : '127.0.0.1', port });
    socket.setNoDelay(true);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      const id = Buffer.alloc(8);
      id.writeBigUInt64LE(BigInt(shimId));
      socket.write(id);
      resolve(socket);
    });
  });
}

/**
 * Feeds socket data to the engine in order and writes the engine's output after each step.
 * `eof` resolves when the peer closed its side of TCP.
 */
export class EnginePipe {
  readonly #socket: Socket;
  readonly #engine: Connection;
  #queue: Promise<void> = Promise.resolve();
  #eof = false;
  readonly #eofWaiters: (() => void)[] = [];

  constructor(socket: Socket, engine: Connection) {
    this.#socket = socket;
    this.#engine = engine;
    socket.on('data', (chunk: Buffer) => {
      this.#queue = this.#queue.then(async () => {
        await engine.receive(new Uint8Array(chunk));
        this.flush();
      });
    });
    socket.on('end', () => {
      this.#queue = this.#queue.then(() => {
        this.#eof = true;
        for (const wake of this.#eofWaiters.splice(0)) wake();
      });
    });
    // A reset from the runner ends the test like an EOF; the engine state says how it went.
    socket.on('error', () => {
      this.#eof = true;
      for (const wake of this.#eofWaiters.splice(0)) wake();
    });
  }

  /** True once the peer closed TCP and every byte before it was processed. */
  get eof(): boolean {
    return this.#eof;
  }

  /** Resolves once every byte received so far went through the engine. */
  settled(): Promise<void> {
    return this.#queue;
  }

  /** Resolves when the peer has closed TCP (after its bytes were processed). */
  untilEof(): Promise<void> {
    if (this.#eof) return Promise.resolve();
    return new Promise((resolve) => this.#eofWaiters.push(resolve));
  }

  /** Writes whatever the engine has queued. */
  flush(): void {
    const chunks = this.#engine.takeOutput();
    if (chunks.length === 0 || this.#socket.destroyed) return;
    this.#socket.cork();
    for (const chunk of chunks) this.#socket.write(chunk);
    this.#socket.uncork();
  }

  /** Flushes, half-closes TCP, and resolves once the kernel has the bytes. */
  end(): Promise<void> {
    this.flush();
    return new Promise((resolve) => {
      if (this.#socket.destroyed) {
        resolve();
        return;
      }
      this.#socket.end(() => resolve());
    });
  }
}
