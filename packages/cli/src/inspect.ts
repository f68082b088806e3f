/**
 * `tlskit inspect [--json] [--full] [--protocol tls12|tls13] FILE`: prints every record and
 * handshake message in FILE with all their fields.
 */
import { decodeRecords, type WireProtocol } from '@tlskit/wire';
import { type Command, ExitCode, type Io, type OptionValue, UsageError } from './command.js';
import { describeRecords } from './describe.js';
import { tlsBytesFromFile } from './input.js';
import { toJson, toText } from './tree.js';

/** How `inspect` and other commands that show records print them. */
export interface ShowOptions {
  readonly json: boolean;
  readonly full: boolean;
  readonly protocol?: WireProtocol;
}

/**
 * Decodes `bytes` and writes them to `io.stdout` as text or JSON. Decode failures propagate
 * as the TlsError @tlskit/wire threw (see `cli.ts` for how they are reported).
 */
export function showRecords(bytes: Uint8Array, options: ShowOptions, io: Io): void {
  const records = decodeRecords(bytes, options.protocol ? { protocol: options.protocol } : {});
  const tree = describeRecords(records);
  io.stdout(
    options.json
      ? `${JSON.stringify(toJson(tree), null, 2)}\n`
      : toText(tree, { full: options.full }),
  );
}

/** Reads `--protocol`, which forces the TLS 1.2 or 1.3 layouts. */
export function protocolOption(value: OptionValue): WireProtocol | undefined {
  if (value === undefined) return undefined;
  if (value === 'tls12' || value === 'tls13') return value;
  throw new UsageError(`--protocol must be tls12 or tls13, not ${String(value)}`);
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'decode TLS records from a file (raw bytes or hex) and print every field',
  usage: 'inspect [--json] [--full] [--protocol tls12|tls13] FILE',
  help: [
    'FILE holds TLS records back to back, as raw bytes or as hex text (whitespace ignored);',
    '`-` reads standard input.',
    'Handshake messages are reassembled across records and decoded with @tlskit/wire.',
    '',
    '  --json              print JSON: code points as { code, name }, bytes as hex',
    '  --full              print long byte strings in full (text output shortens them)',
    '  --protocol VERSION  decode with the tls12 or tls13 layouts of Certificate,',
    '                      CertificateRequest and NewSessionTicket (default: inferred)',
    '',
    'Exit status: 0 decoded, 1 malformed input (one line: the error code and where),',
    '2 bad command line.',
  ].join('\n'),
  options: {
    json: { type: 'boolean' },
    full: { type: 'boolean' },
    protocol: { type: 'string' },
  },
  async run(args, io) {
    const [file, ...extra] = args.positionals;
    if (file === undefined) throw new UsageError('missing FILE');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    const protocol = protocolOption(args.values.protocol);
    const bytes = tlsBytesFromFile(await io.readFile(file));
    showRecords(
      bytes,
      {
        json: args.values.json === true,
        full: args.values.full === true,
        ...(protocol ? { protocol } : {}),
      },
      io,
    );
    return ExitCode.ok;
  },
};
