/**
 * -send-alert: after the handshake the shim ends the connection with a fatal
 * decompression_failure of its own (BoringSSL's shim calls SSL_send_fatal_alert) and exits
 * successfully; the runner expects to read that alert. tlskit's `Connection.abort` sends it.
 */
import type { Connection } from '@tlskit/handshake';
import { TlsError } from '@tlskit/wire';
import { flagBool, type ShimConfig } from './flags.js';

/** AlertDescription decompression_failure (RFC 5246 7.2.2), BoringSSL's choice for the test. */
const decompressionFailure = 30;

/** Sends the alert when the flag asks for it; true when it did (the exchange then ends). */
export async function sendShimAlert(config: ShimConfig, engine: Connection): Promise<boolean> {
  if (!flagBool(config, '-send-alert')) return false;
  await engine.abort(
    new TlsError('ERR_INTERNAL', decompressionFailure, '-send-alert: the shim ends the connection'),
  );
  return true;
}
