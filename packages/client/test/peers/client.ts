/**
 * Our client as a separate process, for peers that must run inside a private network namespace
 * (gnutls-serv listens on every address; see runWithGnutlsServer). It connects to
 * TLSKIT_INTEROP_HOST:TLSKIT_INTEROP_PORT with the options in TLSKIT_INTEROP_OPTIONS (JSON), sends
 * one line, waits for the echo, optionally resumes with the ticket it got, and prints one JSON
 * line: what each connection negotiated, as our socket reports it.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type ConnectOptions, connect, type TLSSocket } from '../../src/index.js';

/** What the test asks for; files are paths (the certificates live in a shared temp dir). */
export interface PeerClientSpec {
  readonly caFile: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly groups?: string[];
  readonly keyShareGroups?: number[];
  readonly cipherSuites?: string[];
  readonly ALPNProtocols?: string[];
  /** After the first echo, send a KeyUpdate (update_requested) and echo a second line. */
  readonly keyUpdate?: boolean;
  /** Connect a second time with the session the first connection received. */
  readonly resume?: boolean;
}

/** One connection as the report shows it. */
export interface PeerClientConnection {
  readonly protocol?: string | null;
  readonly cipher?: string;
  readonly group?: string;
  readonly alpn?: string | false | null;
  readonly authorized?: boolean;
  readonly resumed?: boolean;
  readonly helloRetryRequest?: boolean;
  readonly peerSignatureScheme?: number;
  readonly received: string;
  readonly error?: { readonly code?: string; readonly message: string };
}

const spec = JSON.parse(process.env.TLSKIT_INTEROP_OPTIONS ?? '{}') as PeerClientSpec;
const line = 'ping from tlskit\n';
const afterUpdate = 'after the key update\n';

async function run(session: ConnectOptions['session']) {
  const socket: TLSSocket = connect({
    host: process.env.TLSKIT_INTEROP_HOST ?? '127.0.0.1',
    port: Number(process.env.TLSKIT_INTEROP_PORT),
    servername: 'tlskit.test',
    ca: readFileSync(spec.caFile, 'utf8'),
    ...(spec.certFile && spec.keyFile
      ? { cert: readFileSync(spec.certFile, 'utf8'), key: readFileSync(spec.keyFile, 'utf8') }
      : {}),
    ...(spec.groups ? { groups: spec.groups } : {}),
    ...(spec.keyShareGroups ? { engine: { keyShareGroups: spec.keyShareGroups } } : {}),
    ...(spec.cipherSuites ? { cipherSuites: spec.cipherSuites } : {}),
    ...(spec.ALPNProtocols ? { ALPNProtocols: spec.ALPNProtocols } : {}),
    ...(session ? { session } : {}),
  });
  // Errors after the handshake are reported through `received` falling short, never a crash.
  socket.on('error', () => {});
  let received = '';
  let ticket: ConnectOptions['session'];
  socket.on('session', (s) => {
    ticket = s;
  });
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  const signal = AbortSignal.timeout(8000);
  try {
    await Promise.race([
      once(socket, 'secureConnect', { signal }),
      once(socket, 'error', { signal }).then(([e]) => Promise.reject(e)),
    ]);
    socket.write(line);
    // Bounded: 160 x 50 ms for the echo (and, TLS 1.3, the ticket that comes with it).
    for (let i = 0; i < 160 && !(received.includes(line) && (ticket || !spec.resume)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (spec.keyUpdate && received.includes(line)) {
      // RFC 8446 4.6.3: update ours and ask the peer to update too, then echo again.
      await socket.keyUpdate(true);
      socket.write(afterUpdate);
      for (let i = 0; i < 160 && !received.includes(afterUpdate); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const info = socket.handshakeInfo;
    const report: PeerClientConnection = {
      protocol: socket.getProtocol(),
      cipher: socket.getCipher()?.standardName ?? '',
      ...(info?.group ? { group: info.group } : {}),
      alpn: socket.alpnProtocol,
      authorized: socket.authorized,
      resumed: socket.isSessionReused(),
      ...(info ? { helloRetryRequest: info.helloRetryRequest } : {}),
      ...(info?.peerSignatureScheme !== undefined
        ? { peerSignatureScheme: info.peerSignatureScheme }
        : {}),
      received,
    };
    return { report, ticket };
  } catch (error) {
    const e = error as Error & { code?: string };
    const report: PeerClientConnection = {
      received,
      error: { message: e.message, ...(e.code ? { code: e.code } : {}) },
    };
    return { report, ticket };
  } finally {
    socket.end();
    socket.destroy();
  }
}

const first = await run(undefined);
const connections = [first.report];
if (spec.resume && first.ticket) connections.push((await run(first.ticket)).report);
process.stdout.write(`${JSON.stringify({ connections })}\n`);
