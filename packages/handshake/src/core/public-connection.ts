/**
 * The object createClient and createServer return: the public {@link Connection} API and nothing
 * else. The engine, whose state-machine hooks the handshake states use, stays in a private field,
 * so those hooks cannot be reached from outside, not even after a cast (issue 16).
 */
import type { Connection, ConnectionState, Engine } from './engine.js';
import type { ConnectionEventName, ConnectionEvents, HandshakeInfo } from './events.js';
import type { TlsError } from '@tlskit/wire';

/** The engine behind each connection, for the package's own test seam (testing.ts) only. */
const engines = new WeakMap<Connection, Engine>();

/** The engine behind `connection`, or undefined for an object that is not one of ours. */
export function engineOf(connection: Connection): Engine | undefined {
  return engines.get(connection);
}

/** Wraps `engine` in its public facade. */
export function publicConnection(engine: Engine): Connection {
  const connection = new TlsConnection(engine);
  engines.set(connection, engine);
  return connection;
}

class TlsConnection implements Connection {
  readonly #engine: Engine;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  get role(): 'client' | 'server' {
    return this.#engine.role;
  }

  get state(): ConnectionState {
    return this.#engine.state;
  }

  get handshakeInfo(): HandshakeInfo | undefined {
    return this.#engine.handshakeInfo;
  }

  get earlyDataRemaining(): number {
    return this.#engine.earlyDataRemaining;
  }

  start(): Promise<void> {
    return this.#engine.start();
  }

  receive(bytes: Uint8Array): Promise<void> {
    return this.#engine.receive(bytes);
  }

  takeOutput(): Uint8Array[] {
    return this.#engine.takeOutput();
  }

  write(data: Uint8Array): Promise<void> {
    return this.#engine.write(data);
  }

  close(): Promise<void> {
    return this.#engine.close();
  }

  setMaxSendFragment(size: number): boolean {
    return this.#engine.setMaxSendFragment(size);
  }

  abort(error: TlsError): Promise<void> {
    return this.#engine.abort(error);
  }

  keyUpdate(requestPeer: boolean): Promise<void> {
    return this.#engine.keyUpdate(requestPeer);
  }

  requestCertificate(): Promise<void> {
    return this.#engine.requestCertificate();
  }

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    return this.#engine.exportKeyingMaterial(label, context, length);
  }

  getPeerCertificates(): readonly Uint8Array[] {
    return this.#engine.getPeerCertificates();
  }

  getFinished(direction: 'sent' | 'received'): Uint8Array | undefined {
    return this.#engine.getFinished(direction);
  }

  getLocalCertificates(): readonly Uint8Array[] {
    return this.#engine.getLocalCertificates();
  }

  on<K extends ConnectionEventName>(event: K, listener: ConnectionEvents[K]): () => void {
    return this.#engine.on(event, listener);
  }

  off<K extends ConnectionEventName>(event: K, listener: ConnectionEvents[K]): void {
    this.#engine.off(event, listener);
  }
}
