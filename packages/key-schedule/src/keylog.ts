/**
 * Key log lines in the NSS key log format (SSLKEYLOGFILE), which Wireshark and other tools read:
 * `<label> <client_random hex> <secret hex>`, one line per secret.
 */
import { hex } from '@tlskit/wire';
import { checkBytes } from './bytes.js';

/** The labels tlskit writes: the TLS 1.3 secrets, and CLIENT_RANDOM for a TLS 1.2 master secret. */
export const KEY_LOG_LABELS = [
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EARLY_EXPORTER_SECRET',
  'EXPORTER_SECRET',
  'CLIENT_RANDOM',
] as const;

/** One of {@link KEY_LOG_LABELS}. */
export type KeyLogLabel = (typeof KEY_LOG_LABELS)[number];

/** Receives key log lines (without the trailing newline), e.g. to append them to a file. */
export type KeyLogger = (line: string) => void;

/**
 * One key log line, without a trailing newline: `CLIENT_HANDSHAKE_TRAFFIC_SECRET <random> <secret>`.
 * The client random identifies the connection (the ClientHello.random, 32 bytes); for
 * `CLIENT_RANDOM` the secret is the TLS 1.2 master secret (48 bytes).
 *
 * Secrets written this way decrypt the whole connection: log them only when the user asked.
 */
export function keyLogLine(
  label: KeyLogLabel,
  clientRandom: Uint8Array,
  secret: Uint8Array,
): string {
  if (!KEY_LOG_LABELS.includes(label)) {
    throw new TypeError(`unknown key log label ${JSON.stringify(label)}`);
  }
  checkBytes('clientRandom', clientRandom, 32);
  checkBytes('secret', secret);
  return `${label} ${hex(clientRandom)} ${hex(secret)}`;
}
