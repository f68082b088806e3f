/**
 * One probe on the wire: connect, send a ClientHello, read the server's answer up to the point
 * where the rest would be encrypted or the server waits for us, then close. The answer is read
 * with @tlskit/wire; every byte is hostile, so a malformed answer is an outcome, never a crash,
 * and each probe has a deadline.
 */
import { connect as netConnect, type Socket } from 'node:net';
import {
  type Alert,
  type ClientHello,
  ContentType,
  concatBytes,
  decodeAlert,
  decodeHandshake,
  decodeRecordHeader,
  HANDSHAKE_HEADER_LENGTH,
  HandshakeType,
  type HandshakeMessage,
  RECORD_HEADER_LENGTH,
  type ServerHello,
  splitHandshakeMessages,
} from '@tlskit/wire';
import { helloRecord } from './hello.js';

/** A handshake message of the server's flight, as received. */
export interface RawMessage {
  readonly type: number;
  /** The whole message, header included. */
  readonly bytes: Uint8Array;
}

/** How a probe ended. */
export type FlightOutcome =
  /** The server answered with a ServerHello (or HelloRetryRequest). */
  | 'hello'
  /** The server sent an alert before any ServerHello. */
  | 'alert'
  /** The server closed (or reset) the connection without a ServerHello. */
  | 'closed'
  | 'timeout'
  /** The answer is not TLS, or not well-formed. */
  | 'malformed'
  /** TCP connect failed. */
  | 'unreachable';

/** What the server sent back to one ClientHello. */
export interface Flight {
  readonly hello: ClientHello;
  readonly outcome: FlightOutcome;
  readonly serverHello?: ServerHello;
  /** legacy_compression_method of the ServerHello (tlskit's decoder refuses anything but 0). */
  readonly compressionMethod?: number;
  /** The plaintext handshake messages, ServerHello first. */
  readonly messages: readonly RawMessage[];
  readonly alert?: Alert;
  /** Why the outcome is `malformed` or `unreachable`. */
  readonly error?: string;
  readonly durationMs: number;
}

/** Where and how long to probe. */
export interface Target {
  readonly host: string;
  readonly port: number;
  /** Deadline of one probe. */
  readonly timeoutMs: number;
}

/** Sends `hello` to the target and collects the server's plaintext answer. */
export function exchange(target: Target, hello: ClientHello): Promise<Flight> {
  const started = performance.now();
  return new Promise<Flight>((resolve) => {
    const reader = new FlightReader();
    let socket: Socket | undefined;
    let settled = false;
    const finish = (outcome: FlightOutcome, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      const durationMs = Math.round(performance.now() - started);
      const serverHello = reader.serverHello;
      resolve({
        hello,
        outcome: serverHello ? 'hello' : outcome,
        ...(serverHello ? { serverHello } : {}),
        ...(reader.compressionMethod === undefined
          ? {}
          : { compressionMethod: reader.compressionMethod }),
        messages: reader.messages,
        ...(reader.alert ? { alert: reader.alert } : {}),
        ...(error === undefined ? {} : { error }),
        durationMs,
      });
    };
    const timer = setTimeout(() => finish('timeout'), target.timeoutMs);
    let connected = false;
    socket = netConnect({ host: target.host, port: target.port }, () => {
      connected = true;
      socket?.write(helloRecord(hello));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        if (reader.push(new Uint8Array(chunk))) finish(reader.serverHello ? 'hello' : 'alert');
      } catch (error) {
        finish('malformed', error instanceof Error ? error.message : String(error));
      }
    });
    socket.on('error', (error) => finish(connected ? 'closed' : 'unreachable', error.message));
    socket.on('close', () => finish(reader.alert ? 'alert' : 'closed'));
  });
}

/** A first flight (certificates included) is a few KiB; a peer that sends more is hostile. */
const MAX_FLIGHT_BYTES = 256 * 1024;

/**
 * Reassembles records and handshake messages as they arrive. Stops (returns true) at the point
 * where nothing more can be read in the clear: an alert, a TLS 1.3 ServerHello or a
 * HelloRetryRequest, a ServerHelloDone, or a ChangeCipherSpec.
 */
class FlightReader {
  #received = 0;
  #buffer: Uint8Array = new Uint8Array(0);
  #handshake: Uint8Array = new Uint8Array(0);
  readonly messages: RawMessage[] = [];
  serverHello: ServerHello | undefined;
  compressionMethod: number | undefined;
  alert: Alert | undefined;

  push(chunk: Uint8Array): boolean {
    this.#received += chunk.length;
    if (this.#received > MAX_FLIGHT_BYTES) {
      throw new Error(`the server sent over ${MAX_FLIGHT_BYTES} bytes without ending its flight`);
    }
    this.#buffer = concatBytes([this.#buffer, chunk]);
    // Each pass consumes one whole record, so the loop is bounded by the input.
    while (this.#buffer.length >= RECORD_HEADER_LENGTH) {
      // Judge the type and version bytes before the length, so that "HTTP/1.1 400" is named
      // for what it is rather than as an oversized record.
      if (!isPlausibleRecord(this.#buffer[0] ?? 0, this.#buffer[1] ?? 0)) {
        throw new Error('the server does not speak TLS (its bytes are not a TLS record)');
      }
      const header = decodeRecordHeader(this.#buffer);
      const end = RECORD_HEADER_LENGTH + header.length;
      if (this.#buffer.length < end) return false;
      const fragment = this.#buffer.subarray(RECORD_HEADER_LENGTH, end);
      this.#buffer = this.#buffer.subarray(end);
      if (header.type === ContentType.alert) {
        this.alert = decodeAlert(fragment);
        // A warning (e.g. unrecognized_name for an unknown SNI, RFC 6066 3) lets the handshake go on.
        if (this.alert.level === 1 && this.alert.description !== 0) continue;
        return true;
      }
      if (header.type !== ContentType.handshake) return true;
      if (this.#readHandshake(fragment)) return true;
    }
    return false;
  }

  #readHandshake(fragment: Uint8Array): boolean {
    this.#handshake = concatBytes([this.#handshake, fragment]);
    const whole = completePrefix(this.#handshake);
    if (whole === 0) return false;
    const messages = splitHandshakeMessages(this.#handshake.subarray(0, whole));
    this.#handshake = this.#handshake.subarray(whole);
    for (const bytes of messages) {
      const type = bytes[0] ?? -1;
      this.messages.push({ type, bytes });
      if (type === HandshakeType.serverHello) {
        const { serverHello, compressionMethod } = readServerHello(bytes);
        this.serverHello = serverHello;
        this.compressionMethod = compressionMethod;
        if (serverHello.isHelloRetryRequest || selects13(serverHello)) return true;
      }
      if (type === HandshakeType.serverHelloDone) return true;
    }
    return false;
  }
}

// A TLS record header: a known content type and a major version of 3 (SSL 3.0 to TLS 1.3).
function isPlausibleRecord(type: number, major: number): boolean {
  return type >= 20 && type <= 24 && major === 3;
}

/** The length of the whole handshake messages at the start of `bytes`. */
function completePrefix(bytes: Uint8Array): number {
  let offset = 0;
  while (bytes.length - offset >= HANDSHAKE_HEADER_LENGTH) {
    const length =
      ((bytes[offset + 1] ?? 0) << 16) | ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0);
    const end = offset + HANDSHAKE_HEADER_LENGTH + length;
    if (end > bytes.length) break;
    offset = end;
  }
  return offset;
}

/** True when the ServerHello selects TLS 1.3 through supported_versions. */
export function selects13(hello: ServerHello): boolean {
  return selectedVersion(hello) === 0x0304;
}

/** The version a ServerHello selects: supported_versions if present, else legacy_version. */
export function selectedVersion(hello: ServerHello): number {
  for (const ext of hello.extensions) {
    if (ext.type === 43 && 'selectedVersion' in ext) return ext.selectedVersion;
  }
  return hello.legacyVersion;
}

/**
 * Decodes a ServerHello. @tlskit/wire refuses a compression method other than null (tlskit never
 * offers one); the scanner does, so the byte is read here and the rest decoded with it zeroed.
 */
function readServerHello(bytes: Uint8Array): {
  serverHello: ServerHello;
  compressionMethod: number;
} {
  // header(4) version(2) random(32) session_id<0..32> cipher_suite(2) compression(1)
  const sessionIdLength = bytes[HANDSHAKE_HEADER_LENGTH + 34] ?? 0;
  const at = HANDSHAKE_HEADER_LENGTH + 35 + sessionIdLength + 2;
  const compressionMethod = bytes[at] ?? 0;
  let decodable = bytes;
  if (compressionMethod !== 0 && at < bytes.length) {
    decodable = Uint8Array.from(bytes);
    decodable[at] = 0;
  }
  const { message } = decodeHandshake(decodable, { protocol: 'tls12' });
  return { serverHello: message as ServerHello, compressionMethod };
}

/** Decodes a message of a TLS 1.2 flight with @tlskit/wire; undefined when it does not decode. */
export function decodeTls12(bytes: Uint8Array): HandshakeMessage | undefined {
  try {
    return decodeHandshake(bytes, { protocol: 'tls12' }).message;
  } catch {
    return undefined;
  }
}

/** The certificates of a TLS 1.2 flight's Certificate message, leaf first. */
export function certificatesOf(flight: Flight): Uint8Array[] {
  const raw = flight.messages.find((m) => m.type === HandshakeType.certificate);
  const message = raw ? decodeTls12(raw.bytes) : undefined;
  return message?.type === HandshakeType.certificate && message.protocol === 'tls12'
    ? [...message.certificateList]
    : [];
}

/** RFC 6962 3.3: the number of SCTs in a TLS 1.2 ServerHello's signed_certificate_timestamp. */
export function sctCount(flight: Flight): number {
  const ext = flight.serverHello?.extensions.find((e) => e.type === 18);
  if (ext === undefined || !('raw' in ext)) return 0;
  const list = ext.raw.subarray(2);
  let count = 0;
  // Each pass moves past one length-prefixed SCT, bounding the loop by the list length.
  for (let at = 0; at + 2 <= list.length; count++)
    at += 2 + (((list[at] ?? 0) << 8) | (list[at + 1] ?? 0));
  return count;
}
