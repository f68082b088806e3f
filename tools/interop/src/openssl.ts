/**
 * `openssl s_server` and `openssl s_client` as interop peers (OpenSSL 3.0 command line).
 *
 * Both read commands from stdin when not quiet: a line that starts with `Q` quits, `R`
 * renegotiates, and a line that is exactly `k` / `K` sends a KeyUpdate (update_not_requested /
 * update_requested). The client here passes `-nocommands` unless `commands: true`; the server
 * only takes commands in `stdio` mode.
 */
import type { Credential, PemFile } from './certs.js';
import { waitForListener, withFreePort } from './ports.js';
import { type PeerProcess, spawnPeer, type WaitOptions } from './processes.js';

/** A TLS version as OpenSSL names it in its output. */
export type TlsVersionName = 'TLSv1.2' | 'TLSv1.3';

/** Options both OpenSSL peers share. */
export interface OpensslTlsOptions {
  /** Only this version (`-tls1_2` / `-tls1_3`). */
  readonly version?: TlsVersionName;
  /** `-min_protocol`. */
  readonly minVersion?: TlsVersionName;
  /** `-max_protocol`. */
  readonly maxVersion?: TlsVersionName;
  /** Supported groups in preference order (OpenSSL names: x25519, secp256r1/P-256, secp384r1). */
  readonly groups?: readonly string[];
  /** TLS 1.3 suites (`-ciphersuites`), IANA names like TLS_AES_128_GCM_SHA256. */
  readonly ciphersuites?: readonly string[];
  /** TLS 1.2 suites (`-cipher`), OpenSSL names like ECDHE-ECDSA-AES128-GCM-SHA256. */
  readonly ciphers?: readonly string[];
  /** `-sigalgs`, e.g. ['rsa_pss_rsae_sha256', 'ecdsa_secp256r1_sha256', 'ed25519']. */
  readonly sigalgs?: readonly string[];
  /** ALPN protocols (`-alpn`). */
  readonly alpn?: readonly string[];
  /** Write NSS key log lines to this file (`-keylogfile`). */
  readonly keylogFile?: string;
  /** Print every message (`-trace`); needed to detect a HelloRetryRequest. */
  readonly trace?: boolean;
  /** Appended to the command line as is. */
  readonly extraArgs?: readonly string[];
}

function tlsArgs(o: OpensslTlsOptions): string[] {
  const args: string[] = [];
  if (o.version) args.push(o.version === 'TLSv1.3' ? '-tls1_3' : '-tls1_2');
  if (o.minVersion) args.push('-min_protocol', o.minVersion);
  if (o.maxVersion) args.push('-max_protocol', o.maxVersion);
  if (o.groups) args.push('-groups', o.groups.join(':'));
  if (o.ciphersuites) args.push('-ciphersuites', o.ciphersuites.join(':'));
  if (o.ciphers) args.push('-cipher', o.ciphers.join(':'));
  if (o.sigalgs) args.push('-sigalgs', o.sigalgs.join(':'));
  if (o.alpn) args.push('-alpn', o.alpn.join(','));
  if (o.keylogFile) args.push('-keylogfile', o.keylogFile);
  if (o.trace) args.push('-trace');
  return [...args, ...(o.extraArgs ?? [])];
}

/**
 * OpenSSL prints through stdio, fully buffered on a pipe: a NewSessionTicket notice or a status
 * line could sit in the buffer until exit. `stdbuf -o0` makes it unbuffered.
 */
function spawnOpenssl(args: readonly string[], name: string): PeerProcess {
  return spawnPeer('stdbuf', ['-o0', '-e0', 'openssl', ...args], { name });
}

/** `-cert`/`-key` read only the first certificate of a file; intermediates go in `-cert_chain`. */
function credentialArgs(c: Credential, prefix: '' | 'd'): string[] {
  const args = [`-${prefix}cert`, c.cert.file, `-${prefix}key`, c.key.file];
  if (c.intermediates.pem !== '') args.push(`-${prefix}cert_chain`, c.intermediates.file);
  return args;
}

const fileOf = (f: PemFile | string): string => (typeof f === 'string' ? f : f.file);

/**
 * What OpenSSL reports about an alert it received: "SSL alert number 48" in its error output.
 * Returns the alert description number, or undefined when none was reported.
 */
export function receivedAlert(output: string): number | undefined {
  const match = output.match(/SSL alert number (\d+)/);
  return match ? Number(match[1]) : undefined;
}

/** The random of a HelloRetryRequest (RFC 8446 4.1.3), as `-trace` prints its last 28 bytes. */
const helloRetryRequestRandom = 'E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C';

// ---------------------------------------------------------------------------------------------
// s_server

/** How `s_server` treats application data. */
export type OpensslServerMode =
  /** Received data goes to stdout, `send()` goes to the client; stdin commands work (`k`, `K`). */
  | 'stdio'
  /** Every byte received is sent back (`-quiet`, stdout piped back into stdin). No commands, no trace. */
  | 'echo'
  /** `-www`: answers `GET /` with an HTML page describing the session, then closes. */
  | 'www'
  /** `-rev`: answers each line with the line reversed. */
  | 'rev';

/** Options of {@link startOpensslServer}. */
export interface OpensslServerOptions extends OpensslTlsOptions {
  /** The server certificate chain and key. */
  readonly credential: Credential;
  /** A second certificate (`-dcert`/`-dkey`), e.g. RSA beside ECDSA. */
  readonly secondCredential?: Credential;
  /**
   * A second certificate for clients whose SNI is `servername` (`-servername`, `-cert2`,
   * `-key2`); other clients get `credential`. (`-cert2` takes no chain: use a root-issued leaf.)
   */
  readonly sni?: { readonly servername: string; readonly credential: Credential };
  /** Default `stdio`. */
  readonly mode?: OpensslServerMode;
  /** Ask for a client certificate, verified against `ca`: `required` uses `-Verify`. */
  readonly clientAuth?: { readonly ca: PemFile | string; readonly required: boolean };
  /** TLS 1.3 tickets sent after the handshake (`-num_tickets`; OpenSSL default 2). */
  readonly numTickets?: number;
  /** Disable session tickets (`-no_ticket`): TLS 1.2 resumption then uses session IDs. */
  readonly noTicket?: boolean;
  /** Exit after this many connections (`-naccept`). */
  readonly naccept?: number;
  /** Listen on this port (e.g. one a capture already filters on); default a free one. */
  readonly port?: number;
  /** Startup deadline; default 10 s. */
  readonly timeoutMs?: number;
}

/** A running `openssl s_server` bound to 127.0.0.1. */
export interface OpensslServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly process: PeerProcess;
  /** Sends text to the connected client (`stdio` mode). */
  send(text: string): void;
  /** Sends a KeyUpdate (`stdio` mode): `requestPeer` asks the client to update too. */
  keyUpdate(requestPeer: boolean): void;
  waitForOutput(pattern: string | RegExp, options?: WaitOptions): Promise<RegExpMatchArray>;
  /** The alert number the server reported receiving, if any. */
  receivedAlert(): number | undefined;
  stop(): Promise<unknown>;
}

/**
 * Starts `openssl s_server -accept 127.0.0.1:PORT` on a free port and resolves once it accepts.
 * Force a HelloRetryRequest by giving `groups` that exclude the client's first key share
 * (e.g. `['secp384r1']` against a client that sends x25519 first).
 */
export function startOpensslServer(options: OpensslServerOptions): Promise<OpensslServer> {
  if (options.port !== undefined) return launchOpensslServer(options.port, options);
  return withFreePort((port) => launchOpensslServer(port, options));
}

async function launchOpensslServer(port: number, o: OpensslServerOptions): Promise<OpensslServer> {
  const mode = o.mode ?? 'stdio';
  if (mode === 'echo' && (o.trace || o.extraArgs?.some((a) => /^-(msg|debug|state)$/.test(a)))) {
    // Echo feeds stdout back to the client, and -trace/-msg also print to stdout.
    throw new Error('openssl s_server: trace output would be echoed; use mode stdio with trace');
  }
  const args = ['s_server', '-accept', `127.0.0.1:${port}`];
  args.push(...credentialArgs(o.credential, ''));
  if (o.secondCredential) args.push(...credentialArgs(o.secondCredential, 'd'));
  if (o.sni) {
    args.push('-servername', o.sni.servername);
    args.push('-cert2', o.sni.credential.cert.file, '-key2', o.sni.credential.key.file);
  }
  if (mode === 'echo') args.push('-quiet');
  if (mode === 'www') args.push('-www');
  if (mode === 'rev') args.push('-rev');
  if (o.clientAuth) {
    args.push(o.clientAuth.required ? '-Verify' : '-verify', '4');
    args.push('-CAfile', fileOf(o.clientAuth.ca), '-verify_return_error');
  }
  if (o.numTickets !== undefined) args.push('-num_tickets', String(o.numTickets));
  if (o.noTicket) args.push('-no_ticket');
  if (o.naccept !== undefined) args.push('-naccept', String(o.naccept));
  args.push(...tlsArgs(o));

  const peer = spawnOpenssl(args, `openssl s_server :${port}`);
  if (mode === 'echo') {
    // -quiet writes exactly the received bytes to stdout; feeding them back makes an echo.
    peer.child.stdout?.on('data', (chunk: Buffer) => peer.write(chunk));
  }
  try {
    const timeoutMs = o.timeoutMs ?? 10_000;
    if (mode === 'echo') {
      // -quiet prints nothing, not even ACCEPT, so look for the listening socket instead.
      await waitForListener(port, {
        timeoutMs,
        failed: () => (peer.exitStatus ? `openssl s_server exited: ${peer.stderr}` : undefined),
      });
    } else {
      await peer.waitForOutput(/^ACCEPT$/m, { timeoutMs });
    }
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    process: peer,
    send: (text) => peer.write(text),
    keyUpdate: (requestPeer) => peer.write(requestPeer ? 'K\n' : 'k\n'),
    waitForOutput: (pattern, options) => peer.waitForOutput(pattern, options),
    receivedAlert: () => receivedAlert(peer.stderr),
    stop: () => peer.stop(),
  };
}

// ---------------------------------------------------------------------------------------------
// s_client

/** Options of {@link startOpensslClient}. */
export interface OpensslClientOptions extends OpensslTlsOptions {
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** SNI (`-servername`); default `tlskit.test`; `false` sends none. */
  readonly servername?: string | false;
  /** Trust anchor for the server chain (`-CAfile`); verification failures abort the handshake. */
  readonly ca?: PemFile | string;
  /** Check the server's name (`-verify_hostname`). */
  readonly verifyHostname?: string;
  /** Client certificate and key for client authentication. */
  readonly credential?: Credential;
  /** Save the session (`-sess_out`) for resumption. */
  readonly sessOut?: string;
  /** Resume the session saved in this file (`-sess_in`). */
  readonly sessIn?: string;
  /** Let stdin lines act as commands (`k`/`K` KeyUpdate, `Q` quit, `R` renegotiate). */
  readonly commands?: boolean;
  /** Handshake deadline; default 10 s. */
  readonly timeoutMs?: number;
}

/** What `s_client` printed about its connection. */
export interface OpensslClientSummary {
  /** True when the handshake completed. */
  readonly established: boolean;
  readonly protocol?: TlsVersionName;
  /** OpenSSL's cipher name: IANA for TLS 1.3, OpenSSL names (ECDHE-RSA-AES128-GCM-SHA256) for 1.2. */
  readonly cipher?: string;
  /** True for an abbreviated (resumed) handshake. */
  readonly resumed: boolean;
  /** Key exchange group as IANA names it (x25519, secp256r1, secp384r1, ffdhe2048, ...). */
  readonly group?: string;
  /** Signature type the server used (`ECDSA`, `RSA-PSS`, `Ed25519`, ...). */
  readonly peerSignatureType?: string;
  readonly alpn?: string;
  /** X.509 verification result: 0 is ok. */
  readonly verifyCode?: number;
  readonly verifyMessage?: string;
  /** The server certificate's subject as OpenSSL prints it. */
  readonly peerSubject?: string;
  /** Only with `trace: true`: whether the server sent a HelloRetryRequest. */
  readonly helloRetryRequest?: boolean;
  /** Number of TLS 1.3 NewSessionTicket messages received so far. */
  readonly ticketsReceived: number;
  /** The alert the client received, if any (RFC 8446 6 AlertDescription number). */
  readonly alertReceived?: number;
}

const opensslGroupNames: Record<string, string> = {
  X25519: 'x25519',
  X448: 'x448',
  prime256v1: 'secp256r1',
  secp384r1: 'secp384r1',
  secp521r1: 'secp521r1',
};

/** Parses the connection summary `s_client` prints (without `-brief`/`-quiet`). */
export function parseOpensslClientOutput(
  stdout: string,
  stderr = '',
  options: { trace?: boolean; handshakeFailed?: boolean } = {},
): OpensslClientSummary {
  const session = stdout.match(/^(New|Reused), (TLSv1\.[23]), Cipher is (\S+)$/m);
  const tempKey = stdout.match(/^Server Temp Key: (?:ECDH, )?([\w-]+)/m);
  // A finite-field key prints as `DH, 2048 bits`; in TLS 1.3 that is an RFC 7919 group.
  const dhBits = stdout.match(/^Server Temp Key: DH, (\d+) bits/m)?.[1];
  const verify = stdout.match(/^\s*Verify return code: (\d+) \((.*)\)$/m);
  const alpn = stdout.match(/^ALPN protocol: (.+)$/m);
  const signature = stdout.match(/^Peer signature type: (.+)$/m);
  const subject = stdout.match(/^subject=(.+)$/m);
  const established = session !== null && session[3] !== '(NONE)' && !options.handshakeFailed;
  const alertReceived = receivedAlert(stderr);
  return {
    established,
    ...(established && session
      ? { protocol: session[2] as TlsVersionName, cipher: session[3] as string }
      : {}),
    resumed: established && session?.[1] === 'Reused',
    ...(dhBits && session?.[2] === 'TLSv1.3'
      ? { group: `ffdhe${dhBits}` }
      : tempKey?.[1]
        ? { group: opensslGroupNames[tempKey[1]] ?? tempKey[1] }
        : {}),
    ...(signature?.[1] ? { peerSignatureType: signature[1] } : {}),
    ...(alpn?.[1] ? { alpn: alpn[1] } : {}),
    ...(verify ? { verifyCode: Number(verify[1]), verifyMessage: verify[2] as string } : {}),
    ...(subject?.[1] ? { peerSubject: subject[1] } : {}),
    ...(options.trace ? { helloRetryRequest: stdout.includes(helloRetryRequestRandom) } : {}),
    ticketsReceived: stdout.split('Post-Handshake New Session Ticket arrived').length - 1,
    ...(alertReceived !== undefined ? { alertReceived } : {}),
  };
}

const summaryEnd = /^\s*Verify return code: .*\n(?:\s+Extended master secret: .*\n)?---\n/m;
const failureGraceMs = 150;
const delay = (ms: number): Promise<undefined> =>
  new Promise((resolve) => setTimeout(() => resolve(undefined), ms));

/** A running `openssl s_client` whose handshake has finished (or failed). */
export interface OpensslClient {
  readonly process: PeerProcess;
  /** The connection as reported so far; `established` is decided when the handshake ends. */
  summary(): OpensslClientSummary;
  /** Sends application data. */
  send(text: string): void;
  /** Sends a KeyUpdate; needs `commands: true`. */
  keyUpdate(requestPeer: boolean): void;
  waitForOutput(pattern: string | RegExp, options?: WaitOptions): Promise<RegExpMatchArray>;
  /** Waits until `count` TLS 1.3 tickets have arrived (so `sessOut` holds a resumable session). */
  waitForTickets(count?: number, timeoutMs?: number): Promise<void>;
  /** Closes stdin (s_client then sends close_notify and exits) and waits, killing it if needed. */
  close(timeoutMs?: number): Promise<unknown>;
}

/**
 * Starts `openssl s_client` and resolves when its handshake has completed or failed (then
 * `summary().established` is false and `alertReceived` tells why). Rejects only on timeout.
 */
export async function startOpensslClient(o: OpensslClientOptions): Promise<OpensslClient> {
  const args = ['s_client', '-connect', `${o.host ?? '127.0.0.1'}:${o.port}`];
  if (o.servername === false) args.push('-noservername');
  else args.push('-servername', o.servername ?? 'tlskit.test');
  if (o.ca) args.push('-CAfile', fileOf(o.ca), '-verify_return_error');
  if (o.verifyHostname) args.push('-verify_hostname', o.verifyHostname);
  if (o.credential) args.push(...credentialArgs(o.credential, ''));
  if (o.sessOut) args.push('-sess_out', o.sessOut);
  if (o.sessIn) args.push('-sess_in', o.sessIn);
  if (!o.commands) args.push('-nocommands');
  args.push(...tlsArgs(o));
  const peer = spawnOpenssl(args, `openssl s_client :${o.port}`);
  let handshakeFailed = false;
  const summary = (): OpensslClientSummary =>
    parseOpensslClientOutput(peer.stdout, peer.stderr, {
      trace: o.trace ?? false,
      handshakeFailed,
    });
  try {
    // The summary block ends with the verify result (TLS 1.2: inside the SSL-Session block).
    await Promise.race([
      peer.waitForOutput(summaryEnd, { timeoutMs: o.timeoutMs ?? 10_000, stream: 'stdout' }),
      peer.exited,
    ]);
    // A failed handshake prints the same block (even "New, TLSv1.3, Cipher is ...") and then
    // exits non-zero at once; a moment's wait tells the two apart.
    const early = await Promise.race([peer.exited, delay(failureGraceMs)]);
    // With -verify_return_error a failed verification always aborts, however slow the exit.
    const verify = parseOpensslClientOutput(peer.stdout).verifyCode;
    handshakeFailed =
      (early !== undefined && early.code !== 0) || (o.ca !== undefined && (verify ?? 0) !== 0);
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return {
    process: peer,
    summary,
    send: (text) => peer.write(text),
    keyUpdate: (requestPeer) => peer.write(requestPeer ? 'K\n' : 'k\n'),
    waitForOutput: (pattern, options) => peer.waitForOutput(pattern, options),
    async waitForTickets(count = 1, timeoutMs = 5000) {
      const pattern = new RegExp(
        `(?:Post-Handshake New Session Ticket arrived[\\s\\S]*?){${count}}`,
      );
      await peer.waitForOutput(pattern, { timeoutMs, stream: 'stdout' });
    },
    async close(timeoutMs = 5000) {
      peer.endInput();
      await peer.waitForExit(timeoutMs).catch(() => undefined);
      return peer.stop();
    },
  };
}

/** Options of {@link opensslClientExchange}. */
export interface OpensslExchangeOptions extends OpensslClientOptions {
  /** Sent once the handshake has completed. */
  readonly send?: string;
  /** Waited for on stdout after sending (e.g. the echoed text, or `HTTP/1.0 200`). */
  readonly expect?: string | RegExp;
  /** Wait for this many TLS 1.3 tickets before closing (for `sessOut`). */
  readonly tickets?: number;
}

/** The outcome of {@link opensslClientExchange}. */
export interface OpensslExchangeResult {
  readonly summary: OpensslClientSummary;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One connection with `s_client`: handshake, optionally send `send` and wait for `expect`, then
 * close. Never hangs: each step has the deadline `timeoutMs` (default 10 s).
 */
export async function opensslClientExchange(
  o: OpensslExchangeOptions,
): Promise<OpensslExchangeResult> {
  const client = await startOpensslClient(o);
  try {
    if (client.summary().established) {
      if (o.send !== undefined) client.send(o.send);
      if (o.expect !== undefined) {
        await client.waitForOutput(o.expect, {
          stream: 'stdout',
          timeoutMs: o.timeoutMs ?? 10_000,
        });
      }
      // s_client handles tickets when it reads, so this comes after the exchange.
      if (o.tickets) await client.waitForTickets(o.tickets, o.timeoutMs);
    }
  } finally {
    await client.close();
  }
  return {
    summary: client.summary(),
    stdout: client.process.stdout,
    stderr: client.process.stderr,
  };
}
