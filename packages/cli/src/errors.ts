/**
 * Failures of the command itself, not of the TLS peer: a provider missing from the build, a
 * handshake that never finished in time, a connection closed under it. They carry a stable
 * `code` for scripts, like TlsError, but no alert: nothing went wrong on the wire.
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
