/**
 * The connection suites (everything but `record`): each takes the shared command-line options,
 * picks its own effort for a full or a smoke run, and returns its table and its section of
 * docs/performance.md.
 */
import { bulkSection, bulkTable, runBulkBench } from './bulk.js';
import { handshakeSection, handshakeTable, runHandshakeBench } from './handshake.js';
import { latencySection, latencyTable, runLatencyBench } from './latency.js';
import { memorySection, memoryTable, runMemoryBench } from './memory.js';
import {
  profileSection,
  profileSummary,
  profileTable,
  protocolHotspots,
  runProfile,
} from './profile.js';
import type { TlsVersion } from './peers.js';
import { runSTimeBench, sTimeSection, sTimeTable } from './s-time.js';

export interface SuiteOptions {
  readonly smoke: boolean;
  /** `--batches N`, when given. */
  readonly batches?: number;
  /** `--iterations N`, when given. */
  readonly iterations?: number;
  /** `--provider NAME` (repeatable): only these tlskit providers; default every one present. */
  readonly providers: readonly string[];
  /** `--tls 1.2|1.3` (repeatable): only these versions, for the suites that take one. */
  readonly versions?: readonly TlsVersion[];
}

export interface SuiteResult {
  readonly table: string;
  /** The body of the suite's docs/performance.md section. */
  readonly section: string;
}

type Suite = (options: SuiteOptions, command: string) => Promise<SuiteResult>;

const providers = (o: SuiteOptions) => (o.providers.length > 0 ? { providers: o.providers } : {});
const versions = (o: SuiteOptions) => (o.versions ? { versions: o.versions } : {});

export const connectionSuites: Readonly<Record<string, Suite>> = {
  async handshake(o, command) {
    const options = {
      batches: o.batches ?? (o.smoke ? 1 : 9),
      iterations: o.iterations ?? (o.smoke ? 2 : 20),
      warmupBatches: o.smoke ? 0 : 1,
      ...providers(o),
      ...versions(o),
    };
    const rows = await runHandshakeBench(options);
    return { table: handshakeTable(rows), section: handshakeSection(rows, command, options) };
  },
  async s_time(o, command) {
    // --iterations is the seconds of each s_time run here, --batches the rounds.
    const options = {
      seconds: o.iterations ?? (o.smoke ? 1 : 4),
      rounds: o.batches ?? (o.smoke ? 1 : 5),
      warmupRounds: o.smoke ? 0 : 1,
      ...providers(o),
      ...versions(o),
    };
    const rows = await runSTimeBench(options);
    return { table: sTimeTable(rows), section: sTimeSection(rows, command, options) };
  },
  async bulk(o, command) {
    // Full run: 8 batches of 32 MiB = 256 MiB timed per row.
    const options = {
      batches: o.batches ?? (o.smoke ? 1 : 8),
      iterations: o.iterations ?? (o.smoke ? 1 : 32),
      warmupBatches: o.smoke ? 0 : 1,
      ...providers(o),
      ...versions(o),
    };
    const rows = await runBulkBench(options);
    return { table: bulkTable(rows), section: bulkSection(rows, command, options) };
  },
  async memory(o, command) {
    // --iterations is the number of connections here.
    const options = { connections: o.iterations ?? (o.smoke ? 20 : 1000), ...providers(o) };
    const rows = await runMemoryBench(options);
    return { table: memoryTable(rows), section: memorySection(rows, command) };
  },
  async latency(o, command) {
    const options = {
      rounds: o.iterations ?? (o.smoke ? 3 : 51),
      warmup: o.smoke ? 1 : 5,
      ...providers(o),
    };
    const rows = await runLatencyBench(options);
    return { table: latencyTable(rows), section: latencySection(rows, command, options) };
  },
  async profile(o, command) {
    // --iterations is the number of profiled handshakes here.
    // The noble provider unless one --provider is named.
    const run = await runProfile(o.iterations ?? (o.smoke ? 5 : 300), o.providers[0] ?? 'noble');
    return {
      table: [
        profileTable(run.attribution, run.handshakes),
        protocolHotspots(run.attribution),
        profileSummary(run.attribution),
      ].join('\n\n'),
      section: profileSection(run, command),
    };
  },
};
