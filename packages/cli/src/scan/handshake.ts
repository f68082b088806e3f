/**
 * The main handshake of a scan: the one a report draws as a sequence diagram. tlskit's own
 * client completes it (TLS 1.3 or 1.2, every message decrypted and traced); against a server
 * only older or weaker parameters reach, the plaintext half of a probe stands in for it.
 */
import type { AlertEvent, MessageTrace } from '@tlskit/handshake';
import {
  decodeHandshake,
  encodeHandshake,
  HandshakeType,
  nameOf,
  type ServerHello,
} from '@tlskit/wire';
import { nobleProvider } from '@tlskit/crypto';
import { negotiated, openClient, secureConnected } from '../tls.js';
import { Tracer } from '../trace.js';
import { type Flight, selectedVersion } from './flight.js';

/** One arrow of the sequence diagram. */
export interface HandshakeStep {
  readonly from: 'client' | 'server';
  /** e.g. `client_hello`, `change_cipher_spec`, `alert`. */
  readonly message: string;
  readonly length: number;
  /** Sent under handshake or application traffic keys. */
  readonly encrypted: boolean;
  /** What a reader looks for in it, as `[label, value]`. */
  readonly notes: readonly (readonly [string, string])[];
}

/** The main handshake as the report shows it. */
export interface MainHandshake {
  /** `tlskit` when tlskit's client completed it, `probe` when only a probe's plaintext half is shown. */
  readonly source: 'tlskit' | 'probe';
  readonly completed: boolean;
  readonly version: string | null;
  readonly cipherSuite: string | null;
  readonly group: string | null;
  /** Why tlskit's client did not complete it. */
  readonly error: string | null;
  readonly steps: readonly HandshakeStep[];
  /** The server's chain, leaf first (DER), when tlskit's client received it. */
  readonly peerCertificates: readonly Uint8Array[];
}

/** Completes a handshake with tlskit's client, tracing every message. Never throws. */
export async function tracedHandshake(
  host: string,
  port: number,
  servername: string | undefined,
  timeoutMs: number,
): Promise<MainHandshake> {
  const tracer = new Tracer('client');
  const steps: HandshakeStep[] = [];
  let encrypted = false;
  let protocol: 'tls12' | 'tls13' | undefined;
  const onMessage = (trace: MessageTrace): void => {
    const from = tracer.fromClient(trace.direction) ? 'client' : 'server';
    const notes = tracer.fields(trace);
    // A ChangeCipherSpec record itself is always in clear (RFC 8446 D.4, RFC 5246 7.1).
    const ccs = trace.type === 'change_cipher_spec';
    steps.push({
      from,
      message: trace.type,
      length: trace.length,
      encrypted: encrypted && !ccs,
      notes,
    });
    // TLS 1.3: everything after the ServerHello is encrypted (RFC 8446 2); TLS 1.2: everything
    // after a ChangeCipherSpec (RFC 5246 7.1). In TLS 1.3 a ChangeCipherSpec is only padding.
    if (trace.type === 'server_hello') {
      protocol = versionOf(trace.bytes) === 0x0304 ? 'tls13' : 'tls12';
      if (protocol === 'tls13' && !isHelloRetryRequest(trace.bytes)) encrypted = true;
    }
    if (trace.type === 'change_cipher_spec' && protocol === 'tls12') encrypted = true;
  };
  const onAlert = (alert: AlertEvent): void => {
    const from = tracer.fromClient(alert.direction) ? 'client' : 'server';
    const level = alert.level === 2 ? 'fatal' : 'warning';
    steps.push({
      from,
      message: 'alert',
      length: 2,
      encrypted,
      notes: [['alert', `${level} ${alert.name} (${alert.description})`]],
    });
  };
  const socket = openClient({
    host,
    port,
    servername,
    rejectUnauthorized: false,
    provider: nobleProvider,
    onMessage,
    onAlert,
  });
  socket.on('error', () => {});
  try {
    await secureConnected(socket, timeoutMs);
    const p = negotiated(socket);
    return {
      source: 'tlskit',
      completed: true,
      version: p.version,
      cipherSuite: p.cipher,
      group: p.group,
      error: null,
      steps,
      peerCertificates: [...(socket.handshakeInfo?.peerCertificates ?? [])],
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    return {
      source: 'tlskit',
      completed: false,
      version: null,
      cipherSuite: null,
      group: null,
      error: typeof code === 'string' ? `${code}: ${message}` : message,
      steps,
      peerCertificates: [],
    };
  } finally {
    socket.destroy();
  }
}

/** The plaintext half of a probe (ClientHello, then the server's flight) as diagram steps. */
export function probeHandshake(
  flight: Flight,
  version: string,
  cipherSuite: string,
  why: string,
): MainHandshake {
  const tracer = new Tracer('client');
  const step = (from: 'client' | 'server', bytes: Uint8Array): HandshakeStep => {
    const trace: MessageTrace = {
      direction: from === 'client' ? 'sent' : 'received',
      type: nameOf(HandshakeType, bytes[0] ?? 0),
      length: bytes.length,
      fields: {},
      bytes,
    };
    return {
      from,
      message: trace.type,
      length: trace.length,
      encrypted: false,
      notes: tracer.fields(trace),
    };
  };
  const steps = [
    step('client', encodeHandshake(flight.hello)),
    ...flight.messages.map((m) => step('server', m.bytes)),
  ];
  return {
    source: 'probe',
    completed: false,
    version,
    cipherSuite,
    group: null,
    error: why,
    steps,
    peerCertificates: [],
  };
}

function decodeServerHello(bytes: Uint8Array): ServerHello | undefined {
  try {
    const { message } = decodeHandshake(bytes, { protocol: 'tls13' });
    return message.type === HandshakeType.serverHello ? message : undefined;
  } catch {
    return undefined;
  }
}

function versionOf(serverHello: Uint8Array): number | undefined {
  const hello = decodeServerHello(serverHello);
  return hello === undefined ? undefined : selectedVersion(hello);
}

function isHelloRetryRequest(serverHello: Uint8Array): boolean {
  return decodeServerHello(serverHello)?.isHelloRetryRequest ?? false;
}
