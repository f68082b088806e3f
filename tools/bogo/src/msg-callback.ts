/**
 * -expect-msg-callback: BoringSSL's message callback log (SSL_CTX_set_msg_callback), one line
 * per message in the order they were written or read: "write hs 1" (a handshake message and its
 * type), "read ccs", "read alert 1 0" (level and description). tlskit reports the same messages
 * through its `message` event (handshake messages and change_cipher_spec) and its `alert` event,
 * both emitted as each message is queued or processed.
 */
import type { Connection } from '@tlskit/handshake';

/** The log of one connection, in BoringSSL's format. */
export class MessageLog {
  #text = '';

  /**
   * Starts recording; call before the engine starts. Without -check-close-notify BoringSSL's
   * shim shuts down quietly (SSL_set_quiet_shutdown), so its log never shows a close_notify of
   * its own; tlskit's shim always sends one, and with `quietShutdown` the log leaves it out.
   */
  constructor(engine: Connection, quietShutdown: boolean) {
    engine.on('message', (trace) => {
      const verb = trace.direction === 'sent' ? 'write' : 'read';
      this.#text +=
        trace.type === 'change_cipher_spec' ? `${verb} ccs\n` : `${verb} hs ${trace.bytes[0]}\n`;
    });
    engine.on('alert', (alert) => {
      if (quietShutdown && alert.direction === 'sent' && alert.description === 0) return;
      const verb = alert.direction === 'sent' ? 'write' : 'read';
      this.#text += `${verb} alert ${alert.level} ${alert.description}\n`;
    });
  }

  get text(): string {
    return this.#text;
  }
}

/** The message BoringSSL's shim prints when the log differs, or undefined when it matches. */
export function messageLogMismatch(
  expected: string | undefined,
  log: MessageLog | undefined,
): string | undefined {
  const text = log?.text ?? '';
  if (expected === undefined || expected === '' || text === expected) return undefined;
  return `Bad message callback trace. Wanted:\n${expected}\nGot:\n${text}`;
}
