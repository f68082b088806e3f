/**
 * TLS 1.2 False Start in the shim: -false-start and -allow-false-start-without-alpn map onto
 * tlskit's `falseStart` options. BoringSSL's SSL_do_handshake returns as soon as False Start
 * begins, so the shim checks what was negotiated and writes then, from the `falseStart` event;
 * -handshake-never-done fails the test if the handshake completes after all.
 */
import type { ClientOptions, Connection, HandshakeInfo } from '@tlskit/handshake';
import { flagBool, type ShimConfig } from './flags.js';

/** The client options of the False Start flags. */
export function falseStartOptions(config: ShimConfig): Partial<ClientOptions> {
  if (!flagBool(config, '-false-start')) return {};
  return {
    falseStart: true,
    ...(flagBool(config, '-allow-false-start-without-alpn') ? { falseStartWithoutAlpn: true } : {}),
  };
}

/** What the shim saw of False Start on one connection. */
export interface FalseStartWatch {
  /** What was negotiated when False Start began, if it did. */
  readonly info: () => HandshakeInfo | undefined;
  /** -handshake-never-done: a message when the handshake completed nonetheless. */
  readonly violation: () => string | undefined;
}

/** Watches `engine` for False Start and, under -handshake-never-done, for a completed handshake. */
export function watchFalseStart(
  engine: Connection,
  config: ShimConfig,
  notify: () => void,
): FalseStartWatch {
  let info: HandshakeInfo | undefined;
  let completed = false;
  engine.on('falseStart', (negotiated) => {
    info = negotiated;
    notify();
  });
  const neverDone = flagBool(config, '-handshake-never-done');
  if (neverDone) {
    engine.on('handshake', () => {
      completed = true;
      notify();
    });
  }
  return {
    info: () => info,
    violation: () => (completed ? 'Handshake unexpectedly completed.' : undefined),
  };
}
