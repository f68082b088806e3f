/**
 * 0-RTT checks of BoringSSL's shim (-expect-accept-early-data, -expect-reject-early-data,
 * -expect-early-data-reason) over what tlskit reports: `handshakeInfo.earlyData`, whether the
 * handshake resumed or retried, and what the shim knows of the session it offered.
 */
import type { HandshakeInfo, Session } from '@tlskit/handshake';
import { flagBool, flagString, type ShimConfig } from './flags.js';
import { Unsupported } from './unsupported.js';

/** What the shim knows about the 0-RTT attempt of one connection, beyond HandshakeInfo. */
export interface EarlyDataContext {
  readonly isServer: boolean;
  /** Client: the session it offered, if any. */
  readonly session: Session | undefined;
  /**
   * Server: whether the tickets the client resumes from allowed early data (the connection
   * that issued them ran with -enable-early-data), and their ALPN protocol.
   */
  readonly ticketAllowedEarlyData: boolean;
  readonly ticketAlpn: string | undefined;
}

/**
 * SSL_get_early_data_reason, as BoringSSL names it, where tlskit's outcome determines it. A
 * reason tlskit's report cannot tell apart (a server's rejection for ticket age skew, a client
 * that did not offer the session's early data) makes the test unimplemented rather than guessed.
 */
export function earlyDataReason(
  config: ShimConfig,
  info: HandshakeInfo,
  context: EarlyDataContext,
): string {
  if (!flagBool(config, '-enable-early-data')) return 'disabled';
  if (info.earlyData === 'accepted') return 'accept';
  if (info.version === 'TLSv1.2') return 'protocol_version';
  if (!context.isServer) {
    const session = context.session;
    if (session === undefined) return 'no_session_offered';
    if (session.version !== 'TLSv1.3' || session.maxEarlyData === 0) {
      return 'unsupported_for_session';
    }
    if (info.earlyData === 'rejected') {
      if (info.helloRetryRequest) return 'hello_retry_request';
      if (!info.resumed) return 'session_not_resumed';
      // The client cannot see why the server declined.
      return 'peer_declined';
    }
  } else if (info.earlyData === 'rejected') {
    if (!info.resumed) return 'session_not_resumed';
    if (!context.ticketAllowedEarlyData) return 'unsupported_for_session';
    if (info.helloRetryRequest) return 'hello_retry_request';
    if ((info.alpn ?? '') !== (context.ticketAlpn ?? '')) return 'alpn_mismatch';
  }
  throw new Unsupported('-expect-early-data-reason: tlskit does not report this reason');
}

/** The 0-RTT outcome checks of CheckHandshakeProperties; throws `fail(message)` on a mismatch. */
export function checkEarlyData(
  config: ShimConfig,
  info: HandshakeInfo,
  context: EarlyDataContext,
  fail: (message: string) => Error,
): void {
  const accepted = info.earlyData === 'accepted';
  if (
    (flagBool(config, '-expect-accept-early-data') && !accepted) ||
    (flagBool(config, '-expect-reject-early-data') && accepted)
  ) {
    throw fail(`Early data was${accepted ? '' : ' not'} accepted, but we expected the opposite`);
  }
  const want = flagString(config, '-expect-early-data-reason');
  if (want === undefined) return;
  const reason = earlyDataReason(config, info, context);
  if (reason !== want) throw fail(`Early data reason was "${reason}", expected "${want}"`);
}
