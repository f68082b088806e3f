/**
 * The TLS 1.2 server session cache (RFC 5246 7.4.1.2 session IDs), shared by the connections of
 * one server: bounded in size, entries expire. Pass one instance as `ServerOptions.sessionCache`.
 */

/** Options of {@link SessionCache}. */
export interface SessionCacheOptions {
  /** Most sessions kept; the oldest is dropped first. Default 1000. */
  readonly maxEntries?: number;
  /** Seconds a session may be resumed. Default 7200. */
  readonly lifetime?: number;
}

interface Entry {
  readonly state: Uint8Array;
  readonly expires: number;
}

function key(id: Uint8Array): string {
  let out = '';
  for (const b of id) out += b.toString(16).padStart(2, '0');
  return out;
}

/** A bounded, expiring map from session ID to the sealed session state. */
export class SessionCache {
  readonly maxEntries: number;
  readonly lifetime: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: SessionCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.lifetime = options.lifetime ?? 7200;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new TypeError('SessionCache: maxEntries must be a positive integer');
    }
    if (!Number.isInteger(this.lifetime) || this.lifetime < 1) {
      throw new TypeError('SessionCache: lifetime must be a positive number of seconds');
    }
  }

  /** Number of sessions held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Stores a session; `now` in ms since the epoch. Evicts the oldest entry when full. */
  set(id: Uint8Array, state: Uint8Array, now: number): void {
    const k = key(id);
    this.#entries.delete(k);
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(k, { state: state.slice(), expires: now + this.lifetime * 1000 });
  }

  /** The session for `id`, or undefined when unknown or expired (expired ones are dropped). */
  get(id: Uint8Array, now: number): Uint8Array | undefined {
    const k = key(id);
    const entry = this.#entries.get(k);
    if (entry === undefined) return undefined;
    if (now >= entry.expires) {
      this.#entries.delete(k);
      return undefined;
    }
    return entry.state;
  }
}
