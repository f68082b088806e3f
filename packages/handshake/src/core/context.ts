/**
 * What the handshake states see of the connection (rustls keeps `ConnectionCommon` apart from its
 * `State`s the same way): key changes, framing, events. The engine implements it; the object users
 * get from createClient/createServer does not, so none of these hooks can be called from outside
 * (issue 16). Not exported from the package index.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import type { KeyLogLabel } from '@tlskit/key-schedule';
import type { RecordProtection } from '@tlskit/record';
import type { HandshakeMessage as WireMessage } from '@tlskit/wire';
import type { RawMessage } from './codec.js';
import type { HandshakeInfo, PostHandshakeAuth, Session } from './events.js';
import type { HandshakeProof } from './proofs.js';
import type { PeerOf, Side, TrafficSecret } from './secrets.js';
import type { Suite13 } from './suites.js';

/** One step of the handshake typestate: it handles the next message and returns the next state. */
export interface State {
  /** For diagnostics: `ExpectServerHello`, `ExpectFinished`, ... */
  readonly name: string;
  handle(message: RawMessage): Promise<State>;
  /**
   * Server, TLS 1.3, connected: sends a post-handshake CertificateRequest (RFC 8446 4.6.2) and
   * returns the state that waits for the answer. Absent where that is not possible.
   */
  readonly requestCertificate?: (() => Promise<State>) | undefined;
}

/** What an established connection offers beyond data: its exporter, and whether it can rekey. */
export interface Established {
  /** RFC 8446 7.5 / RFC 5705 exporter of the negotiated version. */
  readonly exporter: (label: string, context: Uint8Array | undefined, length: number) => Uint8Array;
  /** KeyUpdate exists in TLS 1.3 only. */
  readonly canUpdateKeys: boolean;
}

/**
 * The engine's services for the handshake states. `R` is the role of the states that hold it: a
 * client's states write with client secrets and read with server secrets (secrets.ts).
 */
export interface HandshakeContext<R extends Side = Side> {
  readonly provider: CryptoProvider;
  readonly now: () => number;
  /** Whether we already sent close_notify (then a requested KeyUpdate is not answered). */
  readonly writeClosed: boolean;

  /** Frames and queues a handshake message under the current write key, and traces it. */
  sendHandshake(decoded: WireMessage): Promise<RawMessage>;
  /** Seals the handshake messages queued so far now, rather than when the current step ends. */
  flushHandshake(): Promise<void>;
  /** Sends a warning alert and goes on (RFC 5246 7.2: no_renegotiation). */
  sendWarningAlert(description: number): Promise<void>;
  /** Emits a key log line when someone listens (NSS SSLKEYLOGFILE format). */
  keylog(label: KeyLogLabel, secret: Uint8Array): void;
  /** Records the client random for key log lines. */
  setClientRandom(random: Uint8Array): void;
  /** Marks the connection as TLS 1.2 once ServerHello settled it. */
  negotiatedTls12(): void;

  /** Switches the key we encrypt with (RFC 8446 7.3), flushing what was queued under the old one. */
  setWriteKey(suite: Suite13, secret: TrafficSecret<R>): Promise<void>;
  /** Switches the key we decrypt with. RFC 8446 5.1: a key change must fall on a message boundary. */
  setReadKey(suite: Suite13, secret: TrafficSecret<PeerOf<R>>): Promise<void>;
  /** The current TLS 1.3 application traffic secret of one direction (post-handshake Finished). */
  trafficSecret(direction: 'read' | 'write'): Uint8Array;
  /** RFC 8446 4.6.3: send KeyUpdate and move our write key forward. */
  sendKeyUpdate(requestPeer: boolean): Promise<void>;
  /** RFC 8446 4.6.3: the peer updated its key; move our read key forward. */
  updateReadKey(requested: boolean): Promise<void>;
  /** RFC 8449: the peer accepts at most `limit` bytes of TLSInnerPlaintext per record. */
  setPeerRecordSizeLimit(limit: number): void;
  /** RFC 8449 4: we advertised `limit` and the peer acknowledged it. */
  setOwnRecordSizeLimit(limit: number): void;

  /** RFC 8446 D.4: a change_cipher_spec record (plaintext, single byte 1). */
  sendChangeCipherSpec(): Promise<void>;
  /** Allows dropping compatibility change_cipher_spec records (until the peer's Finished). */
  allowChangeCipherSpec(allowed: boolean): void;
  /** TLS 1.2: the next record may be ChangeCipherSpec; `handler` switches the read protection. */
  expectChangeCipherSpec(handler: () => Promise<void>): void;
  /** TLS 1.2: installs the read protection a ChangeCipherSpec switches to. */
  setReadProtection(protection: RecordProtection): void;
  /** TLS 1.2: sends ChangeCipherSpec and encrypts from then on with `protection`. */
  changeWriteProtection(protection: RecordProtection): Promise<void>;

  /** Client: 0-RTT starts: encrypt with the early key; `write()` may send up to `limit` bytes. */
  beginEarlyWrite(suite: Suite13, secret: TrafficSecret<'client'>, limit: number): Promise<void>;
  /** Client: 0-RTT is over; returns what was sent as early data. */
  endEarlyWrite(plaintext: boolean): Uint8Array[];
  /** Client: sends early data the server rejected again, now as ordinary application data. */
  resendEarlyData(chunks: readonly Uint8Array[]): Promise<void>;
  /** Server: 0-RTT accepted: decrypt with the early key, deliver up to `limit` bytes. */
  beginEarlyRead(suite: Suite13, secret: TrafficSecret<'client'>, limit: number): Promise<void>;
  /** Server: EndOfEarlyData arrived. */
  endEarlyRead(): void;
  /** Server: the client's early data was rejected; skip up to `bytes` of records that fail to open. */
  skipEarlyData(bytes: number): void;
  /**
   * Server that accepted 0-RTT: application data may be written before the client's Finished
   * (half-RTT data, RFC 8446 2.3).
   */
  allowHalfRttWrite(): void;
  /**
   * Client, TLS 1.2 False Start (RFC 7918): our Finished is queued, so application data may be
   * written (and keying material exported) before the server's Finished; reports `falseStart`.
   */
  beginFalseStart(info: HandshakeInfo, secrets: Established): void;

  /**
   * The handshake is complete: application data may flow. Requires the proof that the peer's
   * Finished verified and that the peer authenticated (proofs.ts).
   */
  established(info: HandshakeInfo, secrets: Established, proof: HandshakeProof): void;
  /** RFC 8446 4.6.2: the peer authenticated after the handshake. */
  peerAuthenticated(auth: PostHandshakeAuth): void;
  /** Reports a new client session. */
  emitSession(session: Session): void;
}
