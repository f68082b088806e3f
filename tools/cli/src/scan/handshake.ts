/**
 * The main handshake of a scan: the one a report draws as a sequence diagram. tlskit's own
 * client completes it (TLS 1.3 or 1.2, every message decrypted and traced); against a server
 * only older or weaker parameters reach, the plaintext half of a probe stands in for it.
 */
import type { AlertEvent, MessageTrace } from '@tlskit/handshake';
import { nameOf, HandshakeType, encodeHandshake } from '@tlskit/wire';
import { nobleProvider } from '@tlskit/crypto';
import { negotiated, openClient, secureConnected } from '../tls.js';
import { Tracer } from '../trace.js';
import type { Flight } from './flight.js';

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
  const onMessage = (trace: MessageTrace): void => {
    const from = tracer.fromClient(trace.direction) ? 'client' : 'server';
    const notes = tracer.fields(trace);
    steps.push({ from, message: trace.type, length: trace.length, encrypted, notes });
    // TLS 1.3: everything after the ServerHello is encrypted; TLS 1.2: after each ChangeCipherSpec.
    if (
      trace.type === 'server_hello' &&
      notes.some(([k, v]) => k === 'version' && v === 'TLSv1.3')
    ) {
      encrypted = true;
    }
    if (trace.type === 'change_cipher_spec' && !notes.some(([, v]) => v.includes('RFC 8446'))) {
      encrypted = true;
    }
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
