// A client engine over a net.Socket in its own process, for peers that must run inside a
// private network namespace (gnutls-serv listens on every address): connect to
// TLSKIT_INTEROP_HOST:TLSKIT_INTEROP_PORT trusting the PEM file TLSKIT_ENGINE_CA, send one line,
// wait for its echo, and print one JSON report. Everything is over within 10 s.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { nobleProvider as provider } from '@tlskit/crypto';
import { createClient, type HandshakeInfo } from '@tlskit/handshake';
import { parsePem } from '@tlskit/x509';

/** What the test reads back. */
export interface EngineClientReport {
  readonly version?: HandshakeInfo['version'];
  readonly peerVerified?: boolean;
  readonly echoed: string;
  readonly exporterLength?: number;
  readonly error?: string;
}

const line = 'hello gnutls\n';
let echoed = '';
let info: HandshakeInfo | undefined;
const report = (extra: Partial<EngineClientReport> = {}): never => {
  process.stdout.write(
    `${JSON.stringify({ version: info?.version, peerVerified: info?.peerVerified, echoed, ...extra })}\n`,
  );
  process.exit(extra.error === undefined ? 0 : 1);
};
setTimeout(() => report({ error: 'timed out' }), 10_000).unref();

const client = createClient({
  provider,
  serverName: 'localhost',
  ca: parsePem(readFileSync(process.env.TLSKIT_ENGINE_CA ?? '', 'utf8')),
  minVersion: 'TLSv1.2',
});
const socket = connect(Number(process.env.TLSKIT_INTEROP_PORT), process.env.TLSKIT_INTEROP_HOST);
const flush = () => {
  for (const chunk of client.takeOutput()) socket.write(chunk);
};
socket.on('error', (error) => report({ error: error.message }));
socket.on('data', (bytes) => {
  client.receive(bytes).then(flush, (error: Error) => report({ error: error.message }));
});
client.on('close', (event) => {
  if (event.error !== undefined) report({ error: event.error.message });
});
client.on('handshake', async (handshake) => {
  info = handshake;
  await client.write(new TextEncoder().encode(line));
  flush();
});
client.on('data', async (data) => {
  echoed += new TextDecoder().decode(data);
  if (!echoed.includes(line)) return;
  const exporterLength = client.exportKeyingMaterial('EXPORTER-test', undefined, 16).length;
  await client.close();
  flush();
  socket.end();
  report({ exporterLength });
});
await client.start();
flush();
