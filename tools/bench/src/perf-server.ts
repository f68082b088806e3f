/**
 * A server to sample with `perf` (issue 14): tlskit (node provider) or node:tls on 127.0.0.1,
 * the s_time benchmark's certificate (ECDSA P-256) and versions. On SIGUSR2 it prints the
 * handshakes since the last SIGUSR2 and its CPU time per handshake over the same interval (all
 * threads), so the CPU of a `perf record` window is known to the microsecond.
 *
 * `node --perf-basic-prof --import tsx tools/bench/src/perf-server.ts tlskit|node TLSv1.3|TLSv1.2`
 * prints `listening PORT pid PID` (an ephemeral port on 127.0.0.1).
 */
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { nodeProvider } from '@tlskit/crypto/node';
import { type Implementation, nodeTls, type TlsVersion, tlskit } from './peers.js';

export function serverFor(name: string): Implementation {
  if (name === 'node') return nodeTls;
  if (name === 'tlskit') return tlskit('node', nodeProvider);
  throw new Error(`unknown server ${name}: tlskit or node`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name = 'tlskit', version = 'TLSv1.3'] = process.argv.slice(2);
  let handshakes = 0;
  let since = process.cpuUsage();
  process.on('SIGUSR2', () => {
    const used = process.cpuUsage(since);
    since = process.cpuUsage();
    const perHandshake = handshakes > 0 ? (used.user + used.system) / handshakes : 0;
    console.log(`handshakes ${handshakes} cpu_us_per_handshake ${perHandshake.toFixed(0)}`);
    handshakes = 0;
  });
  const server = await serverFor(name).listen(
    { version: version as TlsVersion, cert: 'ECDSA P-256' },
    (_socket: Duplex) => {
      handshakes++;
    },
  );
  console.log(`listening ${server.port} pid ${process.pid}`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
