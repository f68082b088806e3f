// The process started by clientScriptCommand(): one tlsExchange with the named module's connect,
// reported as one JSON line on stdout. Not exported from the package: importing it runs it.
import type { ClientScriptReport, ClientScriptSpec } from './client-script.js';
import { type ConnectTls, tlsExchange } from './node-tls.js';

const spec = JSON.parse(process.env.TLSKIT_INTEROP_CLIENT ?? '{}') as ClientScriptSpec;
const loaded = (await import(spec.module)) as Record<string, unknown>;
const connect = loaded[spec.exportName ?? 'connect'];
if (typeof connect !== 'function') {
  throw new Error(`${spec.module} has no function export ${spec.exportName ?? 'connect'}`);
}
const result = await tlsExchange(connect as ConnectTls<Record<string, unknown>>, {
  host: process.env.TLSKIT_INTEROP_HOST ?? '127.0.0.1',
  port: Number(process.env.TLSKIT_INTEROP_PORT),
  ...spec.options,
  ...(spec.send !== undefined ? { send: spec.send } : {}),
  ...(spec.expect !== undefined ? { expect: spec.expect } : {}),
  ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
});
const report: ClientScriptReport = {
  ...(result.connection ? { connection: result.connection } : {}),
  received: result.received,
  ...(result.error
    ? {
        error: {
          message: result.error.message,
          ...(result.error.code ? { code: result.error.code } : {}),
        },
      }
    : {}),
  ...(result.alertReceived !== undefined ? { alertReceived: result.alertReceived } : {}),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
