/**
 * Run a TLS client in its own node process (for example inside a network namespace, beside
 * gnutls-serv) without writing a script: name the module whose `connect` to use and the
 * options, and read back a JSON report. The process runs client-script-main.ts.
 */
import { fileURLToPath } from 'node:url';
import type { NetnsCommand } from './netns.js';
import { nodeScriptArgv } from './netns.js';
import type { NodeTlsConnectionInfo } from './node-tls.js';

/** What the client process should do. Everything must survive JSON (PEM as text). */
export interface ClientScriptSpec {
  /**
   * Module specifier or absolute path/URL of the module that exports `connect`, e.g. `node:tls`,
   * or `new URL('../src/index.ts', import.meta.url).href` from @tlskit/client's tests.
   */
  readonly module: string;
  /** Default `connect`. */
  readonly exportName?: string;
  /** Passed to connect; `host`/`port` default to TLSKIT_INTEROP_HOST/TLSKIT_INTEROP_PORT. */
  readonly options?: Readonly<Record<string, unknown>>;
  readonly send?: string;
  readonly expect?: string;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

/** The JSON line the client process prints. */
export interface ClientScriptReport {
  readonly connection?: NodeTlsConnectionInfo;
  readonly received: string;
  readonly error?: { readonly message: string; readonly code?: string };
  readonly alertReceived?: number;
}

/** The command that runs `spec` in a node process (give it to runInNetns or runWithGnutlsServer). */
export function clientScriptCommand(spec: ClientScriptSpec): NetnsCommand {
  const main = fileURLToPath(new URL('./client-script-main.ts', import.meta.url));
  return { argv: nodeScriptArgv(main), env: { TLSKIT_INTEROP_CLIENT: JSON.stringify(spec) } };
}

/** Reads the report from the client process's stdout (its last line). */
export function parseClientScriptReport(stdout: string): ClientScriptReport {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as ClientScriptReport;
  } catch {
    throw new Error(`client script printed no report; its stdout was:\n${stdout}`);
  }
}
