/**
 * Parses the runner's arguments into one configuration per handshake kind, as BoringSSL's shim
 * does: an unprefixed flag applies to every connection, `-on-initial-X` only to the first one,
 * `-on-resume-X` to the resumptions, `-on-retry-X` to a 0-RTT retry; `-on-shim-X` applies here
 * and `-on-handshaker-X` (the split-handshake helper) never does.
 */
import { type FlagKind, flagKinds } from './flag-table.js';

/** A value as given: true for a bool, numbers for integer flags, text otherwise. */
export type FlagValue = boolean | number | readonly number[] | string | readonly string[];

/** One certificate and key (the default one, or one opened by `-new-x509-credential`). */
export interface Credential {
  readonly type: 'x509' | 'delegated';
  readonly values: Map<string, FlagValue>;
}

/** The flags that apply to one handshake. */
export interface ShimConfig {
  /** Flag name (with its leading dash) to value. Credential flags live in `credentials`. */
  readonly values: Map<string, FlagValue>;
  /** Credentials opened by `-new-x509-credential` / `-new-delegated-credential`, in order. */
  readonly credentials: Credential[];
}

/** Flags this shim implements. Every other name in the table makes the test unimplemented. */
export const implementedFlags: ReadonlySet<string> = new Set([
  // The protocol itself (SHIM.md): where to connect, which role, how many connections.
  '-port',
  '-shim-id',
  '-ipv6',
  '-server',
  '-resume-count',
  '-is-handshaker-supported',
  // The engines are driven by events, not by BoringSSL's non-blocking calls: both are no-ops,
  // as in rustls's shim. (-async wraps the socket in a BIO that returns WANT_READ/WANT_WRITE;
  // -implicit-handshake lets SSL_read/SSL_write start it.)
  '-async',
  '-implicit-handshake',
  // Credentials and peer verification.
  '-cert-file',
  '-key-file',
  '-trust-cert',
  '-new-x509-credential',
  '-verify-peer',
  '-require-any-client-certificate',
  '-use-custom-verify-callback',
  '-verify-fail',
  '-expect-peer-cert-file',
  '-expect-verify-result',
  '-expect-selected-credential',
  '-reverify-on-resume',
  // The certificate callbacks and the CA names of a CertificateRequest (client-cert.ts).
  '-use-old-client-cert-callback',
  '-fail-cert-callback',
  '-use-client-ca-list',
  '-expect-client-ca-list',
  '-expect-certificate-types',
  // TLS 1.2 False Start (false-start.ts).
  '-false-start',
  '-allow-false-start-without-alpn',
  '-handshake-never-done',
  '-handshake-twice',
  // A TLS 1.2 client that refuses renegotiation goes on after a HelloRequest: BoringSSL ignores
  // it silently, tlskit answers a no_renegotiation warning (RFC 5246 7.4.1.1, as OpenSSL does).
  '-renegotiate-ignore',
  // Negotiation settings and the checks of their outcome.
  '-min-version',
  '-max-version',
  '-no-tls13',
  '-no-tls12',
  // tlskit never enables TLS 1.1 or 1.0: disabling them holds as asked.
  '-no-tls11',
  '-no-tls1',
  '-expect-version',
  '-curves',
  '-expect-curve-id',
  '-signing-prefs',
  '-verify-prefs',
  // BoringSSL's compliance policies, as tlskit's compliancePolicy presets (compliance.ts).
  '-fips-202205',
  '-wpa-202304',
  '-cnsa-202407',
  '-expect-peer-signature-algorithm',
  '-expect-cipher',
  '-host-name',
  '-expect-server-name',
  '-expect-no-server-name',
  '-advertise-alpn',
  '-select-alpn',
  '-expect-alpn',
  '-decline-alpn',
  '-expect-hrr',
  '-expect-no-hrr',
  '-expect-session-miss',
  '-expect-no-session',
  '-expect-extended-master-secret',
  '-no-ticket',
  // Sessions: the server's session cache, ticket renewal, the clock between connections.
  '-expect-session-id',
  '-expect-no-session-id',
  '-expect-ticket-renewal',
  '-resumption-delay',
  // 0-RTT: the client writes its first message early, the server echoes early data at once
  // (half-RTT); a client whose early data was rejected goes on with the retry configuration.
  '-enable-early-data',
  '-expect-accept-early-data',
  '-expect-reject-early-data',
  '-expect-ticket-supports-early-data',
  '-expect-no-offer-early-data',
  '-expect-early-data-reason',
  // OCSP stapling: the client asks (its callback judges), the server staples.
  '-enable-ocsp-stapling',
  '-ocsp-response',
  '-expect-ocsp-response',
  '-use-ocsp-callback',
  '-fail-ocsp-callback',
  '-decline-ocsp-callback',
  '-set-ocsp-in-callback',
  // Certificate Transparency: the client asks for SCTs, a credential carries its list.
  '-enable-signed-cert-timestamps',
  '-signed-cert-timestamps',
  '-expect-signed-cert-timestamps',
  // Certificate compression (RFC 8879): the mock algorithms of cert-compression.ts.
  '-install-cert-compression-algs',
  '-install-one-cert-compression-alg',
  // GREASE (RFC 8701) in the client's ClientHello.
  '-enable-grease',
  // After the handshake.
  '-shim-writes-first',
  '-shim-shuts-down',
  '-check-close-notify',
  '-export-keying-material',
  '-export-label',
  '-export-context',
  '-use-export-context',
  '-export-traffic-secrets',
  '-tls-unique',
  '-key-update',
  // Encrypted ClientHello, server side (src/ech.ts).
  '-ech-server-config',
  '-ech-server-key',
  '-ech-is-retry-config',
  '-expect-ech-accept',
  // Encrypted ClientHello, client side (src/ech.ts).
  '-ech-config-list',
  '-expect-ech-retry-configs',
  '-expect-no-ech-retry-configs',
  // Server callbacks at ClientHello time, one chooseConfig hook (callbacks.ts); checks of the
  // handshake (handshake-checks.ts) and the message log (msg-callback.ts); -cipher rules
  // (cipher-rules.ts).
  '-use-early-callback',
  '-fail-early-callback',
  '-install-ddos-callback',
  '-fail-ddos-callback',
  '-expect-advertised-alpn',
  '-reject-alpn',
  '-expect-peer-verify-pref',
  '-expect-cipher-aes',
  '-expect-cipher-no-aes',
  '-expect-ticket-age-skew',
  '-expect-msg-callback',
  '-cipher',
  // SSL_OP_CIPHER_SERVER_PREFERENCE: tlskit's server always chooses by its own preferences.
  '-server-preference',
  // After the handshake: a fatal alert of the shim's own (send-alert.ts, Connection.abort).
  '-send-alert',
  // Ticket callbacks as a TicketSealer (ticket-callback.ts).
  '-use-ticket-callback',
  '-use-ticket-aead-callback',
  '-skip-ticket',
  '-renew-ticket',
  // Record sizes (record-size.ts).
  '-max-send-fragment',
  '-read-size',
  '-max-cert-list',
  '-enable-ech-grease',
]);

/** Value flags that BoringSSL's shim collects into a list: each use adds one. */
const repeatedFlags = new Set(['-ech-server-config', '-ech-server-key']);

/** Flags that belong to the current credential once `-new-x509-credential` opened one. */
const credentialFlags = new Set([
  '-cert-file',
  '-key-file',
  '-signing-prefs',
  '-ocsp-response',
  '-signed-cert-timestamps',
  '-delegated-credential',
]);

/** What parsing found. */
export type ParseResult =
  | {
      readonly kind: 'ok';
      readonly initial: ShimConfig;
      readonly resume: ShimConfig;
      /** The connection again at 1-RTT after the server rejected 0-RTT (client only). */
      readonly retry: ShimConfig;
    }
  | { readonly kind: 'unknown'; readonly flag: string }
  | { readonly kind: 'unimplemented'; readonly flag: string }
  | { readonly kind: 'invalid'; readonly flag: string; readonly message: string };

function emptyConfig(): ShimConfig {
  return { values: new Map(), credentials: [] };
}

function stripPrefix(name: string, prefix: string): string | undefined {
  return name.startsWith(`${prefix}-`) ? name.slice(prefix.length) : undefined;
}

function parseInt32(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function apply(config: ShimConfig, name: string, kind: FlagKind, param: string | undefined): void {
  if (name === '-new-x509-credential' || name === '-new-delegated-credential') {
    const type = name === '-new-x509-credential' ? 'x509' : 'delegated';
    config.credentials.push({ type, values: new Map() });
    return;
  }
  const target =
    credentialFlags.has(name) && config.credentials.length > 0
      ? config.credentials[config.credentials.length - 1]!.values
      : config.values;
  if (kind === 'bool') {
    target.set(name, true);
  } else if (kind === 'int') {
    target.set(name, parseInt32(param!)!);
  } else if (kind === 'ints') {
    const list = (target.get(name) as readonly number[] | undefined) ?? [];
    target.set(name, [...list, parseInt32(param!)!]);
  } else if (repeatedFlags.has(name)) {
    const list = (target.get(name) as readonly string[] | undefined) ?? [];
    target.set(name, [...list, param!]);
  } else {
    target.set(name, param!);
  }
}

/**
 * Parses `args` (without the program name). Stops at the first flag that is unknown, known but
 * not implemented, or given a value of the wrong form.
 */
export function parseArgs(args: readonly string[]): ParseResult {
  const initial = emptyConfig();
  const resume = emptyConfig();
  const retry = emptyConfig();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let name = arg;
    let skip = false;
    const onShim = stripPrefix(name, '-on-shim');
    const onHandshaker = stripPrefix(name, '-on-handshaker');
    if (onShim !== undefined) name = onShim;
    else if (onHandshaker !== undefined) {
      name = onHandshaker;
      skip = true;
    }
    let targets: ShimConfig[] = [initial, resume, retry];
    const onInitial = stripPrefix(name, '-on-initial');
    const onResume = stripPrefix(name, '-on-resume');
    const onRetry = stripPrefix(name, '-on-retry');
    if (onInitial !== undefined) {
      name = onInitial;
      targets = [initial];
    } else if (onResume !== undefined) {
      name = onResume;
      targets = [resume];
    } else if (onRetry !== undefined) {
      name = onRetry;
      targets = [retry];
    }
    const kind = Object.hasOwn(flagKinds, name) ? flagKinds[name] : undefined;
    if (kind === undefined) return { kind: 'unknown', flag: name };
    let param: string | undefined;
    if (kind !== 'bool') {
      param = args[++i];
      if (param === undefined) return { kind: 'invalid', flag: name, message: 'missing value' };
      if ((kind === 'int' || kind === 'ints') && parseInt32(param) === undefined) {
        return { kind: 'invalid', flag: name, message: `not an integer: ${param}` };
      }
    }
    if (skip) continue;
    if (!implementedFlags.has(name)) return { kind: 'unimplemented', flag: name };
    for (const target of targets) apply(target, name, kind, param);
  }
  return { kind: 'ok', initial, resume, retry };
}

/** Typed reads of a parsed configuration. */
export function flagBool(config: ShimConfig, name: string): boolean {
  return config.values.get(name) === true;
}

export function flagInt(config: ShimConfig, name: string): number | undefined {
  const value = config.values.get(name);
  return typeof value === 'number' ? value : undefined;
}

export function flagInts(config: ShimConfig, name: string): readonly number[] {
  const value = config.values.get(name);
  return Array.isArray(value) ? value.filter((v) => typeof v === 'number') : [];
}

/** A repeated value flag's values, in order. */
export function flagStrings(config: ShimConfig, name: string): readonly string[] {
  const value = config.values.get(name);
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
}

export function flagString(config: ShimConfig, name: string): string | undefined {
  const value = config.values.get(name);
  return typeof value === 'string' ? value : undefined;
}
