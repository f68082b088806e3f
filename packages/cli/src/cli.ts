/**
 * The `tlskit` command line: finds the subcommand, parses its options, runs it, and turns every
 * failure into one line on stderr and an exit code. A new command is a module exporting a
 * {@link Command}, added to {@link commands}.
 */
import { TlsOptionError } from '@tlskit/client';
import { isTlsError } from '@tlskit/wire';
import { type Command, ExitCode, type Io, parseCommandArgs, UsageError } from './command.js';
import { connect } from './connect.js';
import { demo } from './demo.js';
import { CliError } from './errors.js';
import { InputError } from './input.js';
import { inspect } from './inspect.js';
import { scan } from './scan.js';
import { serve } from './serve.js';

/** Every subcommand, in the order `tlskit help` lists them. */
export const commands: readonly Command[] = [inspect, demo, connect, serve, scan];

/** Runs `tlskit ...argv` and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(overview());
    return ExitCode.usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.stdout(topic ? commandHelp(topic) : overview());
    return ExitCode.ok;
  }
  const command = findCommand(name);
  if (command === undefined) {
    io.stderr(`tlskit: unknown command ${name}\n\n${overview()}`);
    return ExitCode.usage;
  }
  try {
    const args = parseCommandArgs(rest, command.options);
    if (args.values.help === true) {
      io.stdout(commandHelp(command));
      return ExitCode.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    return report(command, error, io);
  }
}

function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}

// One line per failure, never a stack trace: the input or the command line was at fault.
function report(command: Command, error: unknown, io: Io): ExitCode {
  const prefix = `tlskit ${command.name}:`;
  if (error instanceof UsageError) {
    io.stderr(`${prefix} ${oneLine(error.message)}\nusage: tlskit ${command.usage}\n`);
    return ExitCode.usage;
  }
  // A TlsOptionError is a bad option value (a truncated --ca, a key that does not match --cert):
  // the user's input, reported with its code like a protocol failure.
  if (
    isTlsError(error) ||
    error instanceof InputError ||
    error instanceof TlsOptionError ||
    error instanceof CliError
  ) {
    io.stderr(`${prefix} ${error.code}: ${oneLine(error.message)}\n`);
    return ExitCode.failure;
  }
  if (isSystemError(error)) {
    // Node's messages already start with the code: "ENOENT: no such file or directory, ...".
    io.stderr(`${prefix} ${oneLine(error.message)}\n`);
    return ExitCode.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`${prefix} internal error (a tlskit bug, please report it): ${oneLine(message)}\n`);
  return ExitCode.failure;
}

/** Node's file system errors carry a string `code` such as ENOENT. */
function isSystemError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `usage: tlskit <command> [options]\n\ncommands:\n${list}\n\nRun \`tlskit help <command>\` for a command's options.\n`;
}

function commandHelp(command: Command): string {
  const summary = command.summary.charAt(0).toUpperCase() + command.summary.slice(1);
  return `usage: tlskit ${command.usage}\n\n${summary}.\n\n${command.help}\n`;
}
