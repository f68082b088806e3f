/**
 * Entry point of the BoGo shim (see docs/conformance.md). Exit status: 0 success, 1 failure
 * (with BoringSSL's error string on stderr), 89 a flag this shim does not implement.
 */
import { appendFileSync } from 'node:fs';
import { errorReport } from './errors.js';
import { parseArgs } from './flags.js';
import { shimProvider } from './legacy-algorithms.js';
import { Unsupported } from './unsupported.js';
import { CheckFailed, ConnectionFailed, runTest } from './shim.js';

/** The runner's status for "this test needs something the shim does not have". */
export const EXIT_UNIMPLEMENTED = 89;

/**
 * The runner keeps a shim's stdout only for failures; to tally what unimplemented tests lack,
 * set TLSKIT_BOGO_UNIMPLEMENTED_LOG to a file and each such test appends its reason there.
 */
function logUnimplemented(reason: string): void {
  const file = process.env.TLSKIT_BOGO_UNIMPLEMENTED_LOG;
  if (file !== undefined && file !== '') appendFileSync(file, `${reason}\n`);
}

async function main(args: readonly string[]): Promise<number> {
  // Probe before any test: no split-handshake (handshaker) support.
  if (args.includes('-is-handshaker-supported')) {
    process.stdout.write('No\n');
    return 0;
  }
  const parsed = parseArgs(args);
  switch (parsed.kind) {
    case 'unknown':
      process.stderr.write(`unknown flag ${parsed.flag}\n`);
      return 1;
    case 'invalid':
      process.stderr.write(`invalid value for ${parsed.flag}: ${parsed.message}\n`);
      return 1;
    case 'unimplemented':
      process.stdout.write(`unimplemented flag: ${parsed.flag}\n`);
      logUnimplemented(parsed.flag);
      return EXIT_UNIMPLEMENTED;
  }
  try {
    await runTest(parsed.initial, parsed.resume, shimProvider(), parsed.retry);
    return 0;
  } catch (error) {
    if (error instanceof Unsupported) {
      process.stdout.write(`unimplemented: ${error.message}\n`);
      logUnimplemented(error.message);
      return EXIT_UNIMPLEMENTED;
    }
    if (error instanceof ConnectionFailed) {
      process.stderr.write(errorReport(error.tlsError));
    } else if (error instanceof CheckFailed) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(errorReport(error));
    }
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
