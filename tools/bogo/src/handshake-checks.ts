/**
 * Checks of a finished handshake that BoringSSL's shim makes from its callbacks and getters:
 * the peer's signature_algorithms (-expect-peer-verify-pref) and the suite chosen with AES
 * hardware (-expect-cipher-aes). (-expect-certificate-types is checked where the client's
 * certificate callback sees the request: client-cert.ts.) Each returns the failure message, or undefined when it holds.
 */
import type { Connection, HandshakeInfo } from '@tlskit/handshake';
import { flagBool, flagInt, flagInts, flagString, type ShimConfig } from './flags.js';
import { MessageLog, messageLogMismatch } from './msg-callback.js';

/**
 * -expect-peer-verify-pref: the peer's signature_algorithms in its order (the ClientHello's on a
 * server, the CertificateRequest's on a client), as SSL_get0_peer_verify_algorithms reports them.
 */
export function checkPeerVerifyPrefs(config: ShimConfig, info: HandshakeInfo): string | undefined {
  const want = flagInts(config, '-expect-peer-verify-pref');
  if (want.length === 0) return undefined;
  const got = info.peerSignatureSchemes;
  if (got.length !== want.length) {
    return `peer verify preferences length mismatch (got ${got.length}, wanted ${want.length})`;
  }
  const index = want.findIndex((scheme, i) => got[i] !== scheme);
  return index < 0
    ? undefined
    : `peer verify preference ${index} mismatch (got ${got[index]}, wanted ${want[index]})`;
}

/**
 * -expect-cipher-aes: the suite a shim with AES hardware negotiates. tlskit's preferences do not
 * depend on the hardware; they are those of BoringSSL with AES hardware (AES-GCM before
 * ChaCha20), so -expect-cipher-aes applies and -expect-cipher-no-aes, as in BoringSSL on such a
 * machine, does not.
 */
export function checkCipherAes(config: ShimConfig, info: HandshakeInfo): string | undefined {
  const want = flagInt(config, '-expect-cipher-aes');
  if (want === undefined || want === 0 || info.cipherSuiteCode === want) return undefined;
  return `Cipher ID was ${info.cipherSuiteCode}, wanted ${want} (has AES hardware)`;
}

/**
 * -expect-ticket-age-skew (server, resumption): SSL_get_ticket_age_skew, the client's ticket age
 * minus the server's in whole seconds, from tlskit's `ticketAgeSkew` in ms.
 */
export function checkTicketAgeSkew(
  config: ShimConfig,
  info: HandshakeInfo,
  isResume: boolean,
): string | undefined {
  const want = flagInt(config, '-expect-ticket-age-skew') ?? 0;
  if (!isResume || want === 0) return undefined;
  const got = info.ticketAgeSkew === undefined ? undefined : Math.trunc(info.ticketAgeSkew / 1000);
  return got === want ? undefined : `Ticket age skew was ${got}, wanted ${want}`;
}

/** What the shim records of one connection for the checks after it. */
export interface Observers {
  readonly log: MessageLog | undefined;
}

/** Starts recording; call before the engine starts. */
export function observe(config: ShimConfig, engine: Connection): Observers {
  // Only when asked: a `message` listener makes the engine decode every message for it.
  return {
    log:
      flagString(config, '-expect-msg-callback') === undefined
        ? undefined
        : new MessageLog(engine, !flagBool(config, '-check-close-notify')),
  };
}

/** The checks of this module on a connection that completed; the first failure, if any. */
export function checkObserved(
  config: ShimConfig,
  engine: Connection,
  observers: Observers,
  isResume: boolean,
): string | undefined {
  const info = engine.handshakeInfo;
  if (info === undefined) return undefined;
  return (
    checkPeerVerifyPrefs(config, info) ??
    checkTicketAgeSkew(config, info, isResume) ??
    checkCipherAes(config, info) ??
    messageLogMismatch(flagString(config, '-expect-msg-callback'), observers.log)
  );
}
