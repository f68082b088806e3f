/**
 * The connection suites (everything but `record`): each takes the shared command-line options,
 * picks its own effort for a full or a smoke run, and returns its table and its section of
 * docs/performance.md.
 */
import { handshakeSection, handshakeTable, runHandshakeBench } from './handshake.js';

export interface SuiteOptions {
  readonly smoke: boolean;
  /** `--batches N`, when given. */
  readonly batches?: number;
  /** `--iterations N`, when given. */
  readonly iterations?: number;
  /** `--provider NAME` (repeatable): only these tlskit providers; default every one present. */
  readonly providers: readonly string[];
}

export interface SuiteResult {
  readonly table: string;
  /** The body of the suite's docs/performance.md section. */
  readonly section: string;
}

type Suite = (options: SuiteOptions, command: string) => Promise<SuiteResult>;

const providers = (o: SuiteOptions) => (o.providers.length > 0 ? { providers: o.providers } : {});

export const connectionSuites: Readonly<Record<string, Suite>> = {
  async handshake(o, command) {
    const options = {
      batches: o.batches ?? (o.smoke ? 1 : 9),
      iterations: o.iterations ?? (o.smoke ? 2 : 20),
      warmupBatches: o.smoke ? 0 : 1,
      ...providers(o),
    };
    const rows = await runHandshakeBench(options);
    return { table: handshakeTable(rows), section: handshakeSection(rows, command, options) };
  },
};
