/**
 * `pnpm bench [suite...] [--smoke] [--no-write] [--batches N] [--iterations N] [--aead NAME]
 * [--provider NAME] [--tls 1.2|1.3]`
 *
 * Suites: `record`, `handshake`, `s_time`, `bulk`, `memory`, `latency`, `profile`. With no suite
 * named, all run. A full run of a suite rewrites its own section of docs/performance.md (between
 * `<!-- bench:NAME -->` markers, see report.ts); `--smoke` runs a handful of iterations to prove
 * the benchmark works (CI) and never writes; `--no-write` only prints.
 */
import type { AeadName } from '@tlskit/crypto';
import { recordAeads, recordSize, recordTable, runRecordBench } from './record.js';
import type { TlsVersion } from './peers.js';
import { machine, writeSection } from './report.js';
import { connectionSuites } from './suites.js';

export interface CliIo {
  readonly out: (line: string) => void;
  /** Where docs/performance.md is written; the repository root. */
  readonly root: URL;
}

interface Options {
  readonly suites: readonly string[];
  readonly smoke: boolean;
  readonly write: boolean;
  readonly batches: number;
  readonly iterations: number;
  /** Only these AEADs (default all). */
  readonly aeads: readonly AeadName[];
  /** `--batches` / `--iterations` as given (the connection suites have their own defaults). */
  readonly given: { batches?: number; iterations?: number };
  /** Only these tlskit providers (default every one present). */
  readonly providers: readonly string[];
  /** Only these protocol versions in the handshake and bulk suites (default both). */
  readonly versions: readonly TlsVersion[];
}

const suites = ['record', ...Object.keys(connectionSuites)] as const;

function parse(args: readonly string[]): Options {
  const named: string[] = [];
  let smoke = false;
  let write = true;
  let batches = 61;
  let iterations = 16;
  const aeads: AeadName[] = [];
  const given: { batches?: number; iterations?: number } = {};
  const providers: string[] = [];
  const versions: TlsVersion[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--smoke') smoke = true;
    else if (arg === '--no-write') write = false;
    else if (arg === '--aead') {
      const name = args[++i]?.toUpperCase() ?? '';
      const aead = recordAeads.find((a) => a === name || a.startsWith(name));
      if (!aead) throw new Error(`--aead needs one of ${recordAeads.join(', ')}`);
      aeads.push(aead);
    } else if (arg === '--provider') {
      const name = args[++i];
      if (!name) throw new Error('--provider needs a name: noble, node or webcrypto');
      providers.push(name);
    } else if (arg === '--tls') {
      const version = args[++i];
      if (version !== '1.2' && version !== '1.3') throw new Error('--tls needs 1.2 or 1.3');
      versions.push(`TLSv${version}`);
    } else if (arg === '--batches' || arg === '--iterations') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} needs a positive integer`);
      if (arg === '--batches') batches = given.batches = value;
      else iterations = given.iterations = value;
    } else if ((suites as readonly string[]).includes(arg)) named.push(arg);
    else
      throw new Error(
        `unknown argument ${JSON.stringify(arg)}; suites: ${suites.join(', ')}; flags: --smoke, --no-write, --batches N, --iterations N, --aead NAME, --provider NAME, --tls 1.2|1.3`,
      );
  }
  if (smoke) {
    batches = 1;
    iterations = 2;
    write = false;
  }
  // A partial run does not replace the full report.
  if (aeads.length > 0 || providers.length > 0 || versions.length > 0) write = false;
  return {
    suites: named.length > 0 ? named : [...suites],
    smoke,
    write,
    batches,
    iterations,
    aeads: aeads.length > 0 ? aeads : recordAeads,
    given,
    providers,
    versions,
  };
}

/** Runs the named suites; returns the markdown it printed. */
export async function runBench(args: readonly string[], io: CliIo): Promise<string> {
  const options = parse(args);
  const sections: string[] = [];
  if (options.suites.includes('record')) {
    const rows = await runRecordBench({
      batches: options.batches,
      iterations: options.iterations,
      warmupBatches: options.smoke ? 0 : 3,
      aeads: options.aeads,
    });
    const table = recordTable(rows);
    io.out(table);
    sections.push(table);
    if (options.write) {
      const command = ['pnpm bench', ...args].join(' ');
      writeSection(io.root, 'record', performanceReport(table, command, options));
      io.out('\nwritten to docs/performance.md');
    }
  }
  for (const [name, suite] of Object.entries(connectionSuites)) {
    if (!options.suites.includes(name)) continue;
    const command = ['pnpm bench', name, ...args.filter((a) => !suites.includes(a))].join(' ');
    const result = await suite(
      {
        smoke: options.smoke,
        ...options.given,
        providers: options.providers,
        ...(options.versions.length > 0 ? { versions: options.versions } : {}),
      },
      command,
    );
    io.out(result.table);
    sections.push(result.table);
    if (options.write) {
      writeSection(io.root, name, result.section);
      io.out(`\n${name}: written to docs/performance.md`);
    }
  }
  return sections.join('\n\n');
}

function performanceReport(table: string, command: string, options: Options): string {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  return `## Record layer: 16 KiB records, TLS 1.3

Measured with \`${command}\` on ${date} UTC.
Machine: ${machine()}.

Each row seals (or opens) TLS 1.3 application data records of ${recordSize} bytes (16 KiB) three
ways, on the same bytes in the same process:

- **record layer**: \`RecordWriter.writeApplicationData\` / \`RecordReader.feed\` + \`read\` over
  \`Tls13RecordProtection\` with \`nobleProvider\`: nonce construction, the TLSInnerPlaintext, the
  record header, framing, the ordering queue and the provider's async AEAD call;
- **raw noble**: the \`@noble/ciphers\` AEAD alone on the same 16 KiB + 1 inner plaintext, same
  nonce and additional data;
- **node:crypto**: OpenSSL through \`createCipheriv\` / \`createDecipheriv\`, same inputs.

The machine is shared with other work, so time is this process's CPU time (\`process.cpuUsage\`,
user + system, all threads), not wall time, and the variants run in ${options.batches} small batches of
${options.iterations} records each (after 3 untimed warm-up batches); every batch runs every variant
back to back, in rotating order. MB/s (10^6 bytes of record content per CPU second) is the
median batch.

Two measures of the record layer's overhead, because on a loaded machine the first is noisy:

- **layer vs raw noble, paired**: the median over batches of the record layer's time divided by
  the raw noble AEAD's time in the same batch, minus one. Direct, but the AEAD dominates both
  sides, so a few percent of noise in either shows up in full.
- **layer own cost**: the record layer run over a null AEAD (no cryptography; it only allocates
  and copies its output, as every real AEAD does), minus that null AEAD called directly and
  synchronously: the CPU time per record of everything but the cryptography, including the
  provider's async call. Divided by the raw noble AEAD's time per record it gives the last column.

The target is under 10%.

${table}

Where the record layer's time goes, beyond the AEAD: \`RecordWriter\` returns each record as one
buffer, so sealing allocates it and copies twice (the fragment into the TLSInnerPlaintext, the
provider's fresh ciphertext behind the header). The handshake engines use
\`RecordProtection.sealChunks\` instead, which returns a record as chunks (header, then the AEAD's
output as it is) for a writev: with noble the only copy left is joining the fragment and its
content-type byte, which noble's AEAD needs; the \`node\` provider seals the two pieces
separately and copies nothing (see docs/architecture.md). Opening adds no copy of
its own (the deframer hands out views; the AEAD's output is returned as a view without the padding)
but a few small allocations and promise hops per record. The own-cost column puts that at a few
microseconds per record, against roughly 130 us (ChaCha20) to 450 us (AES-GCM) for the pure-JS AEAD
on a 16 KiB record.

node:crypto is shown for scale: it is not what the record layer runs on by default (the default
provider is pure JS so that it works in every runtime); the \`node\` provider
(\`@tlskit/crypto/node\`) runs it at close to the node:crypto column.

Reproduce: \`pnpm bench record\` (add \`--no-write\` to only print, \`--batches N --iterations N\` to
change the effort; \`--smoke\` is the quick CI check and never writes this file).
`;
}
