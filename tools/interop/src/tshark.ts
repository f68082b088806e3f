/**
 * Loopback captures decrypted by tshark with an NSS key log (SSLKEYLOGFILE format): the
 * independent proof that a key log is right, since Wireshark derives every traffic key from it
 * (RFC 8446 7.1 for TLS 1.3, the master secret for TLS 1.2) and only then finds the plaintext.
 *
 * Capturing on `lo` needs root or dumpcap's capabilities (cap_net_raw, cap_net_admin); CI runs
 * as root. Check with `missingPeers('tshark')`.
 */
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { runPeer, spawnPeer, tempDir } from './processes.js';

/** A running loopback capture. */
export interface Capture {
  /** The pcapng file being written. */
  readonly file: string;
  /** Stops the capture (tshark flushes the file) and resolves with the file path. */
  stop(): Promise<string>;
}

/**
 * Starts capturing `port` on lo (`tshark -i lo -f 'port PORT' -w FILE`) and resolves once packets
 * are really being captured: "Capturing on" is printed before the filter is attached, so UDP
 * probes are sent to the port until tshark reports one. UDP keeps them out of the TCP streams
 * that {@link decryptedText} follows. Start it before the connection; stop it after.
 */
export async function startCapture(options: {
  readonly port: number;
  /** Default a file in a {@link tempDir} (removed by the next stopAllPeers). */
  readonly file?: string;
  readonly timeoutMs?: number;
}): Promise<Capture> {
  const file = options.file ?? join(tempDir('tlskit-capture-'), 'capture.pcapng');
  const args = ['-i', 'lo', '-f', `port ${options.port}`, '-w', file, '-P', '-l'];
  const peer = spawnPeer('tshark', args, { name: `tshark capture :${options.port}` });
  const probe = createSocket('udp4');
  const timer = setInterval(
    () => probe.send('tlskit capture probe', options.port, '127.0.0.1'),
    100,
  );
  try {
    await peer.waitForOutput(/ UDP /, { stream: 'stdout', timeoutMs: options.timeoutMs ?? 15_000 });
  } catch (error) {
    await peer.stop();
    throw error;
  } finally {
    clearInterval(timer);
    probe.close();
  }
  return {
    file,
    async stop() {
      // tshark prints a line per packet (-P -l): stop only once it has been quiet for 300 ms,
      // so the last packets (the response, close_notify, FIN) are in the file. At most 5 s.
      let seen = -1;
      for (let quiet = 0, i = 0; quiet < 3 && i < 50; i++) {
        quiet = peer.stdout.length === seen ? quiet + 1 : 0;
        seen = peer.stdout.length;
        await new Promise((r) => setTimeout(r, 100));
      }
      // SIGINT lets tshark flush the file; a killed tshark can leave it without the packets.
      const status = await peer.stop('SIGINT', 10_000);
      if (status.signal === 'SIGKILL')
        throw new Error(`tshark had to be killed: ${file} is incomplete`);
      return file;
    },
  };
}

/** Options of the tshark readers. */
export interface DecryptOptions {
  readonly pcap: string;
  /** NSS key log; omit it to see what an eavesdropper without keys sees. */
  readonly keylogFile?: string;
  /** Decode this TCP port as TLS (needed when tshark would not guess it). */
  readonly port?: number;
  readonly timeoutMs?: number;
}

function readArgs(o: DecryptOptions): string[] {
  const args = ['-r', o.pcap, '-o', `tls.keylog_file:${o.keylogFile ?? ''}`];
  if (o.port !== undefined) args.push('-d', `tcp.port==${o.port},tls`);
  return args;
}

async function tshark(args: readonly string[], timeoutMs = 20_000): Promise<string> {
  const run = await runPeer('tshark', args, { name: 'tshark', timeoutMs });
  if (run.code !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${run.stderr.trim()}`);
  return run.stdout;
}

/**
 * The decrypted application data of one TCP stream, both directions in order, as text
 * (`tshark -z follow,tls,ascii`). Empty when tshark could not decrypt it.
 */
export async function decryptedText(
  o: DecryptOptions & { readonly stream?: number },
): Promise<string> {
  const out = await tshark(
    [...readArgs(o), '-q', '-z', `follow,tls,ascii,${o.stream ?? 0}`],
    o.timeoutMs,
  );
  // Between the header (ending with the "Node 1:" line) and the closing ===== rule, each chunk is
  // a line with its byte count (indented by a tab for the second node) followed by its text.
  const body = out.split(/^Node 1: .*$/m)[1] ?? '';
  const end = body.lastIndexOf('=====');
  return (end >= 0 ? body.slice(0, end) : body)
    .split('\n')
    .filter((line) => !/^\t?\d+$/.test(line))
    .join('\n')
    .trim();
}

/**
 * Rows of fields from packets matching a display filter, e.g. `filter: 'tls.handshake.type == 2'`
 * and `fields: ['tls.handshake.ciphersuite']`, or `filter: 'http'` and `fields: ['http.request.uri']`.
 */
export async function captureFields(
  o: DecryptOptions & { readonly filter: string; readonly fields: readonly string[] },
): Promise<string[][]> {
  const out = await tshark(
    [...readArgs(o), '-Y', o.filter, '-T', 'fields', ...o.fields.flatMap((f) => ['-e', f])],
    o.timeoutMs,
  );
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}
