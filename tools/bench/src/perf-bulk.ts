/**
 * One connection's bulk transfer to sample with `perf` (issue 14): client and server of one
 * implementation in this process, `MIB` chunks of 1 MiB from client to server, TLS 1.3 with the
 * given AEAD. Prints the CPU time per MiB (sender and receiver together, all threads), the unit
 * perf-account.ts takes.
 *
 * `node --perf-basic-prof --import tsx tools/bench/src/perf-bulk.ts tlskit|node MIB [AES-128-GCM|CHACHA20-POLY1305]`
 */
import { fileURLToPath } from 'node:url';
import { chunkSize } from './bulk.js';
import { type AeadChoice, secureConnected } from './peers.js';
import { serverFor } from './perf-server.js';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name = 'tlskit', mib = '1024', aead = 'AES-128-GCM'] = process.argv.slice(2);
  const chunks = Number(mib);
  const implementation = serverFor(name);
  const profile = { version: 'TLSv1.3', cert: 'ECDSA P-256', aead: aead as AeadChoice } as const;
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const server = await implementation.listen(profile, (socket) => {
    socket.on('data', (chunk: Uint8Array) => {
      received += chunk.length;
      if (received >= chunks * chunkSize) done();
    });
  });
  const client = implementation.connect(server.port, profile);
  await secureConnected(client);
  const chunk = Buffer.alloc(chunkSize, 7);
  const cpu = process.cpuUsage();
  for (let i = 0; i < chunks; i++) {
    if (!client.write(chunk)) await new Promise((resolve) => client.once('drain', resolve));
  }
  await finished;
  const used = process.cpuUsage(cpu);
  console.log(`${name} ${aead}: cpu_us_per_mib ${((used.user + used.system) / chunks).toFixed(0)}`);
  client.destroy();
  await server.close();
}
