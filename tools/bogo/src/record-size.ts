/**
 * -max-send-fragment (SSL_set_max_send_fragment): caps every record the shim sends, through
 * `Connection.setMaxSendFragment` (node:tls's name). -read-size sets the buffer of BoringSSL's
 * echo loop, so how much of the runner's data each of its echo writes carries; this shim echoes
 * each record's data as it arrives, and the records it writes are bounded by -max-send-fragment
 * either way, so the runner sees the same records.
 */
import type { Connection } from '@tlskit/handshake';
import { flagInt, type ShimConfig } from './flags.js';

/** Applies -max-send-fragment before the engine starts. */
export function applyMaxSendFragment(config: ShimConfig, engine: Connection): void {
  const size = flagInt(config, '-max-send-fragment') ?? 0;
  if (size > 0) engine.setMaxSendFragment(size);
}
