/**
 * GnuTLS peers: `gnutls-serv` (always inside a private network namespace, since it has no bind
 * option and listens on every address) and `gnutls-cli` (on the host, against a server bound to
 * 127.0.0.1, or inside the namespace beside gnutls-serv).
 *
 * GnuTLS names versions and suites through priority strings, e.g. `NORMAL:-VERS-ALL:+VERS-TLS1.2`
 * for TLS 1.2 only, `NORMAL:-GROUP-ALL:+GROUP-SECP384R1` for one group.
 */
import type { Credential, PemFile } from './certs.js';
import { type NetnsCommand, type NetnsRunResult, runInNetns } from './netns.js';
import { type PeerProcess, spawnPeer } from './processes.js';

/** Options of `gnutls-serv`. */
export interface GnutlsServerOptions {
  readonly credential: Credential;
  /** Default `NORMAL`. */
  readonly priority?: string;
  /** `echo` (default) sends back what it receives; `http` answers GET with a status page. */
  readonly mode?: 'echo' | 'http';
  readonly alpn?: readonly string[];
  /** Ask for a client certificate verified against `ca`; `required` refuses a client without. */
  readonly clientAuth?: { readonly ca: PemFile | string; readonly required: boolean };
  /** Key log (GnuTLS reads SSLKEYLOGFILE). */
  readonly keylogFile?: string;
  /** Default 4433: inside a fresh namespace every port is free. */
  readonly port?: number;
}

const fileOf = (f: PemFile | string): string => (typeof f === 'string' ? f : f.file);

/** The `gnutls-serv` command for `options`. */
export function gnutlsServerCommand(o: GnutlsServerOptions): NetnsCommand {
  const argv = ['gnutls-serv', '--port', String(o.port ?? defaultPort)];
  argv.push(`--x509certfile=${o.credential.chain.file}`, `--x509keyfile=${o.credential.key.file}`);
  argv.push(`--priority=${o.priority ?? 'NORMAL'}`, o.mode === 'http' ? '--http' : '--echo');
  for (const protocol of o.alpn ?? []) argv.push(`--alpn=${protocol}`);
  if (o.clientAuth) {
    argv.push(`--x509cafile=${fileOf(o.clientAuth.ca)}`, '--verify-client-cert');
    if (o.clientAuth.required) argv.push('--require-client-cert');
  } else {
    argv.push('--disable-client-cert');
  }
  return { argv, ...(o.keylogFile ? { env: { SSLKEYLOGFILE: o.keylogFile } } : {}) };
}

const defaultPort = 4433;

/** Options of {@link runWithGnutlsServer}. */
export interface GnutlsServerRunOptions {
  readonly server: GnutlsServerOptions;
  /**
   * The client, run once the server listens. Its environment gets `TLSKIT_INTEROP_PORT` (and
   * `TLSKIT_INTEROP_HOST=127.0.0.1`); build a node client with {@link nodeScriptArgv}.
   */
  readonly client: NetnsCommand;
  readonly input?: string;
  /** Default 30 s. */
  readonly timeoutMs?: number;
}

/** The outcome of {@link runWithGnutlsServer}: the client's run and the server's output. */
export interface GnutlsServerRunResult {
  readonly client: NetnsRunResult['command'];
  readonly server: { readonly stdout: string; readonly stderr: string };
}

/**
 * Runs `gnutls-serv` and a client together in one private network namespace and returns both
 * outputs once the client has exited (the server is then stopped).
 */
export async function runWithGnutlsServer(
  options: GnutlsServerRunOptions,
): Promise<GnutlsServerRunResult> {
  const port = options.server.port ?? defaultPort;
  const result = await runInNetns({
    background: [gnutlsServerCommand(options.server)],
    waitForPorts: [port],
    command: {
      argv: options.client.argv,
      env: {
        TLSKIT_INTEROP_HOST: '127.0.0.1',
        TLSKIT_INTEROP_PORT: String(port),
        ...options.client.env,
      },
    },
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return {
    client: result.command,
    server: result.background[0] ?? { stdout: '', stderr: '' },
  };
}

// ---------------------------------------------------------------------------------------------
// gnutls-cli

/** Options of `gnutls-cli`. */
export interface GnutlsClientOptions {
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** SNI and the name verified; default `tlskit.test`. */
  readonly servername?: string;
  /** Trust anchor; without it the client runs `--insecure`. */
  readonly ca?: PemFile | string;
  /** Default `NORMAL`. */
  readonly priority?: string;
  readonly alpn?: readonly string[];
  /** Client certificate. */
  readonly credential?: Credential;
  /** Connect, then reconnect resuming the session (`--resume`; TLS 1.3: `--waitresumption`). */
  readonly resume?: boolean;
  /** Enable inline commands: `^rekey^` (KeyUpdate, update_requested), `^rekey1^` (update_not_requested). */
  readonly inlineCommands?: boolean;
  readonly keylogFile?: string;
  readonly extraArgs?: readonly string[];
}

/** The `gnutls-cli` command for `options`. */
export function gnutlsClientCommand(o: GnutlsClientOptions): NetnsCommand {
  const name = o.servername ?? 'tlskit.test';
  const argv = ['gnutls-cli', '--port', String(o.port), `--sni-hostname=${name}`];
  argv.push(`--verify-hostname=${name}`, `--priority=${o.priority ?? 'NORMAL'}`);
  argv.push(o.ca ? `--x509cafile=${fileOf(o.ca)}` : '--insecure');
  for (const protocol of o.alpn ?? []) argv.push(`--alpn=${protocol}`);
  if (o.credential) {
    argv.push(
      `--x509certfile=${o.credential.chain.file}`,
      `--x509keyfile=${o.credential.key.file}`,
    );
  }
  if (o.resume) argv.push('--resume', '--waitresumption');
  if (o.inlineCommands) argv.push('--inline-commands');
  argv.push(...(o.extraArgs ?? []), o.host ?? '127.0.0.1');
  return { argv, ...(o.keylogFile ? { env: { SSLKEYLOGFILE: o.keylogFile } } : {}) };
}

/** What `gnutls-cli` printed about its connection(s). */
export interface GnutlsClientSummary {
  /** True when the (last) handshake completed. */
  readonly established: boolean;
  /** `TLS1.3` / `TLS1.2`, as GnuTLS prints it. */
  readonly protocol?: string;
  /** Key exchange, e.g. `ECDHE-X25519`, `ECDHE-SECP256R1` (empty on a TLS 1.3 PSK-only resumption). */
  readonly keyExchange?: string;
  /** Signature, e.g. `ECDSA-SECP256R1-SHA256`, `RSA-PSS-RSAE-SHA256`, `EdDSA-Ed25519`. */
  readonly signature?: string;
  /** Cipher, e.g. `AES-256-GCM`, `CHACHA20-POLY1305`. */
  readonly cipher?: string;
  readonly alpn?: string;
  readonly resumed: boolean;
  /** True when the server certificate was trusted. */
  readonly trusted?: boolean;
  /** Alert received, e.g. 48 for unknown_ca. */
  readonly alertReceived?: number;
  /** The `*** Fatal error` / `*** handshake has failed` line, if any. */
  readonly error?: string;
}

/** Parses `gnutls-cli` output (stdout and stderr together). */
export function parseGnutlsClientOutput(output: string): GnutlsClientSummary {
  const descriptions = [
    ...output.matchAll(
      /^- Description: \((TLS1\.[23])[^)]*\)-\(([^)]*)\)-(?:\(([^)]*)\)-)?\(([^)]*)\)/gm,
    ),
  ];
  const last = descriptions.at(-1);
  const alpn = [...output.matchAll(/^- Application protocol: (.+)$/gm)].at(-1);
  const alert = output.match(/\*\*\* Received alert \[(\d+)\]/);
  const error = output.match(/^\*\*\* (?:Fatal error|[Hh]andshake has failed|Verifying).*$/m);
  const status = output.match(/^- Status: The certificate is (NOT )?trusted/m);
  return {
    established: /^- (?:Resume )?Handshake was completed/m.test(output) && !error,
    ...(last
      ? {
          protocol: last[1] as string,
          keyExchange: last[2] ?? '',
          ...(last[3] !== undefined ? { signature: last[3] } : {}),
          cipher: last[4] as string,
        }
      : {}),
    ...(alpn?.[1] ? { alpn: alpn[1] } : {}),
    resumed: output.includes('*** This is a resumed session'),
    ...(status ? { trusted: status[1] === undefined } : {}),
    ...(alert ? { alertReceived: Number(alert[1]) } : {}),
    ...(error ? { error: error[0] } : {}),
  };
}

/** A running `gnutls-cli` on the host (our server or openssl on 127.0.0.1 is the peer). */
export interface GnutlsClient {
  readonly process: PeerProcess;
  summary(): GnutlsClientSummary;
  send(text: string): void;
  /** Sends a KeyUpdate; needs `inlineCommands: true`. */
  keyUpdate(requestPeer: boolean): void;
  /** Closes stdin: gnutls-cli sends close_notify and exits. Kills it after `timeoutMs`. */
  close(timeoutMs?: number): Promise<unknown>;
}

/**
 * Starts `gnutls-cli` and resolves once it reports the handshake done or failed (or it exits).
 * Rejects only when none of that happens within `timeoutMs` (default 10 s).
 */
export async function startGnutlsClient(
  options: GnutlsClientOptions & { readonly timeoutMs?: number },
): Promise<GnutlsClient> {
  const command = gnutlsClientCommand(options);
  // Unbuffered, so stdout (where the alert number is printed) is not held back behind stderr.
  const peer = spawnPeer('stdbuf', ['-o0', '-e0', ...command.argv], {
    name: `gnutls-cli :${options.port}`,
    ...(command.env ? { env: command.env } : {}),
  });
  const ready = options.resume ? /^- Simple Client Mode:/m : /^- Simple Client Mode:|^\*\*\* /m;
  try {
    await Promise.race([
      peer.waitForOutput(ready, { timeoutMs: options.timeoutMs ?? 10_000 }),
      peer.exited,
    ]);
    // A failed handshake: let gnutls-cli finish reporting it (the alert line) and exit.
    if (!/^- Simple Client Mode:/m.test(peer.stdout)) {
      await peer.waitForExit(2000).catch(() => undefined);
    }
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return {
    process: peer,
    summary: () => parseGnutlsClientOutput(`${peer.stdout}\n${peer.stderr}`),
    send: (text) => peer.write(text),
    keyUpdate: (requestPeer) => peer.write(requestPeer ? '^rekey^\n' : '^rekey1^\n'),
    async close(timeoutMs = 5000) {
      peer.endInput();
      await peer.waitForExit(timeoutMs).catch(() => undefined);
      return peer.stop();
    },
  };
}
