/**
 * The connection engine shared by client and server: record framing and protection, handshake
 * message reassembly, alerts, application data, close. The protocol logic lives in the typestate
 * states (tls13/, tls12/); this file moves bytes and keys between them and the caller.
 */
import type { CryptoProvider } from '@tlskit/crypto';
import {
  PlaintextProtection,
  type RecordEvent,
  type RecordProtection,
  RecordReader,
  Tls13RecordProtection,
} from '@tlskit/record';
import {
  AlertDescription,
  AlertLevel,
  ContentType,
  concatBytes,
  decodeHandshake,
  HandshakeType,
  isTlsError,
  nameOf,
  TlsError,
  type HandshakeMessage as WireMessage,
} from '@tlskit/wire';
import { decodeMessage, frame, type RawMessage } from './codec.js';
import { ConnectionStateError, internalError, PeerAlertError, unexpected } from './errors.js';
import { Emitter, type HandshakeInfo, type PostHandshakeAuth, type Session } from './events.js';
import type { HandshakeProof } from './proofs.js';
import { keyLogLine, type KeyLogLabel, nextTrafficSecret, trafficKeys } from '@tlskit/key-schedule';
import type { Suite13 } from './suites.js';
import type { Connection, ConnectionState } from './connection.js';
import type { Established, HandshakeContext, State } from './context.js';
import { OutputQueue } from './output-queue.js';
import { SerialQueue } from './serial-queue.js';
import { traceFields } from './trace.js';

export type { Connection, ConnectionState } from './connection.js';

/** Largest number of records one `receive` call processes before yielding to the caller's loop. */
const maxRecordsPerCall = 1 << 20;
/** RFC 8446 5.1: 2^14 bytes of plaintext per record. */
const maxFragment = 16_384;
/**
 * Alerts that do not end the connection (TLS 1.2 warnings, user_canceled) accepted in a row:
 * each costs nothing to send and delivers nothing. BoringSSL's kMaxWarningAlerts.
 */
const maxConsecutiveWarningAlerts = 4;
/** Peer KeyUpdates accepted without application data between them (BoringSSL's kMaxKeyUpdates). */
const maxConsecutiveKeyUpdates = 32;

/**
 * The machinery under both roles. States talk to it as their {@link HandshakeContext}; users
 * reach it only through the {@link Connection} facade (public-connection.ts), which keeps it in
 * a private field.
 */
export abstract class Engine extends Emitter implements Connection, HandshakeContext {
  abstract readonly role: 'client' | 'server';
  readonly provider: CryptoProvider;
  readonly now: () => number;

  #state: State | undefined;
  #closed = false;
  #readClosed = false;
  #writeClosed = false;
  #handshakeDone = false;
  #info: HandshakeInfo | undefined;
  #established: Established | undefined;
  #finishedSent: Uint8Array | undefined;
  #finishedReceived: Uint8Array | undefined;
  /** The Certificate message this side sent, decoded only when asked for. */
  #certificateSent: Uint8Array | undefined;
  readonly #queue = new SerialQueue();
  readonly #output = new OutputQueue();
  #pendingHandshake: Uint8Array[] = [];
  /**
   * Record framing, deprotection, handshake reassembly and the input limits (RFC 8446 5, RFC
   * 8449, empty records, rejected 0-RTT): @tlskit/record's reader, the one the record tests run.
   */
  readonly #reader: RecordReader;
  #write: RecordProtection;
  #readSecret: Uint8Array | undefined;
  #writeSecret: Uint8Array | undefined;
  #writeSuite: Suite13 | undefined;
  #readSuite: Suite13 | undefined;
  /** Peer's record_size_limit (RFC 8449), as a plaintext fragment limit. */
  #sendLimit = maxFragment;
  /** The application's cap on every record we send (setMaxSendFragment). */
  #maxSendFragment = maxFragment;
  #warningAlerts = 0;
  #keyUpdates = 0;
  /** RFC 8446 4.6.3: the peer asked for a KeyUpdate, owed before our next application data. */
  #keyUpdateOwed = false;
  /** Client: 0-RTT in progress: what may still be sent, and a copy of what was (to resend). */
  #earlyWrite: { remaining: number; sent: Uint8Array[] } | undefined;
  /** Server: accepted 0-RTT in progress: bytes of early data the client may still send. */
  #earlyRead: { remaining: number } | undefined;
  /** Server: 0-RTT was accepted and our Finished is sent: half-RTT writes are allowed. */
  #halfRtt = false;
  /** Client: TLS 1.2 False Start began (RFC 7918): writes are allowed before the handshake ends. */
  #falseStart = false;
  /** Whether change_cipher_spec records may still be dropped (RFC 8446 section 5). */
  #ccsAllowed = false;
  /** TLS 1.2: what a ChangeCipherSpec does when one is expected (switch the read key). */
  #ccsHandler: (() => Promise<void>) | undefined;
  #clientRandom: Uint8Array = new Uint8Array(32);
  /** The connection negotiated TLS 1.2 (alerts and records follow RFC 5246). */
  #tls12 = false;

  /** `maxHandshakeMessageSize`: the options' cap on a peer's handshake message body. */
  protected constructor(
    provider: CryptoProvider,
    now: () => number,
    initialRecordVersion: number,
    maxHandshakeMessageSize?: number,
  ) {
    super();
    this.provider = provider;
    this.now = now;
    this.#reader = new RecordReader(
      maxHandshakeMessageSize === undefined
        ? {}
        : { maxHandshakeMessageLength: maxHandshakeMessageSize },
    );
    this.#write = new PlaintextProtection({ recordVersion: initialRecordVersion });
  }

  // ---- public API ----------------------------------------------------------------------

  get state(): ConnectionState {
    if (this.#closed) return 'closed';
    return this.#handshakeDone ? 'connected' : 'handshaking';
  }

  get handshakeInfo(): HandshakeInfo | undefined {
    return this.#info;
  }

  abstract start(): Promise<void>;

  /**
   * Processes bytes from the peer. Like a Node stream's `data` chunk, `bytes` is not copied (issue
   * 7): the engine keeps views of it, so the caller must not modify it afterwards.
   */
  receive(bytes: Uint8Array): Promise<void> {
    return this.serialize(async () => {
      if (this.#closed) return;
      this.#reader.feed(bytes);
      await this.#drain();
    });
  }

  takeOutput(): Uint8Array[] {
    return this.#output.take();
  }

  /**
   * Queues application data. Like a Node stream's write, `data` is not copied (issue 7: no copy of
   * application data beyond what the AEAD needs): do not modify it until the promise settles.
   */
  write(data: Uint8Array): Promise<void> {
    return this.serialize(async () => {
      if (this.#closed || this.#writeClosed) {
        throw new ConnectionStateError('ERR_CLOSED', 'write after close');
      }
      if (!this.#handshakeDone && !this.#halfRtt && !this.#falseStart) {
        const early = this.#earlyWrite;
        if (early === undefined || data.length > early.remaining) {
          throw new ConnectionStateError(
            'ERR_NOT_CONNECTED',
            'write before the handshake completed (beyond what 0-RTT allows)',
          );
        }
        early.remaining -= data.length;
        // Kept to send again as ordinary data if the server rejects it (RFC 8446 4.2.10).
        early.sent.push(data.slice());
      }
      if (this.#keyUpdateOwed) await this.sendKeyUpdate(false);
      await this.#sendRecords(ContentType.applicationData, data);
    });
  }

  get earlyDataRemaining(): number {
    return this.#handshakeDone ? 0 : (this.#earlyWrite?.remaining ?? 0);
  }

  close(): Promise<void> {
    return this.serialize(async () => {
      if (this.#closed || this.#writeClosed) return;
      await this.#sendAlert(AlertLevel.warning, AlertDescription.closeNotify);
      this.#writeClosed = true;
      // RFC 8446 6.1: before the handshake completes there is nothing to half-close.
      if (this.#readClosed || !this.#handshakeDone) this.#finish(undefined);
    });
  }

  setMaxSendFragment(size: number): boolean {
    if (!Number.isInteger(size) || size < 512 || size > maxFragment) {
      throw new RangeError(
        `setMaxSendFragment: size must be an integer from 512 to ${maxFragment}`,
      );
    }
    this.#maxSendFragment = size;
    return true;
  }

  abort(error: TlsError): Promise<void> {
    if (
      !isTlsError(error) ||
      !Number.isInteger(error.alert) ||
      error.alert < 0 ||
      error.alert > 255
    ) {
      throw new TypeError('abort() needs a TlsError whose alert is an AlertDescription (0..255)');
    }
    return this.serialize(() => this.fail(error));
  }

  keyUpdate(requestPeer: boolean): Promise<void> {
    return this.serialize(async () => {
      if (!this.#handshakeDone || this.#established === undefined) {
        throw new ConnectionStateError(
          'ERR_NOT_CONNECTED',
          'keyUpdate before the handshake completed',
        );
      }
      if (this.#closed || this.#writeClosed)
        throw new ConnectionStateError('ERR_CLOSED', 'keyUpdate after close');
      if (!this.#established.canUpdateKeys) {
        throw new ConnectionStateError('ERR_NOT_SUPPORTED', 'KeyUpdate exists in TLS 1.3 only');
      }
      await this.sendKeyUpdate(requestPeer);
    });
  }

  requestCertificate(): Promise<void> {
    return this.serialize(async () => {
      if (!this.#handshakeDone) {
        throw new ConnectionStateError(
          'ERR_NOT_CONNECTED',
          'requestCertificate before the handshake completed',
        );
      }
      if (this.#closed || this.#writeClosed)
        throw new ConnectionStateError('ERR_CLOSED', 'requestCertificate after close');
      const state = this.#state;
      if (state?.requestCertificate === undefined) {
        throw new ConnectionStateError(
          'ERR_NOT_SUPPORTED',
          'post-handshake authentication needs a TLS 1.3 server whose client offered post_handshake_auth and no request pending',
        );
      }
      this.#state = await state.requestCertificate();
    });
  }

  getLocalCertificates(): readonly Uint8Array[] {
    if (this.#certificateSent === undefined) return [];
    const { message } = decodeHandshake(this.#certificateSent, {
      protocol: this.#tls12 ? 'tls12' : 'tls13',
    });
    if (message.type !== HandshakeType.certificate) return [];
    return message.protocol === 'tls12'
      ? message.certificateList
      : message.certificateList.map((entry) => entry.data);
  }

  getFinished(direction: 'sent' | 'received'): Uint8Array | undefined {
    return direction === 'sent' ? this.#finishedSent : this.#finishedReceived;
  }

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const est = this.#established;
    if (est === undefined) {
      throw new ConnectionStateError(
        'ERR_NOT_CONNECTED',
        'exporter before the handshake completed',
      );
    }
    return est.exporter(label, context, length);
  }

  getPeerCertificates(): readonly Uint8Array[] {
    return this.#info?.peerCertificates ?? [];
  }

  // ---- services for the states ---------------------------------------------------------

  /** Runs `task` after every earlier task; a TlsError from it closes the connection with its alert. */
  protected serialize(task: () => Promise<void>): Promise<void> {
    return this.#queue.run(async () => {
      try {
        await task();
      } catch (error) {
        if (error instanceof ConnectionStateError) throw error;
        await this.fail(error);
      }
      await this.#flushHandshake();
    });
  }

  /** Sets the first state (called by the role's `start`). */
  protected setState(state: State): void {
    this.#state = state;
  }

  /** Marks the connection as TLS 1.2 once ServerHello settled it. */
  negotiatedTls12(): void {
    this.#tls12 = true;
  }

  /** Records the client random for key log lines. */
  setClientRandom(random: Uint8Array): void {
    this.#clientRandom = random;
  }

  /** Allows dropping compatibility change_cipher_spec records (until the peer's Finished). */
  allowChangeCipherSpec(allowed: boolean): void {
    this.#ccsAllowed = allowed;
  }

  /** TLS 1.2: the next record may be ChangeCipherSpec; `handler` switches the read protection. */
  expectChangeCipherSpec(handler: () => Promise<void>): void {
    this.#ccsHandler = handler;
  }

  /** TLS 1.2: installs the read protection a ChangeCipherSpec switches to. */
  setReadProtection(protection: RecordProtection): void {
    // RFC 5246 7.1 / 8446 5.1: throws unexpected_message inside a handshake message.
    this.#reader.setProtection(protection);
  }

  /** TLS 1.2: sends ChangeCipherSpec and encrypts from then on with `protection`. */
  async changeWriteProtection(protection: RecordProtection): Promise<void> {
    await this.sendChangeCipherSpec();
    this.#write = protection;
  }

  /** Sends a warning alert and goes on (RFC 5246 7.2: no_renegotiation). */
  async sendWarningAlert(description: number): Promise<void> {
    await this.#sendAlert(AlertLevel.warning, description);
  }

  /**
   * Client: 0-RTT starts (RFC 8446 2.3): from now on we encrypt with the early traffic key, and
   * `write()` may send up to `limit` bytes before the handshake completes.
   */
  async beginEarlyWrite(suite: Suite13, secret: Uint8Array, limit: number): Promise<void> {
    await this.setWriteKey(suite, secret);
    this.#earlyWrite = { remaining: limit, sent: [] };
  }

  /**
   * Client: 0-RTT is over (the server answered, or asked to retry): no more early writes.
   * Returns what was sent as early data. After a HelloRetryRequest the next ClientHello goes
   * out in plaintext again (`plaintext`).
   */
  endEarlyWrite(plaintext: boolean): Uint8Array[] {
    const sent = this.#earlyWrite?.sent ?? [];
    this.#earlyWrite = undefined;
    if (plaintext) {
      this.#write = new PlaintextProtection();
      this.#writeSecret = undefined;
      this.#writeSuite = undefined;
    }
    return sent;
  }

  /** Client: sends early data the server rejected again, now as ordinary application data. */
  async resendEarlyData(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) await this.#sendRecords(ContentType.applicationData, chunk);
  }

  /**
   * Server: 0-RTT accepted (RFC 8446 4.2.10): decrypt with the early traffic key and deliver up
   * to `limit` bytes of application data as `earlyData` until EndOfEarlyData.
   */
  async beginEarlyRead(suite: Suite13, secret: Uint8Array, limit: number): Promise<void> {
    await this.setReadKey(suite, secret);
    this.#earlyRead = { remaining: limit };
  }

  /**
   * Server: 0-RTT was accepted and the server Finished sent under the current write key (the
   * application traffic key): `write()` may send half-RTT data (RFC 8446 4.4.4).
   */
  allowHalfRttWrite(): void {
    this.#halfRtt = true;
  }

  /**
   * Client: TLS 1.2 False Start (RFC 7918): application data may be written under our new write
   * key, and keying material exported, before the server's Finished (as BoringSSL allows).
   */
  beginFalseStart(info: HandshakeInfo, secrets: Established): void {
    this.#falseStart = true;
    this.#established = secrets;
    this.emit('falseStart', info);
  }

  /** Server: EndOfEarlyData arrived; application data before the handshake is unexpected again. */
  endEarlyRead(): void {
    this.#earlyRead = undefined;
  }

  /** Server: the client's early data was rejected; skip up to `bytes` of records that fail to open. */
  skipEarlyData(bytes: number): void {
    this.#reader.discardUndecryptableRecords(bytes);
  }

  /** Frames and queues a handshake message under the current write key, and traces it. */
  async sendHandshake(decoded: WireMessage): Promise<RawMessage> {
    const message = frame(decoded);
    this.#trace('sent', message, decoded);
    this.#pendingHandshake.push(message.raw);
    return message;
  }

  /** RFC 8446 D.4: a change_cipher_spec record (plaintext, single byte 1). */
  async sendChangeCipherSpec(): Promise<void> {
    await this.#flushHandshake();
    this.#output.push(Uint8Array.of(ContentType.changeCipherSpec, 3, 3, 0, 1, 1));
    this.#traceCcs('sent');
  }

  /** Seals the handshake messages queued so far now, rather than when the current step ends. */
  async flushHandshake(): Promise<void> {
    await this.#flushHandshake();
  }

  /** Switches the key we encrypt with (RFC 8446 7.3), flushing what was queued under the old one. */
  async setWriteKey(suite: Suite13, secret: Uint8Array): Promise<void> {
    await this.#flushHandshake();
    this.#write = await this.#protection(suite, secret);
    this.#writeSecret = secret;
    this.#writeSuite = suite;
  }

  /** Switches the key we decrypt with. RFC 8446 5.1: a key change must fall on a message boundary. */
  async setReadKey(suite: Suite13, secret: Uint8Array): Promise<void> {
    // Throws unexpected_message when the change falls inside a handshake message.
    this.#reader.setProtection(await this.#protection(suite, secret));
    this.#readSecret = secret;
    this.#readSuite = suite;
  }

  async #protection(suite: Suite13, secret: Uint8Array): Promise<RecordProtection> {
    const p = this.provider;
    const { key, iv } = trafficKeys(p, suite.hash, secret, suite.aead);
    return Tls13RecordProtection.create(p, suite.aead, key, iv);
  }

  /** RFC 8449: the peer accepts at most `limit` bytes of TLSInnerPlaintext per record. */
  setPeerRecordSizeLimit(limit: number): void {
    // In TLS 1.3 the limit counts the content type byte (RFC 8449 section 4).
    this.#sendLimit = Math.min(maxFragment, limit - 1);
  }

  /**
   * RFC 8449 4: we advertised `limit` and the peer acknowledged it, so a protected record whose
   * TLSInnerPlaintext exceeds it is record_overflow. Unprotected records are not subject to it.
   */
  setOwnRecordSizeLimit(limit: number): void {
    this.#reader.recordSizeLimit = limit;
  }

  /** Emits a key log line when someone listens (NSS SSLKEYLOGFILE format). */
  keylog(label: KeyLogLabel, secret: Uint8Array): void {
    if (this.listens('keylog')) this.emit('keylog', keyLogLine(label, this.#clientRandom, secret));
  }

  /** The handshake is complete: application data may flow. */
  established(info: HandshakeInfo, secrets: Established, _proof: HandshakeProof): void {
    this.#info = info;
    this.#established = secrets;
    this.#handshakeDone = true;
    this.#ccsAllowed = false;
    this.emit('handshake', info);
  }

  /**
   * RFC 8446 4.6.2: the peer authenticated after the handshake. Its chain replaces the one in
   * `handshakeInfo` and the `postHandshakeAuth` event reports it.
   */
  peerAuthenticated(auth: PostHandshakeAuth): void {
    const info = this.#info;
    if (info === undefined)
      throw internalError('post-handshake authentication before the handshake');
    this.#info = {
      ...info,
      peerCertificates: auth.peerCertificates,
      peerVerified: auth.peerVerified,
      peerSignatureScheme: auth.peerSignatureScheme,
    };
    this.emit('postHandshakeAuth', auth);
  }

  /**
   * The current TLS 1.3 application traffic secret of one direction: the base key of a
   * post-handshake Finished (RFC 8446 4.4). Never leaves the engine.
   */
  trafficSecret(direction: 'read' | 'write'): Uint8Array {
    const secret = direction === 'read' ? this.#readSecret : this.#writeSecret;
    if (secret === undefined) throw internalError(`no ${direction} traffic secret`);
    return secret;
  }

  /** Reports a new client session. */
  emitSession(session: Session): void {
    this.emit('session', session);
  }

  /** RFC 8446 4.6.3: send KeyUpdate and move our write key forward. */
  async sendKeyUpdate(requestPeer: boolean): Promise<void> {
    const suite = this.#writeSuite;
    const secret = this.#writeSecret;
    if (suite === undefined || secret === undefined) throw internalError('no write key to update');
    // Any KeyUpdate we send answers the ones the peer requested so far.
    this.#keyUpdateOwed = false;
    await this.sendHandshake({ type: HandshakeType.keyUpdate, requestUpdate: requestPeer ? 1 : 0 });
    const next = nextTrafficSecret(this.provider, suite.hash, secret);
    await this.setWriteKey(suite, next);
  }

  /**
   * RFC 8446 4.6.3: the peer updated its key; move our read key forward. With `requested`, we
   * owe a KeyUpdate of our own before our next application data record: several requests
   * while we are silent get one answer, as the RFC intends ("causes an implementation which
   * receives multiple KeyUpdates while it is silent to respond with a single update").
   */
  async updateReadKey(requested: boolean): Promise<void> {
    // Each update costs a key derivation and delivers nothing: a run of them is a peer wasting
    // our CPU. The count restarts with application data.
    if (++this.#keyUpdates > maxConsecutiveKeyUpdates) {
      throw unexpected(`more than ${maxConsecutiveKeyUpdates} KeyUpdates without data between`);
    }
    if (requested && !this.#writeClosed) this.#keyUpdateOwed = true;
    const suite = this.#readSuite;
    const secret = this.#readSecret;
    if (suite === undefined || secret === undefined) throw internalError('no read key to update');
    const next = nextTrafficSecret(this.provider, suite.hash, secret);
    await this.setReadKey(suite, next);
  }

  /** Whether we already sent close_notify (then a requested KeyUpdate is not answered). */
  get writeClosed(): boolean {
    return this.#writeClosed;
  }

  /**
   * Ends the connection because of `error`: sends its alert (unless the peer ended it with one),
   * reports it, and stops.
   */
  protected async fail(error: unknown): Promise<void> {
    if (this.#closed) return;
    const tlsError = isTlsError(error)
      ? error
      : internalError(
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
    if (!(tlsError instanceof PeerAlertError) && !this.#writeClosed) {
      // Discard handshake messages not yet sent: the alert replaces them.
      this.#pendingHandshake = [];
      try {
        await this.#sendAlert(AlertLevel.fatal, tlsError.alert);
      } catch {
        // Sealing the alert failed (e.g. the sequence number is exhausted): close without it.
      }
    }
    this.#finish(tlsError);
  }

  #finish(error: TlsError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writeClosed = true;
    this.#readClosed = true;
    this.emit('close', { error });
  }

  // ---- input ---------------------------------------------------------------------------

  async #drain(): Promise<void> {
    const reader = this.#reader;
    for (let i = 0; i < maxRecordsPerCall && !this.#closed; i++) {
      // RFC 8446 5: a TLS 1.3 compatibility change_cipher_spec is dropped, unless TLS 1.2 expects one.
      reader.ignoreChangeCipherSpec = this.#ccsAllowed && this.#ccsHandler === undefined;
      // An unencrypted alert during the handshake is a peer that could not use our keys; report
      // it as one. After the handshake it is unauthenticated: accepting it would let anyone on
      // the path forge a close_notify and truncate the data stream, so it is unexpected_message.
      reader.acceptUnprotectedAlerts = !this.#handshakeDone;
      // Application data before the handshake completes is unexpected, even an empty record
      // (which the reader would otherwise skip); accepted 0-RTT data is application data.
      reader.skipEmptyApplicationData = this.#handshakeDone || this.#earlyRead !== undefined;
      const event = await reader.read();
      if (event === undefined) return;
      await this.#dispatch(event);
    }
  }

  async #dispatch(event: RecordEvent): Promise<void> {
    if (event.type !== 'alert') this.#warningAlerts = 0;
    switch (event.type) {
      case 'handshake':
        return this.#handleHandshake(event.message);
      case 'alert':
        return this.#handleAlert(event.level, event.description);
      case 'changeCipherSpec': {
        // RFC 5246 7.1: in TLS 1.2 it switches the read key, only where the state expects it.
        const handler = this.#ccsHandler;
        if (handler === undefined) throw unexpected('change_cipher_spec where none is expected');
        this.#ccsHandler = undefined;
        this.#traceCcs('received');
        return handler();
      }
      case 'applicationData':
        if (!this.#handshakeDone && this.#earlyRead !== undefined) {
          return this.#receiveEarly(event.data);
        }
        if (!this.#handshakeDone)
          throw unexpected('application data before the handshake completed');
        this.#keyUpdates = 0;
        // RFC 8446 6.1: data after close_notify is ignored.
        // No copy: the fragment is a view of the AEAD's fresh output, which nothing else holds.
        if (!this.#readClosed) this.emit('data', event.data);
        return;
    }
  }

  #traceCcs(direction: 'sent' | 'received'): void {
    if (!this.listens('message')) return;
    this.emit('message', {
      direction,
      type: 'change_cipher_spec',
      length: 1,
      fields: {},
      bytes: Uint8Array.of(1),
    });
  }

  /** Accepted early data: counted against max_early_data_size, delivered as `earlyData`. */
  #receiveEarly(fragment: Uint8Array): void {
    const early = this.#earlyRead!;
    // RFC 8446 4.2.10: more than max_early_data_size is unexpected_message.
    early.remaining -= fragment.length;
    if (early.remaining < 0) throw unexpected('more early data than max_early_data_size');
    this.emit('earlyData', fragment);
  }

  async #handleHandshake(bytes: Uint8Array): Promise<void> {
    if (this.#readClosed) throw unexpected('handshake message after close_notify');
    // A copy: the message may be a view of the caller's buffer, and states keep messages.
    const raw = bytes.slice();
    const message = { type: raw[0]!, body: raw.subarray(4), raw };
    this.#trace('received', message);
    const state = this.#state;
    if (state === undefined) throw unexpected('handshake message before start()');
    this.#state = await state.handle(message);
  }

  #handleAlert(level: number, description: number): void {
    const name = alertName(description);
    this.emit('alert', { direction: 'received', level, description, name });
    if (description === AlertDescription.closeNotify) {
      this.#readClosed = true;
      this.emit('end');
      if (this.#writeClosed || !this.#handshakeDone) this.#finish(undefined);
      return;
    }
    // RFC 8446 6.1: user_canceled is followed by close_notify; every other alert is fatal in 1.3.
    // RFC 5246 7.2.2: TLS 1.2 warnings (no_renegotiation, unrecognized_name) do not end it.
    const warning =
      description === AlertDescription.userCanceled ||
      (this.#tls12 && level === AlertLevel.warning);
    if (warning) {
      // A legitimate peer sends one; an endless run of them delivers nothing.
      if (++this.#warningAlerts > maxConsecutiveWarningAlerts) {
        throw unexpected(`more than ${maxConsecutiveWarningAlerts} warning alerts in a row`);
      }
      return;
    }
    this.#finish(new PeerAlertError(description, name));
  }

  // ---- output --------------------------------------------------------------------------

  async #flushHandshake(): Promise<void> {
    if (this.#pendingHandshake.length === 0) return;
    const parts = this.#pendingHandshake;
    this.#pendingHandshake = [];
    await this.#sendRecords(ContentType.handshake, concatBytes(parts));
  }

  async #sendRecords(type: number, data: Uint8Array): Promise<void> {
    await this.#sealRecords(type, data);
    // RFC 8446 5.1: only an initial ClientHello may carry record version 0x0301; every later
    // record (ClientHello2, TLS 1.2 ClientKeyExchange, alerts) says 0x0303.
    if (this.#write.kind === 'plaintext' && this.#write.recordVersion !== 0x0303) {
      this.#write = new PlaintextProtection();
    }
  }

  async #sealRecords(type: number, data: Uint8Array): Promise<void> {
    const limit = Math.min(
      this.#write.kind === 'plaintext' ? maxFragment : this.#sendLimit,
      this.#maxSendFragment,
    );
    if (data.length <= limit) {
      // One record, as most flights and writes: no array of promises to gather (issue 14).
      for (const chunk of await this.#write.sealChunks(type as ContentType, data)) {
        this.#output.push(chunk);
      }
      return;
    }
    const sealed: Promise<Uint8Array[]>[] = [];
    // An empty fragment is still one record (an empty application data record, say).
    let at = 0;
    do {
      sealed.push(this.#write.sealChunks(type as ContentType, data.subarray(at, at + limit)));
      at += limit;
    } while (at < data.length);
    for (const record of await Promise.all(sealed)) {
      for (const chunk of record) this.#output.push(chunk);
    }
  }

  async #sendAlert(level: number, description: number): Promise<void> {
    await this.#flushHandshake();
    await this.#sendRecords(ContentType.alert, Uint8Array.of(level, description));
    this.emit('alert', { direction: 'sent', level, description, name: alertName(description) });
  }

  /** `sent` is the message as we encoded it, when we did: then it is not decoded again. */
  #trace(direction: 'sent' | 'received', message: RawMessage, sent?: WireMessage): void {
    // Every handshake message passes here once: keep the Finished verify_data (a copy, as the
    // received bytes may be a view of a reused buffer) for getFinished().
    if (message.type === HandshakeType.finished) {
      if (direction === 'sent') this.#finishedSent = message.body.slice();
      else this.#finishedReceived = message.body.slice();
    } else if (message.type === HandshakeType.certificate && direction === 'sent') {
      // What we encoded ourselves: a reference, no copy.
      this.#certificateSent = message.raw;
    }
    if (!this.listens('message')) return;
    // Decoded once here, for the fields and for listeners (the CLI's trace) alike.
    let decoded: WireMessage | undefined;
    let fields: Record<string, unknown>;
    try {
      decoded = sent ?? decodeMessage(message, this.#tls12 ? 'tls12' : 'tls13');
      fields = traceFields(decoded);
    } catch (error) {
      fields = { error: error instanceof TlsError ? error.message : 'undecodable' };
    }
    this.emit('message', {
      direction,
      type: nameOf(HandshakeType, message.type),
      length: message.raw.length,
      fields,
      bytes: message.raw,
      message: decoded,
    });
  }
}

/** The RFC name of an alert description, e.g. `handshake_failure`. */
export function alertName(description: number): string {
  return nameOf(AlertDescription, description);
}
