/**
 * The contract every `tlskit` subcommand implements. A command is a module exporting one
 * {@link Command}; `cli.ts` lists them. Commands write through {@link Io} instead of touching
 * `process` so tests can run them in-process, and report failure by exit code.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Where a command reads and writes. `main.ts` binds it to the process; tests capture it. */
export interface Io {
  /** Writes text to standard output (the caller adds no newline). */
  readonly stdout: (text: string) => void;
  /** Writes text to standard error. */
  readonly stderr: (text: string) => void;
  /** Reads a whole file (relative to the working directory); `-` is standard input. */
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** Standard input as a stream, for `connect` piping it to the peer (absent in tests). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Writes bytes to standard output unchanged (the peer's data may not be text). */
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
  /** Which outputs are terminals (colour, progress); absent means neither, as in tests. */
  readonly terminal?: { readonly stdout: boolean; readonly stderr: boolean };
}

/** Process exit codes: 0 success, 1 the input or the peer was at fault, 2 bad command line. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;
/** One of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Options in the shape `node:util` parseArgs takes. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** A subcommand: `tlskit <name> [options] [positionals]`. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line after `tlskit `, e.g. `inspect [--json] FILE`. */
  readonly usage: string;
  /** Extra help text: what each option does. */
  readonly help: string;
  readonly options: OptionSpec;
  /** Runs with already-parsed arguments. Throws {@link UsageError} for a bad command line. */
  run(args: ParsedArgs, io: Io): Promise<ExitCode>;
}

/** What parseArgs returns: option values by name, and positionals. */
export interface ParsedArgs {
  /** Options declared `multiple: true` (e.g. `serve --cert`) are arrays. */
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One parsed option value. */
export type OptionValue = ParsedArgs['values'][string];

/** A command line the command cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses `argv` strictly against `options`. Unknown options and missing values are
 * {@link UsageError}s rather than the TypeError parseArgs throws.
 */
export function parseCommandArgs(argv: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
