/**
 * `tlskit demo`: what tlskit can do so far. Today that is decoding a ClientHello captured from a
 * real client (packages/wire/test/fixtures) and printing it; later issues add a handshake.
 */
import { readFile } from 'node:fs/promises';
import {
  type ClientHello,
  encodeHandshake,
  equalBytes,
  ExtensionType,
  findExtension,
  HandshakeType,
  isGrease,
} from '@tlskit/wire';
import { type Command, ExitCode, type OptionValue, UsageError } from './command.js';
import { showRecords } from './inspect.js';
import { tlsBytesFromFile } from './input.js';
import { code } from './names.js';
import { inspectRecords } from './records.js';
import { byteCount } from './tree.js';

/** The captured ClientHellos the demo can show, and where each came from. */
export const demoFixtures = {
  chromium: 'headless Chromium 156',
  'openssl-s_client': 'OpenSSL 3.0.19 s_client',
  'openssl-s_client-tls12': 'OpenSSL 3.0.19 s_client -tls1_2',
  'gnutls-cli': 'gnutls-cli 3.7.9',
  'node-tls': "Node 20's tls.connect()",
} as const;

type DemoFixture = keyof typeof demoFixtures;

const fixturesDir = new URL('../../../packages/wire/test/fixtures/', import.meta.url);

export const demo: Command = {
  name: 'demo',
  summary: 'decode and print a ClientHello captured from a real client',
  usage: 'demo [--client NAME] [--json]',
  help: [
    'Decodes a ClientHello captured from a real TLS client and prints every field, then',
    'a summary of what the client offers.',
    '',
    `  --client NAME  one of ${Object.keys(demoFixtures).join(', ')} (default chromium)`,
    '  --json         print the decoded records as JSON (as `inspect --json`)',
  ].join('\n'),
  options: { client: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    if (args.positionals.length > 0) {
      throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    }
    const client = fixtureName(args.values.client);
    const bytes = tlsBytesFromFile(await readFile(new URL(`${client}.hex`, fixturesDir)));
    if (args.values.json === true) {
      showRecords(bytes, { json: true, full: false }, io);
      return ExitCode.ok;
    }
    io.stdout(
      `A ClientHello sent by ${demoFixtures[client]}, captured on 127.0.0.1\n` +
        `(packages/wire/test/fixtures/${client}.hex), decoded by @tlskit/wire:\n\n`,
    );
    showRecords(bytes, { json: false, full: false }, io);
    io.stdout(`\n${summary(bytes)}`);
    return ExitCode.ok;
  },
};

function fixtureName(value: OptionValue): DemoFixture {
  if (value === undefined) return 'chromium';
  if (typeof value === 'string' && value in demoFixtures) return value as DemoFixture;
  throw new UsageError(
    `--client must be one of ${Object.keys(demoFixtures).join(', ')}, not ${String(value)}`,
  );
}

/** A few sentences on what the client offers, read off the decoded ClientHello. */
function summary(bytes: Uint8Array): string {
  const inspected = inspectRecords(bytes)
    .flatMap((r) => (r.content.kind === 'handshake' ? r.content.messages : []))
    .find((m) => m.message.type === HandshakeType.clientHello);
  if (inspected === undefined) return '';
  const hello = inspected.message as ClientHello;
  // The codec works both ways: encoding the decoded value must give back the captured bytes.
  const reencoded = equalBytes(encodeHandshake(hello), inspected.bytes);
  const ext = hello.extensions;
  const name = (registry: Parameters<typeof code>[0], value: number): string =>
    code(registry, value).name ?? `0x${value.toString(16).padStart(4, '0')}`;
  const sni = findExtension(ext, ExtensionType.serverName)?.serverNames[0]?.name;
  const versions = findExtension(ext, ExtensionType.supportedVersions);
  const shares = findExtension(ext, ExtensionType.keyShare);
  const alpn = findExtension(ext, ExtensionType.applicationLayerProtocolNegotiation);
  const grease = [
    ...hello.cipherSuites,
    ...hello.extensions.map((e) => e.type),
    ...(findExtension(ext, ExtensionType.supportedGroups)?.groups ?? []),
  ].filter(isGrease).length;
  const lines = [
    'In short:',
    `  server name (SNI): ${sni ? new TextDecoder().decode(sni) : '(none)'}`,
    `  versions: ${
      versions && 'versions' in versions
        ? versions.versions.map((v) => name('ProtocolVersion', v)).join(', ')
        : `${name('ProtocolVersion', hello.legacyVersion)} (no supported_versions extension)`
    }`,
    `  cipher suites: ${hello.cipherSuites.length}, first ${name('CipherSuite', hello.cipherSuites[0] ?? 0)}`,
    `  key shares: ${
      shares && 'clientShares' in shares
        ? shares.clientShares
            .map((s) => `${name('NamedGroup', s.group)} (${byteCount(s.keyExchange.length)})`)
            .join(', ')
        : '(none)'
    }`,
    `  ALPN: ${alpn ? alpn.protocols.map((p) => new TextDecoder().decode(p)).join(', ') : '(none)'}`,
    `  extensions: ${hello.extensions.length}, GREASE values (RFC 8701): ${grease}`,
    `  re-encoded by @tlskit/wire: ${reencoded ? 'identical to the captured bytes' : 'DIFFERENT from the captured bytes'} (${byteCount(inspected.bytes.length)})`,
  ];
  return `${lines.join('\n')}\n`;
}
