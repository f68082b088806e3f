/**
 * The tlskit client over a pair of WHATWG streams: for browsers, Deno, Bun, workers and
 * TLS-over-WebSocket tunnels. No Node.js import on this path (a test checks it).
 */
import type { Connection, HandshakeInfo } from '@tlskit/handshake';
import { type ClientEngineOptions, createClientEngine } from './client-engine.js';
import type { PemInput } from './credentials.js';
import { PeerDisconnectedError } from './disconnect-error.js';
import { trustStoreFor } from './trust-store-cache.js';
import { createPeerVerifier } from './peer-verifier.js';

export { PeerDisconnectedError } from './disconnect-error.js';
export { TlsOptionError, type TlsOptionErrorCode } from './option-errors.js';

/** A byte transport as two WHATWG streams (e.g. from a WebSocket or `Deno.connect`). */
export interface StreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/** Options of {@link connectStreams}; names follow {@link ConnectOptions} of the Node facade. */
export interface StreamsConnectOptions extends ClientEngineOptions {
  /** SNI and the name checked against the certificate. */
  readonly servername?: string;
  /** Trust anchors, PEM or DER. Required: there is no system store on this path. */
  readonly ca: PemInput | PemInput[];
}

/** An established TLS connection as WHATWG streams of application data. */
export interface TlsStreams extends StreamPair {
  /** Negotiated parameters. */
  readonly info: HandshakeInfo;
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
  const anchors = trustStoreFor(options.ca);
  const connection = await createClientEngine(options, options.servername, (provider) =>
    createPeerVerifier({ provider, ca: anchors, rejectUnauthorized: true }),
  );

  const writer = transport.writable.getWriter();
  // One chain for every engine step, so records leave in order whatever the crypto does.
  let queue: Promise<void> = Promise.resolve();
  const run = (step: () => Promise<void> | void): Promise<void> => {
    const next = queue.then(async () => {
      await step();
      for (const chunk of connection.takeOutput()) await writer.write(chunk);
    });
    queue = next.catch(() => {});
    return next;
  };

  let dataController!: ReadableStreamDefaultController<Uint8Array>;
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      dataController = controller;
    },
  });
  connection.on('data', (bytes) => dataController.enqueue(bytes));
  connection.on('end', () => dataController.close());

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

  // Pump the transport into the engine until it ends.
  const pump = async (): Promise<void> => {
    const reader = transport.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      await run(() => connection.receive(value));
      if (connection.state === 'closed') break;
    }
    // As the Node facade: once the input queued before the end is processed, an end before the
    // handshake completed can never complete it (issue 13: it used to hang forever).
    await queue;
    if (connection.state === 'handshaking') throw new PeerDisconnectedError('client');
    if (connection.state !== 'closed') {
      try {
        dataController.close();
      } catch {
        // already closed by close_notify
      }
    }
  };
  // Awaited below; until then a failure must not count as an unhandled rejection.
  established.catch(() => {});
  pump().catch((error: unknown) => {
    failHandshake(error);
    writer.abort(error).catch(() => {});
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
  return { readable, writable, info, connection };
}
