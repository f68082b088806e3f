/**
 * The tlskit client over a pair of WHATWG streams: for browsers, Deno, Bun, workers and
 * TLS-over-WebSocket tunnels. No Node.js import on this path (a test checks it).
 *
 * On Node.js, a `net.Socket` becomes such a pair with `Duplex.toWeb(socket)` (`Duplex` of
 * node:stream), and the result is accepted as it is, no cast:
 *
 * ```ts
 * const tcp = net.connect(443, 'example.com');
 * const tls = await connectStreams(Duplex.toWeb(tcp), { servername: 'example.com', ca });
 * ```
 *
 * @packageDocumentation
 */
import { type Connection, type HandshakeInfo, SerialQueue } from '@tlskit/handshake';
import type { Certificate } from '@tlskit/x509';
import { type ClientEngineOptions, createClientEngine } from './client-engine.js';
import type { PemInput } from './credentials.js';
import { PeerDisconnectedError } from './disconnect-error.js';
import { createPeerVerifier } from './peer-verifier.js';
import { trustStoreFor } from './trust-store-cache.js';

export { PeerDisconnectedError } from './disconnect-error.js';
export { TlsOptionError, type TlsOptionErrorCode } from './option-errors.js';

/**
 * The reading half of a transport: any WHATWG `ReadableStream` of bytes, the DOM's or
 * node:stream/web's (`Duplex.toWeb(socket).readable`). Only what tlskit calls is required.
 */
export interface ByteSource {
  /** Locks the stream to one reader, as `ReadableStream.getReader()`. */
  getReader(): {
    /** The next chunk, or `done` at the end of the stream. */
    read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
    /** Stops reading (the application cancelled the TLS readable). */
    cancel(reason?: unknown): Promise<void>;
  };
}

/** The writing half of a transport: any WHATWG `WritableStream` of bytes. */
export interface ByteSink {
  /** Locks the stream to one writer, as `WritableStream.getWriter()`. */
  getWriter(): {
    /** Writes one chunk; resolves when the stream accepted it. */
    write(chunk: Uint8Array): Promise<void>;
    /** Closes the stream after what was written. */
    close(): Promise<void>;
    /** Errors the stream (a failed connection); optional, as not every sink has it. */
    abort?(reason?: unknown): Promise<void>;
  };
}

/** A byte transport as two WHATWG streams (a WebSocket's, `Deno.connect`, `Duplex.toWeb`). */
export interface StreamPair {
  readonly readable: ByteSource;
  readonly writable: ByteSink;
}

/**
 * node:tls's hook on this path: return an Error to reject the server. There is no node:crypto
 * here to build node's certificate object, so it receives the parsed `@tlskit/x509` leaf (and
 * the verified chain, leaf first, trust anchor last).
 */
export type StreamsCheckServerIdentity = (
  hostname: string,
  leaf: Certificate,
  chain: readonly Certificate[],
) => Error | undefined;

/** Options of {@link connectStreams}; names follow `ConnectOptions` of the Node facade. */
export interface StreamsConnectOptions extends ClientEngineOptions {
  /** SNI and the name checked against the certificate. */
  readonly servername?: string;
  /**
   * Trust anchors, PEM or DER. Required unless `rejectUnauthorized` is false: there is no
   * system store on this path.
   */
  readonly ca?: PemInput | PemInput[];
  /**
   * When false, a chain that does not verify is accepted and reported in `authorized` /
   * `authorizationError` of the result instead of failing the handshake. Default true.
   */
  readonly rejectUnauthorized?: boolean;
  /** Replaces the RFC 9525 host name check; return an Error to refuse the server. */
  readonly checkServerIdentity?: StreamsCheckServerIdentity;
  /**
   * Application bytes the returned `readable` buffers before tlskit stops reading the
   * transport (backpressure reaches the peer through it). Default 65536.
   */
  readonly readableHighWaterMark?: number;
}

/** An established TLS connection as WHATWG streams of application data. */
export interface TlsStreams {
  /** Application data from the server. Reading it slowly slows the transport down. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Application data to the server; `close()` sends close_notify. */
  readonly writable: WritableStream<Uint8Array>;
  /** Negotiated parameters. */
  readonly info: HandshakeInfo;
  /** True when the server's chain verified. */
  readonly authorized: boolean;
  /** Why it did not, when `rejectUnauthorized` is false; null otherwise. */
  readonly authorizationError: Error | null;
  /** The engine underneath (key updates, exporters, events). */
  readonly connection: Connection;
}

/**
 * Runs the handshake over `transport` and resolves with the protected streams. Rejects with the
 * `TlsError` that ended the handshake; a transport that ends before the handshake completes
 * rejects with a `PeerDisconnectedError` (`ECONNRESET`), as `connect()` fails, and one that
 * errors rejects with its error. Option mistakes reject with a `TlsOptionError` before the
 * transport is read or written.
 */
export async function connectStreams(
  transport: StreamPair,
  options: StreamsConnectOptions,
): Promise<TlsStreams> {
  const rejectUnauthorized = options.rejectUnauthorized ?? true;
  if (options.ca === undefined && rejectUnauthorized) {
    throw new TypeError('connectStreams: options.ca is required (there is no system trust store)');
  }
  const anchors = options.ca === undefined ? undefined : trustStoreFor(options.ca);
  const check = options.checkServerIdentity;
  let authorizationError: Error | null = null;
  const connection = await createClientEngine(options, options.servername, (provider) =>
    createPeerVerifier({
      provider,
      ca: anchors ?? [],
      rejectUnauthorized,
      checkServerIdentity:
        check === undefined ? undefined : (hostname, chain) => check(hostname, chain[0]!, chain),
      report: (error) => {
        authorizationError = error;
      },
    }),
  );

  const writer = transport.writable.getWriter();
  // One queue for every engine step, so records leave in order whatever the crypto does.
  const queue = new SerialQueue();
  const run = (step: () => Promise<void> | void): Promise<void> =>
    queue.run(async () => {
      await step();
      for (const chunk of connection.takeOutput()) await writer.write(chunk);
    });

  // Backpressure: the pump reads the transport only while the readable wants more, so a slow
  // reader leaves records in the transport (and the peer's window) instead of in memory.
  let dataController!: ReadableStreamDefaultController<Uint8Array>;
  let wantMore: (() => void) | undefined;
  let cancelled = false;
  const wake = (): void => {
    wantMore?.();
    wantMore = undefined;
  };
  const transportReader = transport.readable.getReader();
  const readable = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        dataController = controller;
      },
      pull: wake,
      cancel(reason) {
        cancelled = true;
        wake();
        return transportReader.cancel(reason);
      },
    },
    {
      highWaterMark: options.readableHighWaterMark ?? 65_536,
      size: (chunk) => chunk.byteLength,
    },
  );
  connection.on('data', (bytes) => {
    if (!cancelled) dataController.enqueue(bytes);
  });
  connection.on('end', () => closeReadable());
  const closeReadable = (): void => {
    try {
      dataController.close();
    } catch {
      // already closed or errored
    }
  };

  let failHandshake!: (error: unknown) => void;
  const established = new Promise<HandshakeInfo>((resolve, reject) => {
    failHandshake = reject;
    connection.on('handshake', resolve);
    connection.on('close', ({ error }) => {
      if (error !== undefined) {
        reject(error);
        try {
          dataController.error(error);
        } catch {
          // already closed
        }
      }
      run(() => writer.close()).catch(() => {});
    });
  });

  // Pump the transport into the engine until it ends, waiting while the readable is full.
  const pump = async (): Promise<void> => {
    for (;;) {
      while (!cancelled && (dataController.desiredSize ?? 1) <= 0) {
        await new Promise<void>((resolve) => {
          wantMore = resolve;
        });
      }
      if (cancelled) return;
      const { value, done } = await transportReader.read();
      if (done) break;
      if (value !== undefined) await run(() => connection.receive(value));
      if (connection.state === 'closed') break;
    }
    // As the Node facade: once the input queued before the end is processed, an end before the
    // handshake completed can never complete it (issue 13: it used to hang forever).
    await queue.settled();
    if (connection.state === 'handshaking') throw new PeerDisconnectedError('client');
    if (connection.state !== 'closed') closeReadable();
  };
  // Awaited below; until then a failure must not count as an unhandled rejection.
  established.catch(() => {});
  pump().catch((error: unknown) => {
    failHandshake(error);
    writer.abort?.(error).catch(() => {});
    try {
      dataController.error(error);
    } catch {
      // already errored
    }
  });

  await run(() => connection.start());
  const info = await established;
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => run(() => connection.write(chunk)),
    close: () => run(() => connection.close()),
  });
  return {
    readable,
    writable,
    info,
    authorized: info.peerVerified && authorizationError === null,
    authorizationError,
    connection,
  };
}
