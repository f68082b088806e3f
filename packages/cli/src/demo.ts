/**
 * `tlskit demo`: a TLS 1.3 and a TLS 1.2 handshake between our client and our server on
 * 127.0.0.1, traced message by message, then HTTP over them. `--clienthello` keeps the first
 * demo: a ClientHello captured from a real client (packages/wire/test/fixtures), decoded.
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
  decodeRecords,
} from '@tlskit/wire';
import type { TLSSocket } from '@tlskit/client';
import type { CryptoProvider } from '@tlskit/crypto';
import { defaultProviderName } from '@tlskit/crypto/default';
import { createServer } from '@tlskit/server';
import { makeDemoCertificates } from './certs.js';
import { type Command, ExitCode, type Io, type OptionValue, UsageError } from './command.js';
import { closeGracefully, httpGet } from './connect.js';
import { serveHttp } from './serve.js';
import {
  type ClientSetup,
  formatNegotiated,
  loadProvider,
  negotiated,
  openClient,
  providerNames,
  readAll,
  secureConnected,
} from './tls.js';
import { Tracer } from './trace.js';
import { showRecords } from './inspect.js';
import { tlsBytesFromFile } from './input.js';
import { code } from './names.js';
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

/**
 * Built (dist/demo.js) the captures sit beside this file, copied there by
 * scripts/copy-fixtures.mjs; run from source they are read where they were captured.
 */
const fixturesDir = import.meta.url.endsWith('.ts')
  ? new URL('../../wire/test/fixtures/', import.meta.url)
  : new URL('fixtures/', import.meta.url);

export const demo: Command = {
  name: 'demo',
  summary: 'run a TLS 1.3 and a TLS 1.2 handshake on 127.0.0.1 and trace them',
  usage: 'demo [--provider NAME] | demo --clienthello [--client NAME] [--json]',
  help: [
    'Makes a CA and a server certificate (ECDSA P-256) in memory, starts a tlskit server on',
    '127.0.0.1, connects a tlskit client to it and prints each handshake message with its key',
    'fields, what was negotiated and the verified chain, then an HTTP/1.1 request and its',
    'response over the connection. Once with TLS 1.3, then once with TLS 1.2.',
    '',
    `  --provider NAME  crypto provider: ${providerNames.join(', ')} (default ${defaultProviderName})`,
    '',
    'With --clienthello it decodes a ClientHello captured from a real TLS client instead and',
    'prints every field, then a summary of what the client offers.',
    '',
    `  --client NAME    one of ${Object.keys(demoFixtures).join(', ')} (default chromium)`,
    '  --json           print the decoded records as JSON (as `inspect --json`)',
  ].join('\n'),
  options: {
    clienthello: { type: 'boolean' },
    client: { type: 'string' },
    json: { type: 'boolean' },
    provider: { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals.length > 0) {
      throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    }
    const v = args.values;
    if (v.clienthello !== true) {
      if (v.client !== undefined || v.json !== undefined) {
        throw new UsageError('--client and --json go with --clienthello');
      }
      return runHandshakeDemo(await loadProvider(v.provider), io);
    }
    const client = fixtureName(v.client);
    const bytes = tlsBytesFromFile(await readFile(new URL(`${client}.hex`, fixturesDir)));
    if (v.json === true) {
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

/** Bounds every wait of the demo: a handshake on loopback takes milliseconds. */
const DEMO_TIMEOUT_MS = 30_000;

async function runHandshakeDemo(provider: CryptoProvider, io: Io): Promise<ExitCode> {
  const certs = makeDemoCertificates();
  io.stdout(
    `Made in memory: a root CA "CN=${certs.ca.name}" and a server certificate for ${certs.server.name}\n` +
      'and 127.0.0.1 that it issued (ECDSA P-256, valid for a day). The client trusts only that CA.\n',
  );
  const server = createServer(
    { cert: certs.server.cert, key: certs.server.key, ALPNProtocols: ['http/1.1'], provider },
    (socket) => {
      socket.on('error', () => {}); // reported by the client side
      serveHttp(socket, demoResponse);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
      io.stdout(`\n=== ${version}: tlskit client -> tlskit server on 127.0.0.1:${port} ===\n\n`);
      await demoConnection(io, {
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: certs.ca.cert,
        alpn: ['h2', 'http/1.1'],
        maxVersion: version,
        provider,
      });
    }
  } finally {
    await new Promise<void>((resolve) => {
      setTimeout(resolve, 1000).unref();
      server.close(() => resolve());
    });
  }
  return ExitCode.ok;
}

async function demoConnection(io: Io, setup: ClientSetup): Promise<void> {
  const tracer = new Tracer('client');
  const socket = openClient({
    ...setup,
    onMessage: (m) => io.stdout(tracer.format(m)),
    onAlert: (a) => io.stdout(tracer.formatAlert(a)),
  });
  try {
    await secureConnected(socket, DEMO_TIMEOUT_MS);
    io.stdout(`\nNegotiated:\n${formatNegotiated(negotiated(socket))}`);
    const request = httpGet('/', 'localhost');
    io.stdout(`\nHTTP/1.1 request, sent encrypted:\n${indent(request)}`);
    socket.write(request);
    const response = await readAll(socket, DEMO_TIMEOUT_MS);
    io.stdout(`\nHTTP/1.1 response from the server:\n${indent(response)}`);
  } finally {
    await closeGracefully(socket);
  }
}

/** The demo server's answer: what it saw of the connection, as plain text. */
function demoResponse(socket: TLSSocket, requestLine: string): string {
  const p = negotiated(socket);
  const body =
    `Hello from the tlskit server. You sent "${requestLine}" over ${p.version} with\n` +
    `${p.cipher}, key exchange ${p.group}, ALPN ${p.alpn ?? '(none)'}, SNI ${p.servername ?? '(none)'}.\n`;
  return `HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function indent(text: string): string {
  return `${text
    .replace(/\r\n/g, '\n')
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')}\n`;
}

function fixtureName(value: OptionValue): DemoFixture {
  if (value === undefined) return 'chromium';
  if (typeof value === 'string' && value in demoFixtures) return value as DemoFixture;
  throw new UsageError(
    `--client must be one of ${Object.keys(demoFixtures).join(', ')}, not ${String(value)}`,
  );
}

/** A few sentences on what the client offers, read off the decoded ClientHello. */
function summary(bytes: Uint8Array): string {
  const inspected = decodeRecords(bytes)
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
