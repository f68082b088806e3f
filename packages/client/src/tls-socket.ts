/**
 * `TLSSocket`: a Node.js Duplex that moves bytes between a sans-IO engine from
 * `@tlskit/handshake` and a transport stream (a `net.Socket`, or any Duplex). The server facade
 * uses the same class for each accepted connection, as `node:tls` does.
 */
import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { type Connection, encodeSession, type HandshakeInfo, SerialQueue } from '@tlskit/handshake';
import { openSslCipherName } from './cipher-names.js';
import { PeerDisconnectedError } from './disconnect-error.js';
import { sharedSigalgs } from './shared-sigalgs.js';
import {
  type DetailedPeerCertificate,
  type PeerCertificate,
  toDetailedPeerCertificate,
  toPeerCertificate,
} from './peer-certificate.js';

/** What `getEphemeralKeyInfo()` returns, as in `node:tls`. */
export interface EphemeralKeyInfo {
  /** `ECDH` for (EC)DHE groups, `DH` for the RFC 7919 groups, `KEM` for post-quantum hybrids. */
  type: string;
  /** OpenSSL's name: `X25519`, `prime256v1`, `secp384r1`... */
  name: string;
  /** Key size in bits, as OpenSSL counts it (253 for X25519). Absent for hybrids. */
  size?: number;
}

/**
 * How long a socket that sent a fatal alert keeps reading (and discarding) before it closes.
 * Closing a TCP socket with unread input makes the kernel send a reset, and a reset can reach the
 * peer before it reads our alert: a TLS 1.3 client refused for its certificate then sees
 * ECONNRESET instead of certificate_required. Draining briefly lets the alert be read first.
 */
const LINGER_MS = 1000;

/** IANA group names to what OpenSSL (and so node:tls) reports. */
const ephemeralKeyInfo: Readonly<Record<string, EphemeralKeyInfo>> = {
  x25519: { type: 'ECDH', name: 'X25519', size: 253 },
  secp256r1: { type: 'ECDH', name: 'prime256v1', size: 256 },
  secp384r1: { type: 'ECDH', name: 'secp384r1', size: 384 },
  secp521r1: { type: 'ECDH', name: 'secp521r1', size: 521 },
  x448: { type: 'ECDH', name: 'X448', size: 448 },
  // Only when listed in `groups` (a legacy TLS 1.2 group).
  secp224r1: { type: 'ECDH', name: 'secp224r1', size: 224 },
};

/** What `getCipher()` returns, as in `node:tls`. */
export interface CipherNameAndProtocol {
  /** OpenSSL name, e.g. `TLS_AES_128_GCM_SHA256` or `ECDHE-RSA-AES128-GCM-SHA256`. */
  name: string;
  /** IANA name. */
  standardName: string;
  version: string;
}

/** Hooks the facades pass in; all optional. */
export interface TLSSocketHooks {
  /**
   * As node:tls: when false (the default), the socket ends its side (close_notify, then FIN)
   * once the peer's side has ended, so the connection closes and the process can exit. True
   * keeps the write side open after the peer's close_notify.
   */
  allowHalfOpen?: boolean;
  /** Called once the handshake is done and the peer chain was judged. */
  onSecure?(socket: TLSSocket): void;
  /**
   * A new resumable session (client), as the bytes `getSession()` returns: the facade emits
   * them as node:tls does, `socket.emit('session', session)`.
   */
  onSession?(socket: TLSSocket, session: Buffer): void;
  /** Server: accepted 0-RTT data arrived, before the handshake completed. */
  onEarlyData?(socket: TLSSocket, data: Buffer): void;
}

/** Where a peer verifier reports its outcome on a connection's socket. */
export interface SocketVerifierReports {
  /** The chain was refused: sets node:tls's `authorizationError` on the socket. */
  report: (error: Error) => void;
  /** The chain was accepted: keeps it as the socket's verified chain. */
  verified: (chain: readonly Uint8Array[]) => void;
}

/**
 * The `report` and `verified` callbacks of a peer verifier (`createPeerVerifier`) that record
 * the outcome on the connection's socket, as node:tls's `authorizationError` and the verified
 * chain; `socket` returns it once it exists.
 */
export function socketVerifierReports(socket: () => TLSSocket | undefined): SocketVerifierReports {
  return {
    report: (error) => {
      const s = socket();
      if (s !== undefined) s.authorizationError = error;
    },
    verified: (chain) => {
      const s = socket();
      if (s !== undefined) s.verifiedChain = chain;
    },
  };
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A TLS connection as a Node.js Duplex stream. Writes before the handshake completes are held
 * until it does; `end()` sends close_notify and then ends the transport's write side.
 */
export class TLSSocket extends Duplex {
  /** Always true: lets code written for `node:tls` recognise the socket. */
  readonly encrypted = true;
  /** True when the peer chain verified (or `rejectUnauthorized` is false and it did anyway). */
  authorized = false;
  /** Why the peer chain did not verify, when `rejectUnauthorized` is false; null otherwise (as node:tls). */
  authorizationError: Error | null = null;
  /**
   * The peer chain as it verified, DER, leaf first and trust anchor last (set by the certificate
   * verifier); undefined when it did not verify or was not checked.
   */
  verifiedChain: readonly Uint8Array[] | undefined;
  /** Negotiated ALPN protocol, or false. */
  alpnProtocol: string | false = false;
  /** SNI name (client: sent; server: received). */
  servername: string | false = false;

  readonly #transport: Duplex;
  readonly #hooks: TLSSocketHooks;
  #engine: Connection | undefined;
  /** Every engine call is queued here, so records leave in order whatever crypto does. */
  readonly #queue = new SerialQueue();
  #handshake: HandshakeInfo | undefined;
  #session: Buffer | undefined;
  #secure: Promise<void>;
  /** Server: bytes at the start of the readable stream that arrived as 0-RTT early data. */
  #earlyDataLength = 0;
  #resolveSecure!: () => void;
  #rejectSecure!: (error: Error) => void;
  #bytesRead = 0;
  #bytesWritten = 0;
  /** Set when the engine closed with an error (a fatal alert): close gently, see LINGER_MS. */
  #linger = false;

  constructor(transport: Duplex, engine: Promise<Connection>, hooks: TLSSocketHooks = {}) {
    super({ allowHalfOpen: hooks.allowHalfOpen ?? false });
    this.#transport = transport;
    this.#hooks = hooks;
    this.#secure = new Promise<void>((resolve, reject) => {
      this.#resolveSecure = resolve;
      this.#rejectSecure = reject;
    });
    // Writes wait for this; a failed handshake surfaces through 'error', not as an unhandled rejection.
    this.#secure.catch(() => {});
    void this.#queue.run(() =>
      engine.then(
        (connection) => this.#attach(connection),
        (error: unknown) => {
          this.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      ),
    );
    transport.on('data', (chunk: Buffer) => this.#receive(chunk));
    transport.on('end', () => this.#onTransportEnd());
    transport.on('error', (error) => this.destroy(error));
    transport.on('close', () => {
      // Records that arrived just before the close may still be decrypting (an async provider
      // such as webcrypto): let the queue deliver them before the socket goes away.
      void this.#queue.settled().then(() => {
        if (!this.destroyed) this.destroy();
      });
    });
  }

  async #attach(engine: Connection): Promise<void> {
    if (this.destroyed) return;
    this.#engine = engine;
    engine.on('handshake', (info) => {
      // What the engine sealed before reporting the handshake (a server's session tickets)
      // leaves before anyone hears of it and can close the connection.
      this.#flush();
      this.#handshake = info;
      this.alpnProtocol = info.alpn ?? false;
      if (info.serverName !== undefined) this.servername = info.serverName;
      if (this.authorizationError === null) this.authorized = info.peerVerified;
      // node:tls emits the staple before secureConnect, for the application to inspect.
      const staple = info.ocsp?.response;
      if (staple !== undefined) this.emit('OCSPResponse', Buffer.from(staple));
      this.#hooks.onSecure?.(this);
      this.#resolveSecure();
    });
    engine.on('postHandshakeAuth', (auth) => {
      this.#handshake = engine.handshakeInfo;
      if (this.authorizationError === undefined) this.authorized = auth.peerVerified;
      this.emit('postHandshakeAuth', this.getPeerCertificate());
    });
    engine.on('data', (data) => {
      this.#bytesRead += data.byteLength;
      if (!this.push(view(data))) this.#transport.pause();
    });
    engine.on('end', () => this.push(null));
    // Server: accepted 0-RTT data comes first in the stream; earlyDataLength marks how much.
    engine.on('earlyData', (data) => {
      this.#earlyDataLength += data.length;
      const bytes = view(data);
      this.emit('earlyData', bytes);
      this.#hooks.onEarlyData?.(this, bytes);
      if (!this.push(bytes)) this.#transport.pause();
    });
    engine.on('session', (session) => {
      const bytes = view(encodeSession(session));
      this.#session = bytes;
      this.#hooks.onSession?.(this, bytes);
    });
    // Key log lines are built only while someone listens (issue 7: hex of every secret, each
    // handshake): subscribe to the engine once the socket has a 'keylog' listener.
    const forwardKeylog = () =>
      engine.on('keylog', (line) => this.emit('keylog', Buffer.from(`${line}\n`)));
    if (this.listenerCount('keylog') > 0) forwardKeylog();
    else {
      const onListener = (event: string | symbol) => {
        if (event !== 'keylog') return;
        this.off('newListener', onListener);
        forwardKeylog();
      };
      this.on('newListener', onListener);
    }
    engine.on('close', ({ error }) => {
      this.#flush();
      if (error !== undefined) {
        this.#rejectSecure(error);
        this.#linger = true;
        this.destroy(error);
      } else {
        this.#transport.end();
      }
    });
    await engine.start();
    this.#flush();
  }

  /** Sends what the engine produced. Buffers are views: no copy on the way out. */
  #flush(): void {
    const engine = this.#engine;
    // A transport whose write side already ended (a caller's socket without allowHalfOpen)
    // cannot take our close_notify; writing would only raise write-after-end.
    if (engine === undefined || this.#transport.destroyed || this.#transport.writableEnded) return;
    const chunks = engine.takeOutput();
    if (chunks.length === 0) return;
    // One flight leaves in one writev: written record by record, Nagle's algorithm holds the
    // second small write until the peer ACKs the first (up to 40 ms of delayed ACK on Linux).
    // The chunks are record pieces (header, ciphertext, tag): the writev joins them, not us.
    //
    // A write to a peer that has gone (EPIPE, ECONNRESET) fails inside uncork(): net.Socket
    // builds the error and destroys itself with it there, and destroying reads `error.stack`.
    // Formatting that stack was 4% of a server's CPU under `openssl s_time`, whose client closes
    // before the server's tickets arrive (issue 14); node:tls fails the same write in C++, with
    // no JavaScript stack. So the errors raised by these writes carry none either: every frame
    // would be tlskit's and Node's own, never the application's.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      this.#transport.cork();
      for (const chunk of chunks) {
        this.#transport.write(Buffer.isBuffer(chunk) ? chunk : view(chunk));
      }
      this.#transport.uncork();
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  #run(step: (engine: Connection) => Promise<void> | void): Promise<void> {
    return this.#queue.run(async () => {
      const engine = this.#engine;
      if (engine === undefined || this.destroyed) return;
      await step(engine);
      this.#flush();
    });
  }

  #receive(chunk: Buffer): void {
    this.#run((engine) =>
      engine.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    ).catch((error: unknown) =>
      this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }

  #onTransportEnd(): void {
    // The transport closed its read side. Let pending input finish first; if the peer did not
    // send close_notify the stream still ends (as node:tls does), truncation is the app's call.
    this.#run((engine) => {
      if (engine.state === 'closed') return;
      // EOF before the handshake completed leaves a truncated handshake message (or none) that
      // can never complete: fail it now, or the connection sits half-open until a timeout.
      if (this.#handshake === undefined) {
        this.destroy(new PeerDisconnectedError(engine.role));
        return;
      }
      this.push(null);
    }).catch(() => {});
  }

  /** Duplex plumbing: the consumer wants more, so the transport may flow again. */
  override _read(): void {
    if (this.#transport.isPaused()) this.#transport.resume();
  }

  /** Duplex plumbing: seals `chunk` once the handshake is done, then waits for the transport. */
  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const data = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#bytesWritten += chunk.byteLength;
    if (this.#handshake !== undefined) {
      // Connected: straight to the engine, one queue hop per write (issue 7).
      this.#run((engine) => engine.write(data)).then(() => this.#drained(callback), callback);
      return;
    }
    // A client that offered 0-RTT sends whole writes that fit as early data at once; the rest
    // waits for the handshake. Writes reach _write one at a time, so the order is kept.
    let early = false;
    this.#run(async (engine) => {
      if (engine.state !== 'handshaking' || data.length === 0) return;
      if (engine.earlyDataRemaining < data.length) return;
      early = true;
      await engine.write(data);
    })
      .then(() => (early ? undefined : this.#secure.then(() => this.#run((e) => e.write(data)))))
      .then(() => this.#drained(callback), callback);
  }

  /**
   * Calls `callback` once the transport has room: a write completes when its records are in the
   * socket's buffer, and a sender faster than the peer would otherwise fill memory with sealed
   * records (and lose the cache to them) instead of feeling backpressure, as node:tls does.
   */
  #drained(callback: () => void): void {
    const transport = this.#transport;
    if (!transport.writableNeedDrain || transport.destroyed) {
      callback();
      return;
    }
    const done = () => {
      transport.off('drain', done);
      transport.off('close', done);
      callback();
    };
    transport.on('drain', done);
    transport.on('close', done);
  }

  /** Duplex plumbing: `end()` sends close_notify, then ends the transport's write side. */
  override _final(callback: (error?: Error | null) => void): void {
    this.#run(async (engine) => {
      if (engine.state !== 'closed') await engine.close();
    })
      .then(() => {
        this.#transport.end();
        callback();
      })
      .catch(callback);
  }

  /** Duplex plumbing: destroys the transport and fails a pending handshake. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Only a pending handshake needs a reason: building an Error (and its stack) for every
    // connection that closes normally showed up in the handshake profile.
    if (error !== null || this.#handshake === undefined) {
      this.#rejectSecure(error ?? new Error('socket destroyed before the handshake completed'));
    }
    if (this.#linger) this.#closeGently();
    else this.#transport.destroy();
    callback(error);
  }

  /**
   * Ends the transport's write side after the alert and discards what still arrives until the
   * peer closes or LINGER_MS passes, so the peer reads the alert instead of a TCP reset.
   */
  #closeGently(): void {
    const transport = this.#transport;
    if (transport.destroyed || transport.writableEnded) {
      transport.destroy();
      return;
    }
    const timer = setTimeout(() => transport.destroy(), LINGER_MS);
    timer.unref();
    transport.once('close', () => clearTimeout(timer));
    transport.once('end', () => transport.destroy());
    transport.end();
    transport.resume();
  }

  /**
   * Emits `'close'` with `hadError` (true when the socket was destroyed with an error), as
   * net.Socket and node:tls do; a plain Duplex emits it without arguments.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'close' && args.length === 0) return super.emit('close', this.errored !== null);
    return super.emit(event, ...args);
  }

  /** Application bytes received (decrypted), as node:tls counts them. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Application bytes written (before encryption), as node:tls counts them. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** True while the transport is still connecting (net.Socket's `pending`); false otherwise. */
  get pending(): boolean {
    return (this.#transport as Partial<Socket>).pending ?? false;
  }

  /** Resolves when the handshake is complete; rejects if it fails. */
  get secureConnected(): Promise<void> {
    return this.#secure;
  }

  /** The sans-IO engine underneath (for key updates, traces and research). */
  get engine(): Connection | undefined {
    return this.#engine;
  }

  /** Negotiated parameters, once connected. */
  get handshakeInfo(): HandshakeInfo | undefined {
    return this.#handshake;
  }

  /** 'TLSv1.3' or 'TLSv1.2' once connected, else null (as node:tls). */
  getProtocol(): string | null {
    return this.#handshake?.version ?? null;
  }

  /** The negotiated cipher suite, as node:tls reports it. */
  getCipher(): CipherNameAndProtocol | undefined {
    const info = this.#handshake;
    if (info === undefined) return undefined;
    return {
      name: openSslCipherName(info.cipherSuite),
      standardName: info.cipherSuite,
      version: info.version,
    };
  }

  /**
   * The key exchange of this connection as node:tls reports it: `{ type: 'ECDH', name: 'X25519',
   * size: 253 }`, `{ type: 'ECDH', name: 'prime256v1', size: 256 }` (OpenSSL's names and sizes);
   * an RFC 7919 group is `{ type: 'DH', name: 'ffdhe2048', size: 2048 }`; a post-quantum hybrid is
   * `{ type: 'KEM', name: 'X25519MLKEM768' }`. An empty object before the handshake or for a
   * PSK-only resumption. node:tls answers only on the client; tlskit answers on both sides.
   */
  getEphemeralKeyInfo(): EphemeralKeyInfo | Record<string, never> {
    const group = this.#handshake?.group;
    if (group === undefined) return {};
    const ffdhe = /^ffdhe(\d+)$/.exec(group);
    if (ffdhe) return { type: 'DH', name: group, size: Number(ffdhe[1]) };
    return ephemeralKeyInfo[group] ?? { type: 'KEM', name: group };
  }

  /**
   * The signature schemes both sides support, by OpenSSL's names as node:tls gives them
   * (`'ECDSA+SHA256'`, `'RSA-PSS+SHA256'`, `'Ed25519+UNDEF'`...), in the server's order. A client
   * gets them only when the server asked for its certificate; otherwise, and before the
   * handshake, an empty array (as node:tls).
   */
  getSharedSigalgs(): string[] {
    const info = this.#handshake;
    const role = this.#engine?.role;
    if (info === undefined || role === undefined) return [];
    return sharedSigalgs(info, role);
  }

  /**
   * The peer's leaf certificate as node:tls gives it, or an empty object. With `detailed`, each
   * certificate links to its issuer through `issuerCertificate` up to the trust anchor (whose
   * `issuerCertificate` is itself); the anchor is included even when the peer did not send it.
   */
  getPeerCertificate(detailed: true): DetailedPeerCertificate | Record<string, never>;
  getPeerCertificate(detailed?: false): PeerCertificate | Record<string, never>;
  getPeerCertificate(
    detailed?: boolean,
  ): PeerCertificate | DetailedPeerCertificate | Record<string, never>;
  getPeerCertificate(
    detailed = false,
  ): PeerCertificate | DetailedPeerCertificate | Record<string, never> {
    const sent = this.#handshake?.peerCertificates ?? [];
    const leaf = sent[0];
    if (leaf === undefined) return {};
    if (!detailed) return toPeerCertificate(leaf);
    return toDetailedPeerCertificate(this.verifiedChain ?? sent) ?? {};
  }

  /** The peer's leaf certificate as node:crypto's `X509Certificate`, or undefined (as node:tls). */
  getPeerX509Certificate(): X509Certificate | undefined {
    const leaf = this.#handshake?.peerCertificates[0];
    return leaf === undefined ? undefined : new X509Certificate(leaf);
  }

  /**
   * This side's certificate as node:tls gives it (`getCertificate()`): the server's on a
   * server socket, the client certificate on a client that sent one; else an empty object.
   */
  getCertificate(): PeerCertificate | Record<string, never> {
    const leaf = this.#engine?.getLocalCertificates()[0];
    return leaf === undefined ? {} : toPeerCertificate(leaf);
  }

  /** This side's certificate as node:crypto's `X509Certificate`, or undefined (as node:tls). */
  getX509Certificate(): X509Certificate | undefined {
    const leaf = this.#engine?.getLocalCertificates()[0];
    return leaf === undefined ? undefined : new X509Certificate(leaf);
  }

  /**
   * The verify_data of the latest Finished message this side sent, as a Buffer (node:tls's
   * `getFinished()`; for `tls-unique` style channel binding), or undefined before the handshake.
   */
  getFinished(): Buffer | undefined {
    const data = this.#engine?.getFinished('sent');
    return data === undefined ? undefined : Buffer.from(data);
  }

  /** The verify_data of the latest Finished message received from the peer (node:tls's `getPeerFinished()`). */
  getPeerFinished(): Buffer | undefined {
    const data = this.#engine?.getFinished('received');
    return data === undefined ? undefined : Buffer.from(data);
  }

  /** The peer chain as DER, leaf first. */
  getPeerCertificateChain(): Uint8Array[] {
    return [...(this.#handshake?.peerCertificates ?? [])];
  }

  /**
   * The latest resumable session (client), serialised (`encodeSession` of @tlskit/handshake), to
   * pass back as `connect({ session })`, as node:tls's `getSession()`. The bytes hold the
   * session's secret: whoever has them can resume it, so store them like a private key.
   */
  getSession(): Buffer | undefined {
    return this.#session;
  }

  /**
   * 0-RTT (TLS 1.3) once connected: 'accepted' when the server took the client's early data,
   * 'rejected' when it was offered and refused (the client then resent it unless
   * `resendRejectedEarlyData` is false), 'none' when none was offered.
   */
  get earlyData(): 'accepted' | 'rejected' | 'none' {
    return this.#handshake?.earlyData ?? 'none';
  }

  /**
   * Server: how many bytes at the start of what this socket reads arrived as 0-RTT early data.
   * Those bytes may be a replay (RFC 8446 8): act on them only if the request is safe to repeat.
   */
  get earlyDataLength(): number {
    return this.#earlyDataLength;
  }

  /** True when this connection resumed an earlier session. */
  isSessionReused(): boolean {
    return this.#handshake?.resumed ?? false;
  }

  /** RFC 5705 / RFC 8446 7.5 keying material exporter, with node:tls's argument order. */
  exportKeyingMaterial(length: number, label: string, context?: Buffer | Uint8Array): Buffer {
    if (this.#engine === undefined || this.#handshake === undefined) {
      throw new Error('exportKeyingMaterial: the handshake has not completed yet');
    }
    return view(this.#engine.exportKeyingMaterial(label, context, length));
  }

  /** Sends a KeyUpdate (TLS 1.3); `requestPeer` asks the peer to update its keys too. */
  keyUpdate(requestPeer = false): Promise<void> {
    return this.#run((engine) => engine.keyUpdate(requestPeer));
  }

  /**
   * Server, TLS 1.3: asks the client for its certificate after the handshake (post-handshake
   * authentication, RFC 8446 4.6.2; node:tls has no such call, its `renegotiate()` is TLS 1.2
   * only). The client must have offered it (a tlskit client does when it has a certificate;
   * `openssl s_client -enable_pha`). Resolves with the client's certificate, or an empty object
   * when it declined, after chain, CertificateVerify and Finished were checked (also emitted as
   * `postHandshakeAuth`); `getPeerCertificate()` returns it from then on. Rejects with
   * `ERR_NOT_SUPPORTED` when the request cannot be made, or with the error that ended the
   * connection (a certificate that does not verify sends its alert and closes it).
   */
  requestCertificate(): Promise<PeerCertificate | Record<string, never>> {
    return new Promise((resolve, reject) => {
      let detach = () => {};
      const settle = (error: Error | undefined) => {
        detach();
        if (error === undefined) resolve(this.getPeerCertificate());
        else reject(error);
      };
      const onAuth = () => settle(undefined);
      const onClose = () => settle(new Error('the connection closed before the client answered'));
      const onError = (error: Error) => settle(error);
      detach = () => {
        this.off('postHandshakeAuth', onAuth);
        this.off('close', onClose);
        this.off('error', onError);
      };
      this.once('postHandshakeAuth', onAuth);
      this.once('close', onClose);
      this.once('error', onError);
      this.#run((engine) => engine.requestCertificate()).catch(onError);
    });
  }

  // Socket-like pass-throughs that node:http and agents call on the socket they get.
  /** TCP_NODELAY on the transport, when it is a net.Socket. */
  setNoDelay(noDelay?: boolean): this {
    (this.#transport as Partial<Socket>).setNoDelay?.(noDelay);
    return this;
  }

  /** TCP keep-alive on the transport, when it is a net.Socket. */
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    (this.#transport as Partial<Socket>).setKeepAlive?.(enable, initialDelay);
    return this;
  }

  /** Emits `'timeout'` after `timeout` ms of transport inactivity (net.Socket semantics). */
  setTimeout(timeout: number, callback?: () => void): this {
    const transport = this.#transport as Partial<Socket>;
    if (transport.setTimeout) {
      transport.setTimeout(timeout);
      transport.removeAllListeners?.('timeout');
      if (timeout > 0) transport.on?.('timeout', () => this.emit('timeout'));
    }
    if (callback) this.once('timeout', callback);
    return this;
  }

  /** Keeps the process alive while the transport is open (net.Socket's `ref`). */
  ref(): this {
    (this.#transport as Partial<Socket>).ref?.();
    return this;
  }

  /** Lets the process exit with the transport open (net.Socket's `unref`). */
  unref(): this {
    (this.#transport as Partial<Socket>).unref?.();
    return this;
  }

  /** The transport's local address, or an empty object when it has none. */
  address(): ReturnType<Socket['address']> | Record<string, never> {
    return (this.#transport as Partial<Socket>).address?.() ?? {};
  }

  get remoteAddress(): string | undefined {
    return (this.#transport as Partial<Socket>).remoteAddress;
  }

  get remotePort(): number | undefined {
    return (this.#transport as Partial<Socket>).remotePort;
  }

  get remoteFamily(): string | undefined {
    return (this.#transport as Partial<Socket>).remoteFamily;
  }

  get localAddress(): string | undefined {
    return (this.#transport as Partial<Socket>).localAddress;
  }

  get localPort(): number | undefined {
    return (this.#transport as Partial<Socket>).localPort;
  }
}
