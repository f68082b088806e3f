/**
 * 0-RTT anti-replay (RFC 8446 section 8). Early data is not protected against replay: an
 * attacker who recorded a ClientHello with early data can send it again, and a server without
 * state would hand the same early data to the application twice. tlskit's server therefore
 * accepts a ticket's early data at most once (section 8.1, single-use tickets) and only when the
 * client's view of the ticket age matches its own within a window (section 8.3, freshness).
 *
 * The store is an interface so that a cluster can share one (all servers that accept the same
 * tickets must see the same uses, or a replay to another server succeeds).
 */

/** Records which tickets have already carried early data. */
export interface AntiReplayStore {
  /**
   * Claims `key` (32 bytes naming the ticket: SHA-256 of its PSK, so a shared store holds no
   * secret) for early data. Resolves true the first time, false
   * when it was claimed before (a replay) or when the store cannot remember it (full): in both
   * cases the server rejects the early data and the handshake goes on without it.
   * `expiresAt` (ms since the epoch) is when the ticket stops being usable, so the claim may
   * be forgotten afterwards.
   */
  claim(key: Uint8Array, expiresAt: number, now: number): boolean | Promise<boolean>;
}

/** Options of {@link MemoryAntiReplayStore}. */
export interface MemoryAntiReplayStoreOptions {
  /** Most claims remembered at once. Default 100000. When full, early data is rejected. */
  readonly maxEntries?: number;
}

function hexKey(key: Uint8Array): string {
  let out = '';
  for (const b of key) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * The default store: one process's memory, bounded. Expired claims are dropped as time passes;
 * a full store refuses new claims (rejecting early data) rather than forgetting live ones,
 * which would let their tickets be replayed.
 */
export class MemoryAntiReplayStore implements AntiReplayStore {
  readonly maxEntries: number;
  /** key -> expiry, in insertion order (expiries are not ordered: tickets differ in lifetime). */
  readonly #claims = new Map<string, number>();
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryAntiReplayStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new TypeError('MemoryAntiReplayStore: maxEntries must be a positive integer');
    }
  }

  /** Number of claims remembered. */
  get size(): number {
    return this.#claims.size;
  }

  claim(key: Uint8Array, expiresAt: number, now: number): boolean {
    const k = hexKey(key);
    const seen = this.#claims.get(k);
    if (seen !== undefined && seen > now) return false;
    if (this.#claims.size >= this.maxEntries) this.#sweep(now);
    if (this.#claims.size >= this.maxEntries) return false;
    this.#claims.delete(k);
    this.#claims.set(k, expiresAt);
    return true;
  }

  /**
   * Drops expired claims. Runs only when the store is full, and at most once a second, so that
   * a flood of early data against a full store costs no more than a map lookup each.
   */
  #sweep(now: number): void {
    if (now - this.#lastSweep < 1000) return;
    this.#lastSweep = now;
    for (const [k, expiry] of this.#claims) if (expiry <= now) this.#claims.delete(k);
  }
}
